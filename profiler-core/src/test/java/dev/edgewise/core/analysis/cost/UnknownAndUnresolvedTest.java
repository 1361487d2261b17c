package dev.edgewise.core.analysis.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.analysis.CostModel;
import dev.edgewise.core.analysis.LayerCost;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.analysis.ShapeInferenceResult;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.Node;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Ops the cost model does not know and layers whose shapes are unknown: zero, noted, never a crash. */
class UnknownAndUnresolvedTest {
    private final CostModel model = CostModel.withDefaults();

    @Test
    void unknownOpIsCountedAsZeroWithAWarningNamingLayerAndOp() throws Exception {
        NetBuilder n = new NetBuilder();
        String x = n.input("x", 1, 16);
        String y = n.node("mystery", "FooBar", List.of(x, n.weight("table", 16, 4)), new long[] {1, 4});
        n.output(n.unary("act", "Relu", y));
        Graph g = n.graph();
        ModelAnalysis a = model.analyze(new ShapeInferenceResult(g, List.of("layer 'act': from shape inference")));

        LayerCost mystery = a.layers().get(0);
        assertThat(mystery.category()).isEqualTo("other");
        assertThat(mystery.macs()).isZero();
        assertThat(mystery.flops()).isZero();
        assertThat(mystery.resolved()).isFalse();
        assertThat(mystery.params()).isEqualTo(16 * 4);
        assertThat(mystery.note()).contains("unknown to the cost model");
        assertThat(a.warnings()).containsExactly("layer 'act': from shape inference",
                "layer 'mystery': op FooBar unknown to the cost model, counted as zero");
        assertThat(a.layers().get(1).flops()).isEqualTo(4);
    }

    @Test
    void opOfAnotherDomainIsUnknownUnlessTheMetadataNamesItsDomain() throws Exception {
        Node fused = new Node("fused", "Conv", "com.example", List.of("x"), List.of("y"), Map.of());
        NetBuilder n = new NetBuilder();
        n.input("x", 1, 3, 8, 8);
        Graph g = n.graph().toBuilder().addNode(fused).buildValid();
        ModelAnalysis a = model.analyze(new ShapeInferenceResult(g, List.of()));
        assertThat(a.warnings()).contains("layer 'fused': op com.example:Conv unknown to the cost model, counted as zero");
    }

    @Test
    void convWithUnknownOutputShapeIsUnresolvedButKeepsItsParameters() throws Exception {
        NetBuilder n = new NetBuilder();
        String x = n.input("x", 1, 3, 32, 32);
        n.conv("conv", x, 8, 3, 1, 1, 1, true);
        Graph g = n.graph().toBuilder().clearValueInfo().buildValid();
        ModelAnalysis a = model.analyze(new ShapeInferenceResult(g, List.of()));

        LayerCost conv = a.layers().get(0);
        assertThat(conv.resolved()).isFalse();
        assertThat(conv.macs()).isZero();
        assertThat(conv.params()).isEqualTo(8 * 3 * 3 * 3 + 8);
        assertThat(conv.note()).contains("shape of 'conv_out' unknown").contains("parameters still counted");
        assertThat(conv.outputShapes().get(0).hasRank()).isFalse();
        assertThat(a.warnings()).anyMatch(w -> w.startsWith("1 layer(s) with unknown shapes") && w.contains("'conv'"));
    }

    @Test
    void symbolicInputDimensionDoesNotStopACountThatDoesNotNeedIt() throws Exception {
        NetBuilder n = new NetBuilder();
        String x = n.input("x", 1, 4);
        n.output(n.node("fc", "MatMul", List.of(x, n.weight("w", 4, 2)), new long[] {1, 2}));
        Graph g = n.graph();
        var symbolic = new dev.edgewise.core.ir.TensorInfo("x", dev.edgewise.core.ir.DataType.FLOAT,
                dev.edgewise.core.ir.Shape.parse("batch_sizex4"));
        Graph unbound = g.toBuilder().inputs(List.of(symbolic)).buildValid();
        LayerCost fc = model.analyze(new ShapeInferenceResult(unbound, List.of())).layers().get(0);
        assertThat(fc.resolved()).isTrue(); // output shape is known, and that is all MatMul needs besides K
        assertThat(fc.macs()).isEqualTo(1 * 2 * 4);

        var symbolicOut = new dev.edgewise.core.ir.TensorInfo("fc_out", dev.edgewise.core.ir.DataType.FLOAT,
                dev.edgewise.core.ir.Shape.parse("batch_sizex2"));
        Graph noOutput = unbound.toBuilder().clearValueInfo().outputs(List.of(symbolicOut)).buildValid();
        LayerCost blind = model.analyze(new ShapeInferenceResult(noOutput, List.of())).layers().get(0);
        assertThat(blind.resolved()).isFalse();
        assertThat(blind.note()).contains("shape of 'fc_out' is not static (batch_sizex2)");
        assertThat(blind.params()).isEqualTo(4 * 2);
    }

    @Test
    void poolWithoutKernelShapeIsUnresolvedWithTheAttributeNamed() {
        NetBuilder n = new NetBuilder();
        n.output(n.node("pool", "MaxPool", List.of(n.input("x", 1, 1, 4, 4)), new long[] {1, 1, 2, 2}));
        LayerCost pool = model.analyze(n.inferred()).layers().get(0);
        assertThat(pool.resolved()).isFalse();
        assertThat(pool.note()).contains("attribute 'kernel_shape' missing");
    }
}
