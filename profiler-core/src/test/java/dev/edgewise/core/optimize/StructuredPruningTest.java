package dev.edgewise.core.optimize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.analysis.Analyzer;
import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.eval.Dataset;
import dev.edgewise.core.eval.Evaluation;
import dev.edgewise.core.eval.OrtModel;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.GraphBuilder;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.TensorData;
import java.util.Map;
import java.util.List;
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

    @Test
    void inceptionBranchesArePrunedThroughConcatAtTheirChannelOffsets() throws Exception {
        Graph g = Digits.load("googlenet_tiny.onnx");
        PassResult r = StructuredPruning.apply(g, 0.5, StructuredPruning.Norm.L1);
        Graph p = r.graph();
        List<Node> concats = g.nodes().stream().filter(n -> n.opType().equals("Concat")).toList();
        assertThat(concats).isNotEmpty();
        // the four branch-end convs feed the Concat and are now pruned; only the stem (through LRN,
        // which mixes channels) and the classifier stay
        assertThat(r.layers().stream().filter(s -> s.change().startsWith("structured: kept")).map(LayerStats::layer))
            .contains("/inception/b1/b1.0/Conv", "/inception/b2/b2.2/Conv", "/inception/b3/b3.2/Conv", "/inception/b4/b4.1/Conv");
        assertThat(r.layers().stream().filter(s -> s.change().equals("structured: skipped")).map(LayerStats::layer))
            .containsExactlyInAnyOrder("/stem/stem.0/Conv", "/fc/Gemm");

        // the consumer of the first concat lost exactly the input channels its branches lost
        Analyzer a = Analyzer.withDefaults();
        Graph shapedBefore = dev.edgewise.core.analysis.ShapeInference.infer(g, DimBindings.NONE).graph();
        Graph shapedAfter = dev.edgewise.core.analysis.ShapeInference.infer(p, DimBindings.NONE).graph();
        String concatOut = concats.get(0).output(0);
        long before = shapedBefore.tensor(concatOut).orElseThrow().shape().dims().get(1).value();
        long after = shapedAfter.tensor(concatOut).orElseThrow().shape().dims().get(1).value();
        assertThat(after).isLessThan(before);

        assertThat(a.analyze(p, DimBindings.NONE).totals().macs()).isLessThan(a.analyze(g, DimBindings.NONE).totals().macs());
        Dataset x = Dataset.random(2, OrtModel.inputElements(g), 5);
        try (OrtModel o1 = OrtModel.open(g, 1); OrtModel o2 = OrtModel.open(p, 1)) {
            String out = g.outputs().get(0).name();
            float[] y = o2.run(x.samples().get(0)).get(out);
            assertThat(y).hasSameSizeAs(o1.run(x.samples().get(0)).get(out));
            for (float v : y) {
                assertThat(Float.isFinite(v)).isTrue();
            }
        }
    }

    @Test
    void theRewiredConcatConsumersSeeExactlyTheSurvivingChannels() throws Exception {
        // Reference built without any offset logic: the original model with every removed filter
        // made to output exact zeros (weight row, bias, and BN scale/shift of that channel). The
        // pruned model must compute the same function; a wrong concat offset would feed a consumer
        // the wrong channels and change the output.
        Graph g = Digits.load("googlenet_tiny.onnx");
        Map<String, int[]> kept = StructuredPruning.keptFilters(g, 0.5, StructuredPruning.Norm.L1);
        assertThat(kept).isNotEmpty();
        Graph zeroed = zeroRemovedFilters(g, kept);
        Graph pruned = StructuredPruning.apply(g, 0.5, StructuredPruning.Norm.L1).graph();
        Dataset x = Dataset.random(3, OrtModel.inputElements(g), 11);
        try (OrtModel z = OrtModel.open(zeroed, 1); OrtModel p = OrtModel.open(pruned, 1); OrtModel o = OrtModel.open(g, 1)) {
            String out = g.outputs().get(0).name();
            boolean changed = false;
            for (float[] s : x.samples()) {
                float[] a = z.run(s).get(out);
                float[] b = p.run(s).get(out);
                changed |= !java.util.Arrays.equals(a, o.run(s).get(out));
                for (int i = 0; i < a.length; i++) {
                    assertThat(b[i]).isCloseTo(a[i], org.assertj.core.data.Offset.offset(1e-4f + 1e-4f * Math.abs(a[i])));
                }
            }
            assertThat(changed).as("the removed filters mattered").isTrue();
        }
    }

    private static Graph zeroRemovedFilters(Graph g, Map<String, int[]> kept) {
        GraphBuilder b = g.toBuilder();
        for (Map.Entry<String, int[]> e : kept.entrySet()) {
            Node conv = g.node(e.getKey()).orElseThrow();
            java.util.Set<Integer> keep = java.util.Arrays.stream(e.getValue()).boxed().collect(java.util.stream.Collectors.toSet());
            zeroChannels(g, b, conv.input(1), keep);
            if (conv.hasInput(2)) {
                zeroChannels(g, b, conv.input(2), keep);
            }
            List<Node> users = g.consumers(conv.output(0));
            if (users.size() == 1 && users.get(0).opType().equals("BatchNormalization")) {
                zeroChannels(g, b, users.get(0).input(1), keep);
                zeroChannels(g, b, users.get(0).input(2), keep);
            }
        }
        return b.buildValid();
    }

    private static void zeroChannels(Graph g, GraphBuilder b, String tensor, java.util.Set<Integer> keep) {
        TensorData t = g.initializer(tensor);
        float[] v = t.toFloats();
        int channels = (int) t.shape().dims().get(0).value();
        int per = v.length / channels;
        for (int c = 0; c < channels; c++) {
            if (!keep.contains(c)) {
                java.util.Arrays.fill(v, c * per, (c + 1) * per, 0f);
            }
        }
        b.addInitializer(TensorData.ofFloats(tensor, t.shape(), v));
    }

}
