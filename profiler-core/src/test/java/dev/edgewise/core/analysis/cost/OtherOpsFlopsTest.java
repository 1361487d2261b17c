package dev.edgewise.core.analysis.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.analysis.CostModel;
import dev.edgewise.core.analysis.LayerCost;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.ir.Attribute;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-op FLOP conventions of docs/cost-model.md, each checked on one layer. */
class OtherOpsFlopsTest {
    private static final long E = 2L * 8 * 5 * 5; // elements of the 2x8x5x5 test tensor

    private final CostModel model = CostModel.withDefaults();

    private LayerCost single(String op, Attribute... attrs) {
        NetBuilder n = new NetBuilder();
        n.output(n.unary("layer", op, n.input("x", 2, 8, 5, 5), attrs));
        return model.analyze(n.inferred()).layers().get(0);
    }

    @Test
    void activationsCostTheirStatedOperationsPerElement() {
        assertThat(single("Relu").flops()).isEqualTo(E);                 // max(x, 0)
        assertThat(single("LeakyRelu").flops()).isEqualTo(2 * E);        // compare, multiply
        assertThat(single("Sigmoid").flops()).isEqualTo(4 * E);          // neg, exp, add, divide
        assertThat(single("Tanh").flops()).isEqualTo(E);                 // one elementary function
        assertThat(single("HardSwish").flops()).isEqualTo(5 * E);        // x * hardsigmoid(x)
        assertThat(single("Gelu").flops()).isEqualTo(5 * E);             // divide, erf, add, 2 multiplies
        assertThat(single("Gelu", Attribute.ofString("approximate", "tanh")).flops()).isEqualTo(9 * E);
        assertThat(single("Clip").flops()).isEqualTo(2 * E);
        assertThat(single("Softmax").flops()).isEqualTo(5 * E);          // max, subtract, exp, sum, divide
        assertThat(single("Relu").category()).isEqualTo("activation");
        assertThat(single("Relu").macs()).isZero();
    }

    @Test
    void normalizationPerElement() {
        assertThat(single("LayerNormalization").flops()).isEqualTo(7 * E);
        assertThat(single("InstanceNormalization").flops()).isEqualTo(7 * E);
        assertThat(single("LRN", Attribute.ofInt("size", 5)).flops()).isEqualTo((2 * 5 + 4) * E);
        assertThat(single("LRN", Attribute.ofInt("size", 5)).category()).isEqualTo("normalization");
    }

    @Test
    void batchNormIsAFoldedScaleAndShift() {
        NetBuilder n = new NetBuilder();
        String x = n.input("x", 2, 8, 5, 5);
        n.output(n.node("bn", "BatchNormalization", List.of(x, n.weight("g", 8), n.weight("b", 8),
                n.weight("m", 8), n.weight("v", 8)), new long[] {2, 8, 5, 5}));
        assertThat(model.analyze(n.inferred()).layers().get(0).flops()).isEqualTo(2 * E);
    }

    @Test
    void poolingCountsEveryWindowElementOfEveryOutput() {
        NetBuilder n = new NetBuilder();
        String x = n.input("x", 1, 64, 112, 112);
        // 3x3 stride 2 pad 1: (112 + 2 - 3) / 2 + 1 = 56
        n.output(n.node("maxpool", "MaxPool", List.of(x), new long[] {1, 64, 56, 56},
                Attribute.ofInts("kernel_shape", 3, 3), Attribute.ofInts("strides", 2, 2)));
        n.output(n.node("avgpool", "AveragePool", List.of(x), new long[] {1, 64, 56, 56},
                Attribute.ofInts("kernel_shape", 3, 3), Attribute.ofInts("strides", 2, 2)));
        n.output(n.node("gap", "GlobalAveragePool", List.of(x), new long[] {1, 64, 1, 1}));
        ModelAnalysis a = model.analyze(n.inferred());
        long outputs = 64L * 56 * 56;
        assertThat(a.layers().get(0).flops()).isEqualTo(outputs * 9);
        assertThat(a.layers().get(1).flops()).isEqualTo(outputs * 9 + outputs);    // + one divide
        assertThat(a.layers().get(2).flops()).isEqualTo(64L * 112 * 112 + 64);     // sums + divides
        assertThat(a.byCategory().get("pooling").layers()).isEqualTo(3);
    }

    @Test
    void broadcastBinaryOpsCountOutputElementsAndVariadicOpsCountPairs() {
        NetBuilder n = new NetBuilder();
        String x = n.input("x", 4, 1, 6);
        String y = n.input("y", 5, 1);
        String z = n.input("z", 4, 5, 6);
        n.output(n.node("add", "Add", List.of(x, y), new long[] {4, 5, 6}));
        n.output(n.node("sum3", "Sum", List.of(x, y, z), new long[] {4, 5, 6}));
        n.output(n.node("mean3", "Mean", List.of(x, y, z), new long[] {4, 5, 6}));
        ModelAnalysis a = model.analyze(n.inferred());
        assertThat(a.layers().get(0).flops()).isEqualTo(4 * 5 * 6);
        assertThat(a.layers().get(1).flops()).isEqualTo(2 * 4 * 5 * 6);
        assertThat(a.layers().get(2).flops()).isEqualTo(3 * 4 * 5 * 6);
    }

    @Test
    void reductionsCountInputsPlusPerOutputWork() {
        NetBuilder n = new NetBuilder();
        String x = n.input("x", 2, 128, 768);
        n.output(n.node("mean", "ReduceMean", List.of(x), new long[] {2, 128, 1}, Attribute.ofInts("axes", -1)));
        n.output(n.node("sum", "ReduceSum", List.of(x), new long[] {2, 128, 1}));
        ModelAnalysis a = model.analyze(n.inferred());
        assertThat(a.layers().get(0).flops()).isEqualTo(2L * 128 * 768 + 2 * 128);
        assertThat(a.layers().get(1).flops()).isEqualTo(2L * 128 * 768);
    }

    @Test
    void resizeNearestIsACopyAndBilinearWeighsFourNeighbours() {
        NetBuilder n = new NetBuilder();
        String x = n.input("x", 1, 3, 10, 10);
        n.output(n.node("nearest", "Resize", List.of(x), new long[] {1, 3, 20, 20}));
        n.output(n.node("bilinear", "Resize", List.of(x), new long[] {1, 3, 20, 20},
                Attribute.ofString("mode", "linear")));
        ModelAnalysis a = model.analyze(n.inferred());
        assertThat(a.layers().get(0).flops()).isZero();
        // two axes resized, 2 taps each: 4 multiplies + 3 adds per output
        assertThat(a.layers().get(1).flops()).isEqualTo(7L * 3 * 20 * 20);
    }

    @Test
    void shapeOpsAndQuantizationOps() {
        assertThat(single("Transpose").flops()).isZero();
        assertThat(single("Transpose").category()).isEqualTo("shape");
        assertThat(single("Identity").resolved()).isTrue();
        assertThat(single("QuantizeLinear").flops()).isEqualTo(4 * E);
        assertThat(single("QuantizeLinear").category()).isEqualTo("quantization");
        assertThat(single("DequantizeLinear").flops()).isEqualTo(2 * E);
    }
}
