package dev.edgewise.viewer;

import dev.edgewise.core.analysis.CategoryTotals;
import dev.edgewise.core.analysis.LayerCost;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.analysis.Totals;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.GraphBuilder;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tiny analysed model for view tests: a 3x3 conv (12 -> 16 channels on 32x32), an op the cost
 * model could not count, and a fully-connected layer. The numbers are worked out by hand below.
 */
public final class TestAnalyses {
    private TestAnalyses() {
    }

    public static Graph graph() {
        float[] w = new float[16 * 12 * 3 * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = i % 4 == 0 ? 0f : (i % 7) - 3f;
        }
        return GraphBuilder.create().name("three")
            .addInput(new TensorInfo("x", DataType.FLOAT, Shape.of(1, 12, 32, 32)))
            .addInitializer(TensorData.ofFloats("conv1.w", Shape.of(16, 12, 3, 3), w))
            .addInitializer(TensorData.ofFloats("fc.w", Shape.of(10, 512), new float[5120]))
            .addNode(Node.of("conv1", "Conv", List.of("x", "conv1.w"), List.of("c")))
            .addNode(Node.of("mystery", "CustomOp", List.of("c"), List.of("m")))
            .addNode(Node.of("fc", "Gemm", List.of("m", "fc.w"), List.of("y")))
            .addOutput(new TensorInfo("y", DataType.FLOAT, Shape.of(1, 10)))
            .buildValid();
    }

    /** conv1: 16 out x 12 in x 3x3 x 32x32 = 1,769,472 MACs, 1,728 params; fc: 512x10 = 5,120 MACs and params. */
    public static ModelAnalysis threeLayers() {
        Graph g = graph();
        LayerCost conv = new LayerCost("conv1", "Conv", "", "conv", List.of("x", "conv1.w"), List.of("c"),
            List.of(Shape.of(1, 16, 32, 32)), 1728, 1_769_472, 3_538_944, 6912, 65536, 30.4, 8.1, true, "");
        LayerCost mystery = new LayerCost("mystery", "CustomOp", "", "other", List.of("c"), List.of("m"),
            List.of(Shape.unknownRank()), 0, 0, 0, 0, 0, 0, 0, false, "unknown op CustomOp");
        LayerCost fc = new LayerCost("fc", "Gemm", "", "fc", List.of("m", "fc.w"), List.of("y"),
            List.of(Shape.of(1, 10)), 5120, 5120, 10240, 20480, 40, 0.49, 0.9, true, "");
        Map<String, CategoryTotals> cats = new LinkedHashMap<>();
        cats.put("conv", new CategoryTotals("conv", 1, 1728, 1_769_472, 3_538_944, 6912, 8.1));
        cats.put("fc", new CategoryTotals("fc", 1, 5120, 5120, 10240, 20480, 0.9));
        cats.put("other", new CategoryTotals("other", 1, 0, 0, 0, 0, 0));
        return new ModelAnalysis(g, List.of(conv, mystery, fc),
            new Totals(6848, 1_774_592, 3_549_184, 27392, 65576, 65576, 9.0), cats, List.of("mystery: unknown op"),
            "unit-test energy model");
    }
}
