package dev.edgewise.core.optimize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.analysis.Analyzer;
import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.eval.Dataset;
import dev.edgewise.core.eval.Evaluation;
import dev.edgewise.core.eval.OrtModel;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.testing.Digits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StructuredPruningTest {

    @ParameterizedTest
    @ValueSource(strings = {"digits_cnn.onnx", "resnet_tiny.onnx", "mobilenetv2_tiny.onnx"})
    void removedFiltersCutDenseMacsAndTheModelStillRunsWithTheSameOutputShape(String name) throws Exception {
        Graph g = Digits.load(name);
        PassResult r = StructuredPruning.apply(g, 0.3, StructuredPruning.Norm.L1);
        long pruned = r.layers().stream().filter(s -> s.change().startsWith("structured: kept")).count();
        System.out.println(name + ": " + r.layers().stream().map(s -> s.layer() + " " + s.change()).toList());
        assertThat(pruned).isPositive();

        Analyzer a = Analyzer.withDefaults();
        long macsBefore = a.analyze(g, DimBindings.NONE).totals().macs();
        long macsAfter = a.analyze(r.graph(), DimBindings.NONE).totals().macs();
        assertThat(macsAfter).isLessThan(macsBefore);
        assertThat(a.analyze(r.graph(), DimBindings.NONE).totals().params()).isLessThan(a.analyze(g, DimBindings.NONE).totals().params());

        Dataset x = Dataset.random(2, OrtModel.inputElements(g), 3);
        try (OrtModel before = OrtModel.open(g, 1); OrtModel after = OrtModel.open(r.graph(), 1)) {
            String out = g.outputs().get(0).name();
            assertThat(after.run(x.samples().get(0)).get(out)).hasSameSizeAs(before.run(x.samples().get(0)).get(out));
        }
    }

    @Test
    void residualAddsForceOneChannelSetAcrossTheirBranches() throws Exception {
        Graph g = Digits.load("resnet_tiny.onnx");
        PassResult r = StructuredPruning.apply(g, 0.5, StructuredPruning.Norm.L2);
        assertThat(r.layers().stream().filter(s -> s.change().startsWith("structured: kept"))).hasSize(6);
        Graph p = r.graph();
        // the stem's channels and the last conv of the first block meet in an Add: same filter count
        long stem = p.initializer(p.node("/stem/stem.0/stem.0.0/Conv").orElseThrow().input(1)).shape().dims().get(0).value();
        long body = p.initializer(p.node("/layers/layers.0/body/body.1/body.1.0/Conv").orElseThrow().input(1))
            .shape().dims().get(0).value();
        assertThat(stem).isEqualTo(body).isEqualTo(8);
        Graph m = StructuredPruning.apply(Digits.load("mobilenetv2_tiny.onnx"), 0.5, StructuredPruning.Norm.L1).graph();
        assertThat(m.nodes().stream().filter(n -> n.opType().equals("Conv") && n.attrInt("group", 1) > 1)
            .mapToLong(n -> n.attrInt("group", 1))).allMatch(grp -> grp == 24 || grp == 36);
    }

    @Test
    void keepsTheStrongestFiltersAndDigitsStillClassify() throws Exception {
        assertThat(StructuredPruning.strongest(new float[] {1, 1, 0, 0.1f, 5, -5}, 3, 2, StructuredPruning.Norm.L1))
            .containsExactly(0, 2);
        assertThat(StructuredPruning.strongest(new float[] {3, 0, 2, 2, 0, 0}, 3, 1, StructuredPruning.Norm.L2))
            .containsExactly(0); // L2: 9 > 8, while L1 would tie 3 vs 4 the other way
        Graph g = Digits.cnn();
        PassResult r = StructuredPruning.apply(g, 0.25, StructuredPruning.Norm.L1);
        assertThat(r.graph().initializer("features.3.weight").shape().toString()).isEqualTo("24x12x3x3");
        assertThat(r.graph().initializer("classifier.1.weight").shape().toString()).isEqualTo("64x216");
        double acc = Evaluation.accuracy(r.graph(), Digits.test());
        System.out.printf("digits_cnn, 25%% of filters removed (no fine-tuning): accuracy %.2f%%%n", 100 * acc);
        assertThat(acc).isGreaterThan(0.5);
        assertThat(g.initializer("features.3.weight").shape().toString()).isEqualTo("32x16x3x3");
    }
}
