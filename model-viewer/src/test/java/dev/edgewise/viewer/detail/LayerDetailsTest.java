package dev.edgewise.viewer.detail;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.analysis.Provenance;
import dev.edgewise.viewer.TestAnalyses;
import org.junit.jupiter.api.Test;

class LayerDetailsTest {
    @Test
    void marksConstantInputsAsWeightsAndLabelsEveryNumber() {
        var a = TestAnalyses.threeLayers();
        var node = a.graph().node("conv1").orElseThrow();
        LayerDetails d = LayerDetails.of(a.graph(), node, a.layers().get(0), a.energyModelDescription());
        assertThat(d.inputs()).extracting(LayerDetails.TensorRow::name).containsExactly("x", "conv1.w");
        assertThat(d.weightTensors()).containsExactly("conv1.w");
        assertThat(d.inputs().get(1).shape()).isEqualTo("16x12x3x3");
        assertThat(d.figures()).extracting(LayerDetails.Figure::label).contains("MACs", "Energy");
        assertThat(d.figures()).filteredOn(f -> f.label().equals("Energy")).first()
            .satisfies(f -> {
                assertThat(f.provenance()).isEqualTo(Provenance.ESTIMATED);
                assertThat(f.source()).isEqualTo("unit-test energy model");
            });
        assertThat(d.figures()).filteredOn(f -> f.label().equals("MACs")).first()
            .satisfies(f -> assertThat(f.exact()).isEqualTo("1769472"));
    }

    @Test
    void unresolvedLayerShowsItsNoteAndNoNumbers() {
        var a = TestAnalyses.threeLayers();
        LayerDetails d = LayerDetails.of(a.graph(), a.graph().node("mystery").orElseThrow(), a.layers().get(1), "");
        assertThat(d.figures()).isEmpty();
        assertThat(d.note()).isEqualTo("unknown op CustomOp");
    }
}
