package dev.edgewise.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgewise.core.optimize.SensitivityAnalysis;
import dev.edgewise.core.testing.Digits;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class JobTest {

    @Test
    void resultAndProgressArrive() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Job<Integer> j = Job.start("sum", ctx -> {
            int s = 0;
            for (int i = 1; i <= 4; i++) {
                ctx.checkCancelled();
                s += i;
                ctx.progress(i, 4, "step " + i);
            }
            return s;
        }, (d, t, m) -> calls.incrementAndGet());
        assertThat(j.await()).isEqualTo(10);
        assertThat(calls.get()).isEqualTo(4);
    }

    @Test
    void cancellingASensitivitySweepStopsItEarly() throws Exception {
        AtomicReference<Job<?>> job = new AtomicReference<>();
        AtomicInteger steps = new AtomicInteger();
        var j = SensitivityAnalysis.start(Digits.cnn(), Digits.test(), Digits.calibration(),
            SensitivityAnalysis.Options.defaults(1.0), (d, t, m) -> {
                if (steps.incrementAndGet() == 2) {
                    while (job.get() == null) {
                        Thread.onSpinWait();
                    }
                    job.get().cancel();
                }
            });
        job.set(j);
        assertThatThrownBy(j::await).isInstanceOf(CancellationException.class);
        assertThat(j.isCancelled()).isTrue();
        assertThat(steps.get()).isLessThan(24); // 4 layers x (5 levels + int8) would be 24 steps plus the greedy
    }

    @Test
    void failuresPropagate() {
        Job<Object> j = Job.start("fail", ctx -> {
            throw new IllegalStateException("boom in layer x");
        }, null);
        assertThatThrownBy(j::await).hasMessageContaining("boom in layer x");
    }
}
