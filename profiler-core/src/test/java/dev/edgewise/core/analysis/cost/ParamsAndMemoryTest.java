package dev.edgewise.core.analysis.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.analysis.CostModel;
import dev.edgewise.core.analysis.LayerCost;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which inputs count as parameters, shared constants in totals, and peak activation memory. */
class ParamsAndMemoryTest {
    private final CostModel model = CostModel.withDefaults();

    private static LayerCost layer(ModelAnalysis a, String name) {
        return a.layers().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void sharedInitializerCountsInEveryReaderButOnceInTotals() {
        NetBuilder n = new NetBuilder();
        String w = n.weight("tied", 64, 64);
        String h = n.node("mm1", "MatMul", List.of(n.input("x", 8, 64), w), new long[] {8, 64});
        n.output(n.node("mm2", "MatMul", List.of(h, w), new long[] {8, 64}));
        ModelAnalysis a = model.analyze(n.inferred());

        assertThat(layer(a, "mm1").params()).isEqualTo(64 * 64);
        assertThat(layer(a, "mm2").params()).isEqualTo(64 * 64);
        assertThat(a.totals().params()).isEqualTo(64 * 64);
        assertThat(a.totals().weightBytes()).isEqualTo(64 * 64 * 4);
        assertThat(a.byCategory().get("fc").params()).isEqualTo(64 * 64);
        assertThat(a.totals().macs()).isEqualTo(2 * (8 * 64 * 64));
    }

    @Test
    void shapeConstantsAreNotParametersButNormalizationStatisticsAre() {
        NetBuilder n = new NetBuilder();
        String x = n.input("x", 1, 16, 4, 4);
        String bn = n.node("bn", "BatchNormalization", List.of(x, n.weight("g", 16), n.weight("b", 16),
                n.weight("m", 16), n.weight("v", 16)), new long[] {1, 16, 4, 4});
        String pr = n.node("prelu", "PRelu", List.of(bn, n.weight("slope", 16, 1, 1)), new long[] {1, 16, 4, 4});
        String shape = n.weight("shape", DataType.INT64, 2);
        String flat = n.node("reshape", "Reshape", List.of(pr, shape), new long[] {1, 256});
        String scales = n.weight("scales", DataType.FLOAT, 4);
        String up = n.node("resize", "Resize", List.of(pr, "", scales), new long[] {1, 16, 8, 8});
        n.output(flat).output(up);
        ModelAnalysis a = model.analyze(n.inferred());

        assertThat(layer(a, "bn").params()).isEqualTo(4 * 16);
        assertThat(layer(a, "prelu").params()).isEqualTo(16);
        assertThat(layer(a, "reshape").params()).isZero();
        assertThat(layer(a, "reshape").flops()).isZero();
        assertThat(layer(a, "resize").params()).isZero();
        assertThat(a.totals().params()).isEqualTo(4 * 16 + 16);
        assertThat(a.byCategory().get("normalization").params()).isEqualTo(64);
        assertThat(a.byCategory().get("activation").params()).isEqualTo(16);
    }

    @Test
    void constantNodeTensorsCountLikeInitializersButScalarLiteralsDoNot() {
        NetBuilder n = new NetBuilder();
        String x = n.input("x", 2, 8);
        String w = n.node("cw", "Constant", List.of(), new long[] {8, 4},
                Attribute.ofTensor("value", NetBuilder.untouchable("cw_value", DataType.FLOAT, Shape.of(8, 4))));
        String half = n.node("half", "Constant", List.of(), new long[] {},
                Attribute.ofTensor("value", NetBuilder.untouchable("half_value", DataType.FLOAT, Shape.scalar())));
        String y = n.node("mm", "MatMul", List.of(x, w), new long[] {2, 4});
        n.output(n.node("scale", "Mul", List.of(y, half), new long[] {2, 4}));
        ModelAnalysis a = model.analyze(n.inferred());

        assertThat(layer(a, "mm").params()).isEqualTo(8 * 4);
        assertThat(layer(a, "scale").params()).isZero();
        assertThat(a.totals().params()).isEqualTo(8 * 4);
        // live at the MatMul: x (2x8) and y (2x4) floats; at the Mul: y and its output. Constants are weights.
        assertThat(a.totals().peakActivationBytes()).isEqualTo((2 * 8 + 2 * 4) * 4);
    }

    @Test
    void aWeightTransposedAtRunTimeCountsWhereItIsUsed() {
        NetBuilder n = new NetBuilder();
        String x = n.input("x", 1, 7, 32);
        String wt = n.node("t", "Transpose", List.of(n.weight("q.weight", 16, 32)), new long[] {32, 16});
        String y = n.node("mm", "MatMul", List.of(x, wt), new long[] {1, 7, 16});
        n.output(n.node("bias", "Add", List.of(n.weight("q.bias", 16), y), new long[] {1, 7, 16}));
        ModelAnalysis a = model.analyze(n.inferred());
        assertThat(layer(a, "t").params()).isZero();
        assertThat(layer(a, "t").note()).startsWith("constant-folded");
        assertThat(layer(a, "mm").params()).isEqualTo(16 * 32);
        assertThat(a.byCategory().get("fc").params()).isEqualTo(16 * 32);
        assertThat(layer(a, "bias").params()).isEqualTo(16);
        assertThat(a.totals().params()).isEqualTo(16 * 32 + 16);
        assertThat(a.totals().macs()).isEqualTo(7 * 16 * 32);
        // the transposed weight is folded at load: live activations are x and y, then y and the output
        assertThat(a.totals().peakActivationBytes()).isEqualTo((7 * 32 + 7 * 16) * 4);
    }

    @Test
    void weightOnlyQuantizedConvCountsItsInt8WeightsAtTheConv() {
        NetBuilder n = new NetBuilder();
        String x = n.input("x", 1, 8, 6, 6);
        String wq = n.weight("w_q", DataType.INT8, 4, 8, 3, 3);
        String w = n.node("dq", "DequantizeLinear", List.of(wq, n.weight("w_scale", DataType.FLOAT, 4),
                n.weight("w_zero", DataType.INT8, 4)), new long[] {4, 8, 3, 3}, Attribute.ofInt("axis", 0));
        n.output(n.node("conv", "Conv", List.of(x, w), new long[] {1, 4, 4, 4}));
        ModelAnalysis a = model.analyze(n.inferred());
        assertThat(layer(a, "dq").flops()).isZero();
        assertThat(layer(a, "conv").params()).isEqualTo(4 * 8 * 9);
        assertThat(layer(a, "conv").weightBytes()).isEqualTo(4 * 8 * 9);
        assertThat(layer(a, "conv").macs()).isEqualTo(4L * 4 * 4 * 8 * 9);
        assertThat(a.byCategory().get("conv").params()).isEqualTo(a.totals().params());
    }

    /**
     * A ResNet bottleneck-style block on S = 64x56x56 floats: conv1x1 64->16, relu, conv3x3 16->64,
     * add with the input, relu. Live sets by hand (x stays live until the Add reads it):
     * conv1: x+a = 1.25S; relu1: x+a+b = 1.5S; conv2: x+b+c = 2.25S; add: x+c+d = 3S; relu2: d+y = 2S.
     */
    @Test
    void peakActivationOfAResidualBlockByHand() {
        NetBuilder n = new NetBuilder();
        String x = n.input("x", 1, 64, 56, 56);
        String a = n.conv("conv1", x, 16, 1, 1, 0, 1, false);
        String b = n.unary("relu1", "Relu", a);
        String c = n.conv("conv2", b, 64, 3, 1, 1, 1, false);
        String d = n.node("add", "Add", List.of(c, x), new long[] {1, 64, 56, 56});
        n.output(n.unary("relu2", "Relu", d));
        ModelAnalysis r = model.analyze(n.inferred());

        long s = 64L * 56 * 56 * 4;
        long quarter = 16L * 56 * 56 * 4;
        long[] live = {s + quarter, s + 2 * quarter, s + quarter + s, 3 * s, 2 * s};
        assertThat(r.totals().peakActivationBytes()).isEqualTo(3 * s).isEqualTo(live[3]).isEqualTo(2_408_448L);
        Liveness.Result l = Liveness.peak(r.graph());
        assertThat(l.peakStep()).isEqualTo(3);
        assertThat(r.graph().nodes().get(l.peakStep()).name()).isEqualTo("add");
        assertThat(r.totals().activationBytes()).isEqualTo(2 * quarter + 3 * s);
        assertThat(layer(r, "add").flops()).isEqualTo(64L * 56 * 56);
    }

    @Test
    void graphOutputsStayLiveToTheEndAndUnusedOutputsDieAtOnce() {
        NetBuilder n = new NetBuilder();
        String x = n.input("x", 1000);
        String early = n.unary("early", "Relu", x);           // graph output, 4000 bytes, live to the end
        String dead = n.unary("dead", "Sigmoid", x);          // nobody reads it: live during its own step only
        String y1 = n.unary("y1", "Neg", x);
        n.output(n.unary("y2", "Neg", y1)).output(early);
        ModelAnalysis r = model.analyze(n.inferred());
        // steps: early(x,early)=2, dead(x,early,dead)=3, y1(x,early,y1)=3, y2(early,y1,y2)=3 units of 4000
        assertThat(dead).isNotEmpty();
        assertThat(r.totals().peakActivationBytes()).isEqualTo(3 * 4000);
    }

    @Test
    void unknownActivationSizeMakesPeakALowerBoundWithAWarning() {
        NetBuilder n = new NetBuilder();
        String x = n.input("x", 10);
        String hidden = n.node("mystery_shape", "Relu", List.of(x), new long[] {10});
        n.output(n.unary("neg", "Neg", hidden));
        // value info dropped: only the graph input and output (declared by the graph) keep their sizes
        var g = n.graph().toBuilder().clearValueInfo().buildValid();
        ModelAnalysis r = model.analyze(new dev.edgewise.core.analysis.ShapeInferenceResult(g, List.of()));
        assertThat(r.totals().peakActivationBytes()).isEqualTo(10 * 4);
        assertThat(r.layers().get(0).resolved()).isFalse();
        assertThat(r.layers().get(0).note()).contains("'mystery_shape_out'");
        assertThat(r.warnings()).anyMatch(w -> w.startsWith("peak activation bytes is a lower bound")
                && w.contains("'mystery_shape_out'"));
    }
}
