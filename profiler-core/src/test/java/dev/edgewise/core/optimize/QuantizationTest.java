package dev.edgewise.core.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.edgewise.core.eval.Evaluation;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.testing.Digits;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuantizationTest {

    @Test
    void perChannelInt8StaysWithinHalfAStepOfEachWeight() {
        float[] w = {0.5f, -1f, 0.25f, 0f, 100f, -3f};
        Int8Weights q = Int8Weights.quantize(w, new int[] {2, 3}, 0);
        assertThat(q.scales()).containsExactly(1f / 127, 100f / 127);
        for (int i = 0; i < w.length; i++) {
            int c = i / 3;
            assertThat(q.dequantized(i, c)).isCloseTo(w[i], within(q.scales()[c] / 2 + 1e-7f));
        }
        assertThat(q.values()[4]).isEqualTo((byte) 127);
        // channels on axis 1 of a K x N Gemm weight
        Int8Weights t = Int8Weights.quantize(new float[] {1, -8, 2, 4}, new int[] {2, 2}, 1);
        assertThat(t.scales()).containsExactly(2f / 127, 8f / 127);
        assertThat(t.values()).containsExactly((byte) 64, (byte) -127, (byte) 127, (byte) 64);
    }

    @Test
    void fp16WritesHalfInitializersAndCastsThatOnnxRuntimeRuns() throws Exception {
        Graph g = Digits.cnn();
        var o = Optimizer.optimize(g, OptimizationSettings.none().withQuantize("fp16", null), null, m -> { });
        Graph q = o.graph();
        assertThat(q.initializer("features.0.weight")).isNull();
        assertThat(q.initializer("features.0.weight_fp16").dataType()).isEqualTo(DataType.FLOAT16);
        assertThat(q.nodes().stream().filter(n -> n.opType().equals("Cast")).count()).isEqualTo(8);
        var r = Evaluation.compare(g, q, Digits.test().first(100), false);
        assertThat(r.top1Agreement()).isEqualTo(1.0);
        assertThat(r.cosine()).isGreaterThan(0.99999);
        assertThat(r.maxAbsError()).isGreaterThan(0); // really changed the weights
        assertThat(o.layers()).allSatisfy(s -> assertThat(s.valueBytes()).isEqualTo(2));
    }

    @Test
    void fullInt8InsertsQdqOnActivationsAndMixedPrecisionKeepsLayersFloat() throws Exception {
        Graph g = Digits.cnn();
        String fc2 = "/classifier/classifier.3/Gemm";
        var s = OptimizationSettings.none().withQuantize("int8", Map.of(fc2, "float", "/features/features.0/Conv", "fp16"));
        var o = Optimizer.optimize(g, s, Digits.calibration(), m -> { });
        Graph q = o.graph();
        assertThat(count(q, "QuantizeLinear")).isEqualTo(2); // inputs of conv2 and fc1
        assertThat(count(q, "DequantizeLinear")).isEqualTo(4); // 2 activations + 2 weights
        assertThat(q.initializer("classifier.3.weight").dataType()).isEqualTo(DataType.FLOAT);
        assertThat(q.initializer("features.3.weight_int8").dataType()).isEqualTo(DataType.INT8);
        assertThat(q.initializer("features.0.weight_fp16").dataType()).isEqualTo(DataType.FLOAT16);
        assertThat(o.settings().activationRanges()).containsOnlyKeys("/features/features.2/Relu_output_0",
            "/classifier/classifier.0/Flatten_output_0");
        Node conv2 = q.node("/features/features.3/Conv").orElseThrow();
        assertThat(conv2.input(0)).endsWith("_dequantized");
        var r = Evaluation.compare(g, q, Digits.test(), true);
        assertThat(r.optimizedAccuracy()).isGreaterThan(0.98);
        // per-layer error: the conv after quantized activations shows finite, positive SQNR
        var conv = r.layers().stream().filter(l -> l.layer().equals("/features/features.3/Conv")).findFirst().orElseThrow();
        assertThat(conv.sqnrDb()).isBetween(20.0, 80.0);
        assertThat(g.node("/features/features.3/Conv").orElseThrow().input(0)).doesNotEndWith("_dequantized");
    }

    @Test
    void uint8ActivationParametersCoverTheRangeAndZero() {
        var a = Quantization.ActivationQuant.uint8(-1, 3);
        assertThat(a.scale()).isCloseTo(4f / 255, within(1e-7f));
        assertThat(a.zeroPoint()).isEqualTo(64);
        var pos = Quantization.ActivationQuant.uint8(0.5, 2);
        assertThat(pos.zeroPoint()).isZero();
        assertThat(pos.scale()).isCloseTo(2f / 255, within(1e-7f));
    }

    private static long count(Graph g, String op) {
        return g.nodes().stream().filter(n -> n.opType().equals(op)).count();
    }
}
