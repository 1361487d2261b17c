package dev.edgewise.core.optimize;

import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.TensorData;
import java.util.ArrayList;
import java.util.List;

/**
 * A layer whose weight is a constant float initializer that pruning and quantization act on:
 * Conv (weight input 1, output channels on axis 0), Gemm (axis 0 with transB=1, else 1) and
 * MatMul with a constant 2-D right operand (axis 1).
 */
public record WeightLayer(Node node, String weight, int channelAxis, String category) {

    public String name() {
        return node.name();
    }

    public static List<WeightLayer> find(Graph g) {
        List<WeightLayer> out = new ArrayList<>();
        for (Node n : g.nodes()) {
            String w = n.input(1);
            TensorData t = w.isEmpty() ? null : g.initializer(w);
            if (t == null || t.dataType() != DataType.FLOAT) {
                continue;
            }
            switch (n.opType()) {
                case "Conv" -> out.add(new WeightLayer(n, w, 0, "conv"));
                case "Gemm" -> out.add(new WeightLayer(n, w, n.attrInt("transB", 0) == 1 ? 0 : 1, "linear"));
                case "MatMul" -> {
                    if (t.shape().rank() == 2) {
                        out.add(new WeightLayer(n, w, 1, "linear"));
                    }
                }
                default -> { }
            }
        }
        return out;
    }

    /** Number of output channels (the quantization/pruning channel count). */
    public static int channels(TensorData t, int axis) {
        return (int) t.shape().dims().get(axis).value();
    }
}
