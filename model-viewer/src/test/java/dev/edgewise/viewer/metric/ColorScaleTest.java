package dev.edgewise.viewer.metric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.edgewise.core.analysis.Provenance;
import java.util.Map;
import javafx.scene.paint.Color;
import org.junit.jupiter.api.Test;

class ColorScaleTest {
    @Test
    void positionIsLogarithmicBetweenSmallestPositiveAndLargest() {
        LayerMetric m = new LayerMetric("macs", "MACs", MetricUnit.COUNT, Provenance.COUNTED, "test",
            Map.of("a", 10.0, "b", 1000.0, "c", 100_000.0, "zero", 0.0));
        ColorScale s = ColorScale.forMetric(m);
        assertThat(s.position(10)).isEqualTo(0.0);
        assertThat(s.position(1000)).isCloseTo(0.5, within(1e-12));
        assertThat(s.position(100_000)).isEqualTo(1.0);
        assertThat(s.position(1e9)).isEqualTo(1.0);
        assertThat(s.position(0)).isNaN();
        assertThat(s.color(0)).isNull();
        assertThat(s.color(10)).isEqualTo(ColorScale.ramp(0));
    }

    @Test
    void singleValueMapsToTopOfRamp() {
        ColorScale s = new ColorScale(5, 5);
        assertThat(s.position(5)).isEqualTo(1.0);
    }

    @Test
    void rampGoesFromDarkToLightAndTextContrastFollows() {
        Color low = ColorScale.ramp(0);
        Color high = ColorScale.ramp(1);
        assertThat(low.getBrightness()).isLessThan(high.getBrightness());
        assertThat(ColorScale.textOn(low)).isEqualTo(Color.WHITE);
        assertThat(ColorScale.textOn(high)).isNotEqualTo(Color.WHITE);
    }
}
