package dev.edgewise.core.testing;

import dev.edgewise.core.onnx.proto.OnnxProtos.AttributeProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.GraphProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.ModelProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.NodeProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.OperatorSetIdProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.TensorProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.TensorShapeProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.TypeProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The cross-format reference network as an ONNX file, written with the ONNX importer's own proto
 * classes: 1x3x8x8 -> Conv 3x3x8 pad 1 + Relu -> depthwise Conv 3x3 pad 1 (group 8) + Relu ->
 * MaxPool 2x2/2 -> Flatten -> Gemm 128->10 -> Softmax.
 */
public final class OnnxReference {
    private OnnxReference() {
    }

    public static Path write(Path dir) throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().setName("small_net");
        g.addInput(ValueInfoProto.newBuilder().setName("input").setType(TypeProto.newBuilder().setTensorType(
            TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape(1, 3, 8, 8)))));
        g.addInitializer(zeros("conv1.w", 8, 3, 3, 3)).addInitializer(zeros("conv1.b", 8));
        g.addInitializer(zeros("dw.w", 8, 1, 3, 3)).addInitializer(zeros("dw.b", 8));
        g.addInitializer(zeros("fc.w", 10, 128)).addInitializer(zeros("fc.b", 10));
        g.addNode(node("conv1", "Conv", new String[] {"input", "conv1.w", "conv1.b"}, "c1",
            ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1)));
        g.addNode(node("relu1", "Relu", new String[] {"c1"}, "r1"));
        g.addNode(node("dw", "Conv", new String[] {"r1", "dw.w", "dw.b"}, "c2", ints("kernel_shape", 3, 3),
            ints("pads", 1, 1, 1, 1), AttributeProto.newBuilder().setName("group").setType(AttributeProto.AttributeType.INT)
                .setI(8).build()));
        g.addNode(node("relu2", "Relu", new String[] {"c2"}, "r2"));
        g.addNode(node("pool", "MaxPool", new String[] {"r2"}, "p", ints("kernel_shape", 2, 2), ints("strides", 2, 2)));
        g.addNode(node("flatten", "Flatten", new String[] {"p"}, "f"));
        g.addNode(node("fc", "Gemm", new String[] {"f", "fc.w", "fc.b"}, "logits",
            AttributeProto.newBuilder().setName("transB").setType(AttributeProto.AttributeType.INT).setI(1).build()));
        g.addNode(node("prob", "Softmax", new String[] {"logits"}, "prob"));
        g.addOutput(ValueInfoProto.newBuilder().setName("prob"));
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).setProducerName("edgewise-test")
            .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build();
        Path p = dir.resolve("small_net.onnx");
        Files.write(p, m.toByteArray());
        return p;
    }

    private static TensorShapeProto shape(long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return s.build();
    }

    private static TensorProto zeros(String name, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1);
        long n = 1;
        for (long d : dims) {
            t.addDims(d);
            n *= d;
        }
        for (long i = 0; i < n; i++) {
            t.addFloatData(0f);
        }
        return t.build();
    }

    private static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private static NodeProto node(String name, String op, String[] in, String out, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setName(name).setOpType(op).addOutput(out);
        for (String i : in) {
            n.addInput(i);
        }
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        return n.build();
    }
}
