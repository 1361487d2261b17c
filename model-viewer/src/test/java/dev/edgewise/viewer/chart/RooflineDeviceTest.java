package dev.edgewise.viewer.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RooflineDeviceTest {
    private final RooflineDevice dev = new RooflineDevice("test", 100, 10, "assumed");

    @Test
    void roofIsBandwidthTimesIntensityUpToThePeak() {
        assertThat(dev.ridgeIntensity()).isEqualTo(10);
        assertThat(dev.attainableGflops(2)).isEqualTo(20);
        assertThat(dev.attainableGflops(50)).isEqualTo(100);
        assertThat(dev.memoryBound(2)).isTrue();
        assertThat(dev.memoryBound(50)).isFalse();
    }

    @Test
    void minimumTimeFollowsTheRoof() {
        // 2 GFLOP at intensity 2 -> 20 GFLOP/s -> 100 ms
        assertThat(dev.minimumMillis(2e9, 2)).isCloseTo(100, within(1e-9));
        assertThat(dev.minimumMillis(0, 2)).isNaN();
        assertThat(dev.minimumMillis(1e9, Double.POSITIVE_INFINITY)).isNaN();
    }

    @Test
    void editsAreLabelledAndValidated() {
        assertThat(dev.withPeak(50).assumption()).contains("peak edited");
        assertThatThrownBy(() -> new RooflineDevice("bad", 0, 1, ""))
            .hasMessageContaining("device 'bad'").hasMessageContaining("positive");
        assertThat(RooflineDevice.presets()).allSatisfy(p -> assertThat(p.assumption()).startsWith("assumed"));
    }
}
