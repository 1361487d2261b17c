package dev.edgewise.core.analysis.cost;

import dev.edgewise.core.analysis.ShapeInferenceResult;
import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.GraphBuilder;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds test graphs with value info for every tensor (standing in for shape inference). Output
 * shapes follow the textbook formulas, written here independently of the cost model. Weights are
 * lazy tensors whose bytes throw if read: the cost model must work from sizes alone.
 */
final class NetBuilder {
    private final GraphBuilder b = GraphBuilder.create();
    private final Map<String, TensorInfo> tensors = new HashMap<>();
    private final List<String> outputs = new ArrayList<>();
    private DataType type = DataType.FLOAT;

    NetBuilder type(DataType t) {
        this.type = t;
        return this;
    }

    String input(String name, long... shape) {
        TensorInfo t = new TensorInfo(name, type, Shape.of(shape));
        b.addInput(t);
        tensors.put(name, t);
        return name;
    }

    /** A constant whose bytes must never be read by the cost model. */
    String weight(String name, DataType dataType, long... shape) {
        b.addInitializer(untouchable(name, dataType, Shape.of(shape)));
        tensors.put(name, new TensorInfo(name, dataType, Shape.of(shape)));
        return name;
    }

    String weight(String name, long... shape) {
        return weight(name, type, shape);
    }

    static TensorData untouchable(String name, DataType dataType, Shape shape) {
        return TensorData.lazy(name, dataType, shape, "test", () -> {
            throw new AssertionError("the cost model read the bytes of '" + name + "'");
        });
    }

    long[] shape(String tensor) {
        return tensors.get(tensor).shape().toArray();
    }

    /** Any node; its single output gets the given shape (and this builder's element type). */
    String node(String name, String op, List<String> inputs, long[] outShape, Attribute... attrs) {
        return node(name, op, inputs, outShape, type, attrs);
    }

    String node(String name, String op, List<String> inputs, long[] outShape, DataType outType, Attribute... attrs) {
        String out = name + "_out";
        b.addNode(Node.of(name, op, inputs, List.of(out), attrs));
        TensorInfo t = new TensorInfo(out, outType, Shape.of(outShape));
        b.putValueInfo(t);
        tensors.put(out, t);
        return out;
    }

    /** Square-kernel 2-D convolution, output size floor((H + 2*pad - k) / stride) + 1. */
    String conv(String name, String in, long cout, long k, long stride, long pad, long group, boolean bias) {
        long[] x = shape(in);
        long h = (x[2] + 2 * pad - k) / stride + 1;
        long w = (x[3] + 2 * pad - k) / stride + 1;
        List<String> inputs = new ArrayList<>(List.of(in, weight(name + ".weight", cout, x[1] / group, k, k)));
        if (bias) {
            inputs.add(weight(name + ".bias", cout));
        }
        return node(name, "Conv", inputs, new long[] {x[0], cout, h, w},
                Attribute.ofInts("kernel_shape", k, k), Attribute.ofInts("strides", stride, stride),
                Attribute.ofInts("pads", pad, pad, pad, pad), Attribute.ofInt("group", group));
    }

    String unary(String name, String op, String in, Attribute... attrs) {
        return node(name, op, List.of(in), shape(in), attrs);
    }

    String maxPool(String name, String in, long k, long stride) {
        long[] x = shape(in);
        return node(name, "MaxPool", List.of(in), new long[] {x[0], x[1], (x[2] - k) / stride + 1, (x[3] - k) / stride + 1},
                Attribute.ofInts("kernel_shape", k, k), Attribute.ofInts("strides", stride, stride));
    }

    String flatten(String name, String in) {
        long[] x = shape(in);
        long rest = 1;
        for (int i = 1; i < x.length; i++) {
            rest *= x[i];
        }
        return node(name, "Flatten", List.of(in), new long[] {x[0], rest});
    }

    /** Fully connected: Gemm with B stored [out, in] and transB=1, as PyTorch exports nn.Linear. */
    String linear(String name, String in, long out) {
        long[] x = shape(in);
        return node(name, "Gemm", List.of(in, weight(name + ".weight", out, x[1]), weight(name + ".bias", out)),
                new long[] {x[0], out}, Attribute.ofInt("transB", 1));
    }

    NetBuilder output(String tensor) {
        outputs.add(tensor);
        return this;
    }

    Graph graph() {
        for (String o : outputs) {
            b.addOutput(tensors.get(o));
        }
        return b.buildValid();
    }

    ShapeInferenceResult inferred() {
        return new ShapeInferenceResult(graph(), List.of());
    }
}
