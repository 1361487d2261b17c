package dev.edgewise.bridge.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.GraphBuilder;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
import dev.edgewise.core.onnx.OnnxExporter;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Two views of one tensor that are live at the same time (a feature map flattened by two layers,
 * each read after both views exist), and a view of a graph input: the runtime must accept the
 * shared bytes and compute what ONNX Runtime computes.
 */
class ViewAliasingTest {
    @Test
    void twoLiveViewsOfOneTensor() throws Exception {
        Random r = new Random(3);
        float[] w1 = new float[5 * 24];
        float[] w2 = new float[4 * 24];
        for (int i = 0; i < w1.length; i++) {
            w1[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < w2.length; i++) {
            w2[i] = (float) r.nextGaussian();
        }
        Graph g = GraphBuilder.create().name("two_views")
            .addInput(new TensorInfo("x", DataType.FLOAT, Shape.of(1, 2, 3, 4)))
            .addInitializer(TensorData.ofFloats("w1", Shape.of(5, 24), w1))
            .addInitializer(TensorData.ofFloats("w2", Shape.of(4, 24), w2))
            .addInitializer(TensorData.ofLongs("shape", Shape.of(2), new long[] {1, 24}))
            .addNode(Node.of("relu", "Relu", List.of("x"), List.of("a")))
            .addNode(Node.of("flatten", "Flatten", List.of("a"), List.of("f1"), Attribute.ofInt("axis", 1)))
            .addNode(Node.of("reshape", "Reshape", List.of("a", "shape"), List.of("f2")))
            .addNode(Node.of("fc1", "Gemm", List.of("f1", "w1"), List.of("y1"), Attribute.ofInt("transB", 1)))
            .addNode(Node.of("fc2", "Gemm", List.of("f2", "w2"), List.of("y2"), Attribute.ofInt("transB", 1)))
            .addNode(Node.of("xflat", "Flatten", List.of("x"), List.of("y3"), Attribute.ofInt("axis", 1)))
            .addOutput(new TensorInfo("y1", DataType.FLOAT, Shape.unknownRank()))
            .addOutput(new TensorInfo("y2", DataType.FLOAT, Shape.unknownRank()))
            .addOutput(new TensorInfo("y3", DataType.FLOAT, Shape.unknownRank()))
            .build();
        CompiledPlan plan = PlanCompiler.compile(g, CompileOptions.DEFAULT);
        float[] x = new float[24];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        List<float[]> ours = HostRuntime.run(plan, List.of(x), HostRuntime.Target.HOST);
        List<float[]> ref = OrtReference.run(OnnxExporter.toBytes(g), List.of("x"), List.of(new long[] {1, 2, 3, 4}),
            List.of(x));
        assertEquals(3, ours.size());
        for (int o = 0; o < 3; o++) {
            double err = WholeModelTest.relativeError(ours.get(o), ref.get(o));
            assertTrue(err <= WholeModelTest.TOLERANCE, "output " + o + " error " + err);
        }
    }
}
