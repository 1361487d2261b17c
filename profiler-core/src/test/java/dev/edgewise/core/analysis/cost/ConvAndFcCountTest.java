package dev.edgewise.core.analysis.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.edgewise.core.analysis.CategoryTotals;
import dev.edgewise.core.analysis.CostModel;
import dev.edgewise.core.analysis.LayerCost;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.DataType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MACs, FLOPs and params of convolution and fully-connected layers against figures known independently. */
class ConvAndFcCountTest {
    private final CostModel model = CostModel.withDefaults();

    private static LayerCost layer(ModelAnalysis a, String name) {
        return a.layers().stream().filter(l -> l.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void alexNetConv1() {
        NetBuilder n = new NetBuilder();
        String x = n.input("data", 1, 3, 227, 227);
        n.output(n.conv("conv1", x, 96, 11, 4, 0, 1, true));
        LayerCost conv1 = model.analyze(n.inferred()).layers().get(0);

        long out = (227 - 11) / 4 + 1;
        assertThat(out).isEqualTo(55);
        long macs = 96 * out * out * (3 * 11 * 11);
        assertThat(macs).isEqualTo(105_415_200L);
        assertThat(conv1.macs()).isEqualTo(macs);
        assertThat(conv1.flops()).isEqualTo(2 * macs + 96 * out * out);
        assertThat(conv1.params()).isEqualTo(96 * 3 * 11 * 11 + 96).isEqualTo(34_944);
        assertThat(conv1.weightBytes()).isEqualTo(34_944L * 4);
        assertThat(conv1.activationBytes()).isEqualTo(96 * out * out * 4);
        long bytesMoved = 3 * 227 * 227 * 4 + 34_944 * 4 + 96 * out * out * 4;
        assertThat(conv1.arithmeticIntensity()).isCloseTo((double) conv1.flops() / bytesMoved, within(1e-9));
        assertThat(conv1.category()).isEqualTo("conv");
        assertThat(conv1.resolved()).isTrue();
        assertThat(conv1.outputShapes().get(0).toString()).isEqualTo("1x96x55x55");
    }

    /** VGG-16 (configuration D, 224x224): published 15.47 G MACs and 138.36 M params. */
    @Test
    void vgg16TotalsAndConvFcSplit() {
        NetBuilder n = new NetBuilder();
        String t = n.input("data", 1, 3, 224, 224);
        long[][] stages = {{64, 64}, {128, 128}, {256, 256, 256}, {512, 512, 512}, {512, 512, 512}};
        long expectedConvMacs = 0;
        long expectedConvParams = 0;
        long cin = 3;
        long size = 224;
        int i = 0;
        for (long[] stage : stages) {
            for (long cout : stage) {
                i++;
                t = n.unary("relu" + i, "Relu", n.conv("conv" + i, t, cout, 3, 1, 1, 1, true));
                expectedConvMacs += cout * size * size * cin * 3 * 3;
                expectedConvParams += cout * cin * 3 * 3 + cout;
                cin = cout;
            }
            t = n.maxPool("pool" + i, t, 2, 2);
            size /= 2;
        }
        t = n.flatten("flatten", t);
        t = n.unary("relu14", "Relu", n.linear("fc6", t, 4096));
        t = n.unary("relu15", "Relu", n.linear("fc7", t, 4096));
        n.output(n.linear("fc8", t, 1000));
        long fcIn = 512 * 7 * 7;
        long expectedFcMacs = fcIn * 4096 + 4096 * 4096 + 4096 * 1000;
        long expectedFcParams = expectedFcMacs + 4096 + 4096 + 1000;

        ModelAnalysis a = model.analyze(n.inferred());

        assertThat(a.totals().macs()).isEqualTo(expectedConvMacs + expectedFcMacs);
        assertThat(a.totals().macs() / 1e9).isCloseTo(15.47, within(0.005));
        assertThat(a.totals().params()).isEqualTo(expectedConvParams + expectedFcParams).isEqualTo(138_357_544L);
        assertThat(a.totals().weightBytes()).isEqualTo(138_357_544L * 4);
        CategoryTotals conv = a.byCategory().get("conv");
        CategoryTotals fc = a.byCategory().get("fc");
        assertThat(conv.layers()).isEqualTo(13);
        assertThat(fc.layers()).isEqualTo(3);
        assertThat(conv.macs()).isEqualTo(expectedConvMacs);
        assertThat((double) conv.macs() / a.totals().macs()).isGreaterThan(0.99);
        assertThat((double) fc.params() / a.totals().params()).isCloseTo(0.8936, within(0.0005));
        // no MACs or params outside conv/fc: ReLU's one flop per element outweighs 2x2 pooling's four per output
        assertThat(List.copyOf(a.byCategory().keySet())).containsExactly("conv", "fc", "activation", "pooling", "shape");
        assertThat(a.byCategory().get("pooling").flops())
                .isEqualTo(4 * (64L * 112 * 112 + 128 * 56 * 56 + 256 * 28 * 28 + 512 * 14 * 14 + 512 * 7 * 7));
    }

    /** MobileNet v1's first separable block: depthwise 3x3 on 32x112x112, then pointwise 32->64. */
    @Test
    void depthwiseSeparableBlock() {
        NetBuilder n = new NetBuilder();
        String x = n.input("x", 1, 32, 112, 112);
        String dw = n.conv("dw", x, 32, 3, 1, 1, 32, false);
        String pw = n.conv("pw", dw, 64, 1, 1, 0, 1, false);
        n.output(pw);
        ModelAnalysis a = model.analyze(n.inferred());

        long dwMacs = 32L * 112 * 112 * (32 / 32) * 3 * 3;
        long pwMacs = 64L * 112 * 112 * 32 * 1 * 1;
        assertThat(layer(a, "dw").macs()).isEqualTo(dwMacs).isEqualTo(3_612_672);
        assertThat(layer(a, "pw").macs()).isEqualTo(pwMacs).isEqualTo(25_690_112);
        assertThat(layer(a, "dw").params()).isEqualTo(32 * 1 * 3 * 3);
        assertThat(layer(a, "dw").flops()).isEqualTo(2 * dwMacs);
        long standardMacs = 64L * 112 * 112 * 32 * 3 * 3;
        double reduction = (double) standardMacs / a.totals().macs();
        assertThat(reduction).isCloseTo(1.0 / (1.0 / 64 + 1.0 / 9), within(1e-9));
    }

    /** AlexNet conv2 as trained on two GPUs: group 2, 96->256, 5x5, 27x27 output. */
    @Test
    void groupedConvolutionCountsHalfTheChannelsPerGroup() {
        NetBuilder grouped = new NetBuilder();
        grouped.output(grouped.conv("conv2", grouped.input("x", 1, 96, 27, 27), 256, 5, 1, 2, 2, true));
        NetBuilder dense = new NetBuilder();
        dense.output(dense.conv("conv2", dense.input("x", 1, 96, 27, 27), 256, 5, 1, 2, 1, true));

        LayerCost g = model.analyze(grouped.inferred()).layers().get(0);
        LayerCost d = model.analyze(dense.inferred()).layers().get(0);
        assertThat(g.macs()).isEqualTo(256L * 27 * 27 * (96 / 2) * 5 * 5).isEqualTo(223_948_800L);
        assertThat(d.macs()).isEqualTo(2 * g.macs());
        assertThat(g.params()).isEqualTo(256 * 48 * 5 * 5 + 256);
    }

    @Test
    void convWithDynamicWeightFallsBackToKernelShapeAndGroup() {
        NetBuilder n = new NetBuilder();
        String x = n.input("x", 1, 8, 10, 10);
        String w = n.input("w", 16, 4, 3, 3);
        n.output(n.node("conv", "Conv", List.of(x, w), new long[] {1, 16, 8, 8},
                Attribute.ofInts("kernel_shape", 3, 3), Attribute.ofInt("group", 2)));
        LayerCost c = model.analyze(n.inferred()).layers().get(0);
        assertThat(c.macs()).isEqualTo(16L * 8 * 8 * (8 / 2) * 9);
        assertThat(c.params()).isZero();
    }

    @Test
    void convTransposeCountsEveryInputTimesItsKernelFanOut() {
        NetBuilder n = new NetBuilder();
        String x = n.input("x", 1, 64, 16, 16);
        // weight [Cin, Cout/group, kH, kW]; stride 2, kernel 4, pad 1 doubles the size
        n.output(n.node("up", "ConvTranspose", List.of(x, n.weight("w", 64, 32, 4, 4), n.weight("b", 32)),
                new long[] {1, 32, 32, 32}, Attribute.ofInts("strides", 2, 2)));
        LayerCost c = model.analyze(n.inferred()).layers().get(0);
        long macs = 64L * 16 * 16 * 32 * 4 * 4;
        assertThat(c.macs()).isEqualTo(macs);
        assertThat(c.flops()).isEqualTo(2 * macs + 32L * 32 * 32);
        assertThat(c.params()).isEqualTo(64 * 32 * 16 + 32);
    }

    @Test
    void batchedBroadcastMatMulAndVectorOperand() {
        NetBuilder n = new NetBuilder();
        String a = n.input("a", 3, 1, 5, 16);
        String b = n.weight("b", 4, 16, 7);
        String v = n.input("v", 16);
        n.output(n.node("bmm", "MatMul", List.of(a, b), new long[] {3, 4, 5, 7}));
        n.output(n.node("vecmat", "MatMul", List.of(v, n.weight("m", 16, 7)), new long[] {7}));
        ModelAnalysis r = model.analyze(n.inferred());

        LayerCost bmm = layer(r, "bmm");
        assertThat(bmm.macs()).isEqualTo(3 * 4 * (5 * 7) * 16).isEqualTo(6720);
        assertThat(bmm.flops()).isEqualTo(2 * 6720);
        assertThat(bmm.params()).isEqualTo(4 * 16 * 7);
        assertThat(bmm.category()).isEqualTo("fc");
        assertThat(layer(r, "vecmat").macs()).isEqualTo(16 * 7);
    }

    @Test
    void gemmWithTransposedWeightBiasAndScaling() {
        NetBuilder n = new NetBuilder();
        String x = n.input("x", 2, 4096);
        n.output(n.node("fc", "Gemm", List.of(x, n.weight("w", 1000, 4096), n.weight("c", 1000)),
                new long[] {2, 1000}, Attribute.ofInt("transB", 1)));
        n.output(n.node("scaled", "Gemm", List.of(x, n.weight("w2", 1000, 4096), n.weight("c2", 1000)),
                new long[] {2, 1000}, Attribute.ofInt("transB", 1), Attribute.ofFloat("alpha", 0.5),
                Attribute.ofFloat("beta", 2.0)));
        ModelAnalysis r = model.analyze(n.inferred());

        long macs = 2L * 1000 * 4096;
        assertThat(layer(r, "fc").macs()).isEqualTo(macs);
        assertThat(layer(r, "fc").flops()).isEqualTo(2 * macs + 2 * 1000);
        // alpha scales each of the 2x1000 products, beta each of the 1000 elements of C
        assertThat(layer(r, "scaled").flops()).isEqualTo(2 * macs + 2 * 1000 + 2 * 1000 + 1000);
        assertThat(layer(r, "fc").params()).isEqualTo(1000 * 4096 + 1000);
    }

    @Test
    void gemmTransAReadsKFromTheRows() {
        NetBuilder n = new NetBuilder();
        String a = n.input("a", 64, 3);
        n.output(n.node("g", "Gemm", List.of(a, n.weight("b", 64, 10)), new long[] {3, 10},
                Attribute.ofInt("transA", 1)));
        assertThat(model.analyze(n.inferred()).layers().get(0).macs()).isEqualTo(3 * 10 * 64);
    }

    @Test
    void quantizedConvAndMatMulUseByteWidthsOfTheirTypes() {
        NetBuilder n = new NetBuilder().type(DataType.UINT8);
        String x = n.input("x", 1, 16, 8, 8);
        String s = n.weight("s", DataType.FLOAT);
        String z = n.weight("z", DataType.UINT8);
        String w = n.weight("w", DataType.INT8, 32, 16, 3, 3);
        String ws = n.weight("ws", DataType.FLOAT, 32);
        String wz = n.weight("wz", DataType.INT8, 32);
        String bias = n.weight("bias", DataType.INT32, 32);
        n.output(n.node("qconv", "QLinearConv", List.of(x, s, z, w, ws, wz, s, z, bias), new long[] {1, 32, 6, 6}));
        String a = n.input("a", 4, 64);
        n.output(n.node("qmm", "MatMulInteger", List.of(a, n.weight("bq", DataType.INT8, 64, 8)),
                new long[] {4, 8}, DataType.INT32));
        ModelAnalysis r = model.analyze(n.inferred());

        LayerCost q = layer(r, "qconv");
        long macs = 32L * 6 * 6 * 16 * 9;
        assertThat(q.macs()).isEqualTo(macs);
        // bias add + requantization (scale multiply, zero-point add) per output
        assertThat(q.flops()).isEqualTo(2 * macs + 32 * 36 + 2 * 32 * 36);
        assertThat(q.params()).isEqualTo(32 * 16 * 9 + 32);
        assertThat(q.weightBytes()).isEqualTo(32 * 16 * 9 * 1 + 32 * 4);
        assertThat(q.activationBytes()).isEqualTo(32 * 36);
        assertThat(layer(r, "qmm").macs()).isEqualTo(4 * 8 * 64);
        assertThat(layer(r, "qmm").activationBytes()).isEqualTo(4 * 8 * 4);
        assertThat(layer(r, "qmm").category()).isEqualTo("fc");
    }
}
