package dev.edgewise.viewer.detail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import org.junit.jupiter.api.Test;

class WeightStatsTest {
    @Test
    void summarisesValuesReadThroughTensorData() {
        TensorData t = TensorData.ofFloats("w", Shape.of(2, 3), new float[] {0, 2, -1, 0, 4, 1});
        WeightStats s = WeightStats.of(t);
        assertThat(s.count()).isEqualTo(6);
        assertThat(s.min()).isEqualTo(-1);
        assertThat(s.max()).isEqualTo(4);
        assertThat(s.mean()).isEqualTo(1.0);
        // population variance: (1 + 1 + 4 + 1 + 9 + 0) / 6
        assertThat(s.std()).isCloseTo(Math.sqrt(16.0 / 6), within(1e-12));
        assertThat(s.sparsity()).isEqualTo(2.0 / 6);
        assertThat(s.shape()).isEqualTo("2x3");
    }

    @Test
    void emptyTensorHasNoStatistics() {
        WeightStats s = WeightStats.of("e", "float", "0", new float[0]);
        assertThat(s.count()).isZero();
        assertThat(s.mean()).isNaN();
    }
}
