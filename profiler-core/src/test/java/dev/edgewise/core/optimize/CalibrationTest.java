package dev.edgewise.core.optimize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.testing.Digits;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalibrationTest {

    @Test
    void percentileClipsOnlyTheTails() {
        long[] h = new long[Calibration.BINS];
        h[0] = 1;                       // one outlier at the bottom
        for (int i = 1000; i < 1100; i++) {
            h[i] = 10_000;
        }
        h[Calibration.BINS - 1] = 1;    // and one at the top
        double[] r = Calibration.percentileRange(h, new double[] {-2048, 2048}, 99.99);
        assertThat(r[0]).isEqualTo(-2048 + 1000 * 2.0);
        assertThat(r[1]).isEqualTo(-2048 + 1100 * 2.0);
    }

    @Test
    void entropyClipsALongSparseTailButKeepsADenseRange() {
        long[] tail = new long[Calibration.BINS];
        for (int i = 1; i < 400; i++) {
            tail[i] = 100_000 - 200L * i;
        }
        tail[Calibration.BINS - 1] = 1;
        double[] clipped = Calibration.entropyRange(tail, new double[] {0, 10});
        assertThat(clipped[1]).isLessThan(5).isGreaterThan(1.5);
        long[] flat = new long[Calibration.BINS];
        java.util.Arrays.fill(flat, 1000);
        assertThat(Calibration.entropyRange(flat, new double[] {0, 10})[1]).isGreaterThan(9.9);
    }

    @Test
    void everyMethodKeepsDigitsAccuracyInFullInt8() throws Exception {
        var g = Digits.cnn();
        for (String m : List.of("minmax", "percentile", "entropy")) {
            var s = OptimizationSettings.none().withQuantize("int8", null).withCalibration(m, null, null, null, null);
            var q = Optimizer.optimize(g, s, Digits.calibration(), x -> { }).graph();
            assertThat(dev.edgewise.core.eval.Evaluation.accuracy(q, Digits.test())).as(m).isGreaterThanOrEqualTo(0.995);
        }
    }

    @Test
    void rangesOnTheDigitsModelAreOrderedByMethod() throws Exception {
        var g = Digits.cnn();
        List<String> t = List.of("/features/features.2/Relu_output_0", "input");
        var mm = Calibration.ranges(g, t, Digits.calibration(), Calibration.Method.MINMAX, 0);
        var pc = Calibration.ranges(g, t, Digits.calibration(), Calibration.Method.PERCENTILE, 99.9);
        var en = Calibration.ranges(g, t, Digits.calibration(), Calibration.Method.ENTROPY, 0);
        assertThat(mm.get("input")).containsExactly(0, 1); // digits pixels are scaled to [0, 1]
        double[] relu = mm.get(t.get(0));
        assertThat(relu[0]).isZero();
        assertThat(relu[1]).isPositive();
        assertThat(pc.get(t.get(0))[1]).isLessThanOrEqualTo(relu[1]).isPositive();
        assertThat(en.get(t.get(0))[1]).isLessThanOrEqualTo(relu[1]).isPositive();
    }
}
