package dev.edgewise.viewer.metric;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.analysis.Provenance;
import dev.edgewise.viewer.TestAnalyses;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayerMetricsTest {
    @Test
    void metricsCarryProvenanceAndSkipUnresolvedLayers() {
        var analysis = TestAnalyses.threeLayers();
        List<LayerMetric> metrics = LayerMetrics.fromAnalysis(analysis);
        LayerMetric macs = metrics.stream().filter(m -> m.id().equals(LayerMetrics.MACS)).findFirst().orElseThrow();
        LayerMetric energy = metrics.stream().filter(m -> m.id().equals(LayerMetrics.ENERGY)).findFirst().orElseThrow();
        assertThat(macs.provenance()).isEqualTo(Provenance.COUNTED);
        assertThat(energy.provenance()).isEqualTo(Provenance.ESTIMATED);
        assertThat(energy.source()).isEqualTo("unit-test energy model");
        assertThat(macs.value("conv1").getAsDouble()).isEqualTo(1_769_472);
        assertThat(macs.value("mystery")).isEmpty();
        assertThat(macs.format("mystery")).isEqualTo("—");
        assertThat(macs.format("conv1")).isEqualTo("1.77 M");
        assertThat(macs.minPositive()).isEqualTo(5120);
        assertThat(macs.describe()).contains("counted from the graph");
    }
}
