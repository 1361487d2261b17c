package dev.edgewise.plugin.tensorflow;

import com.google.protobuf.ByteString;
import dev.edgewise.plugin.tensorflow.proto.TfAttrValue.AttrValue;
import dev.edgewise.plugin.tensorflow.proto.TfGraph.GraphDef;
import dev.edgewise.plugin.tensorflow.proto.TfGraph.VersionDef;
import dev.edgewise.plugin.tensorflow.proto.TfNodeDef.NodeDef;
import dev.edgewise.plugin.tensorflow.proto.TfTensor.TensorProto;
import dev.edgewise.plugin.tensorflow.proto.TfTensorShape.TensorShapeProto;
import dev.edgewise.plugin.tensorflow.proto.TfTypes.DataType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The TensorFlow test corpus, built from the proto classes; the bytes are committed under resources. */
final class TfModels {
    private TfModels() {
    }

    static Map<String, byte[]> corpus() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("small_net.pb", smallNet().toByteArray());
        m.put("ops_tour.pb", opsTour().toByteArray());
        byte[] small = smallNet().toByteArray();
        m.put("truncated.pb", Arrays.copyOf(small, small.length - 100));
        GraphDef.Builder bad = GraphDef.newBuilder();
        bad.addNode(placeholder("x", 1, 4, 4, 1));
        TensorProto shortContent = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(shape(3, 3, 1, 2))
            .setTensorContent(ByteString.copyFrom(new byte[12])).build();
        bad.addNode(NodeDef.newBuilder().setName("w").setOp("Const").putAttr("value", tensor(shortContent)));
        bad.addNode(node("conv", "Conv2D", "x", "w").putAttr("strides", ints(1, 1, 1, 1)).putAttr("padding", s("VALID")));
        m.put("bad_const.pb", bad.build().toByteArray());
        GraphDef.Builder dangling = GraphDef.newBuilder();
        dangling.addNode(placeholder("x", 1, 4));
        dangling.addNode(node("r", "Relu", "nowhere:0"));
        m.put("dangling_input.pb", dangling.build().toByteArray());
        m.put("text.pb", "node { name: \"x\" op: \"Placeholder\" }\n".getBytes(StandardCharsets.UTF_8));
        return m;
    }

    static TensorShapeProto shape(long... dims) {
        TensorShapeProto.Builder b = TensorShapeProto.newBuilder();
        for (long d : dims) {
            b.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
        }
        return b.build();
    }

    static AttrValue tensor(TensorProto t) {
        return AttrValue.newBuilder().setTensor(t).build();
    }

    static AttrValue s(String v) {
        return AttrValue.newBuilder().setS(ByteString.copyFromUtf8(v)).build();
    }

    static AttrValue ints(long... v) {
        AttrValue.ListValue.Builder l = AttrValue.ListValue.newBuilder();
        for (long x : v) {
            l.addI(x);
        }
        return AttrValue.newBuilder().setList(l).build();
    }

    static AttrValue b(boolean v) {
        return AttrValue.newBuilder().setB(v).build();
    }

    static NodeDef.Builder node(String name, String op, String... inputs) {
        return NodeDef.newBuilder().setName(name).setOp(op).addAllInput(Arrays.asList(inputs))
            .putAttr("T", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build());
    }

    static NodeDef.Builder placeholder(String name, long... dims) {
        return NodeDef.newBuilder().setName(name).setOp("Placeholder")
            .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_FLOAT).build())
            .putAttr("shape", AttrValue.newBuilder().setShape(shape(dims)).build());
    }

    /** A float constant stored as tensor_content, filled with {@code start + i * 0.001}. */
    static NodeDef.Builder floats(String name, float start, long... dims) {
        int n = (int) Arrays.stream(dims).reduce(1, (x, y) -> x * y);
        ByteBuffer bb = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            bb.putFloat(start + i * 0.001f);
        }
        TensorProto t = TensorProto.newBuilder().setDtype(DataType.DT_FLOAT).setTensorShape(shape(dims))
            .setTensorContent(ByteString.copyFrom(bb.array())).build();
        return NodeDef.newBuilder().setName(name).setOp("Const").putAttr("value", tensor(t));
    }

    /** An int32 constant stored as int_val (the form small shape constants take). */
    static NodeDef.Builder int32s(String name, long[] dims, int... values) {
        TensorProto.Builder t = TensorProto.newBuilder().setDtype(DataType.DT_INT32).setTensorShape(shape(dims));
        for (int v : values) {
            t.addIntVal(v);
        }
        return NodeDef.newBuilder().setName(name).setOp("Const").putAttr("value", tensor(t.build()));
    }

    /** The cross-format reference network (see the TFLite and Caffe twins), as a frozen NHWC graph. */
    static GraphDef smallNet() {
        GraphDef.Builder g = GraphDef.newBuilder().setVersions(VersionDef.newBuilder().setProducer(27));
        g.addNode(placeholder("input", -1, 8, 8, 3));
        g.addNode(floats("conv1/weights", 0.01f, 3, 3, 3, 8));
        g.addNode(node("conv1/weights/read", "Identity", "conv1/weights"));
        g.addNode(node("conv1/Conv2D", "Conv2D", "input", "conv1/weights/read").putAttr("strides", ints(1, 1, 1, 1))
            .putAttr("padding", s("SAME")).putAttr("data_format", s("NHWC")));
        g.addNode(floats("conv1/biases", 0f, 8));
        g.addNode(node("conv1/BiasAdd", "BiasAdd", "conv1/Conv2D", "conv1/biases"));
        g.addNode(node("conv1/Relu", "Relu", "conv1/BiasAdd"));
        g.addNode(floats("dw/depthwise_weights", 0.02f, 3, 3, 8, 1));
        g.addNode(node("dw/depthwise", "DepthwiseConv2dNative", "conv1/Relu", "dw/depthwise_weights")
            .putAttr("strides", ints(1, 1, 1, 1)).putAttr("padding", s("SAME")));
        g.addNode(floats("dw/biases", 0f, 8));
        g.addNode(node("dw/BiasAdd", "BiasAdd", "dw/depthwise", "dw/biases"));
        g.addNode(node("dw/Relu", "Relu", "dw/BiasAdd"));
        g.addNode(node("pool", "MaxPool", "dw/Relu").putAttr("ksize", ints(1, 2, 2, 1)).putAttr("strides", ints(1, 2, 2, 1))
            .putAttr("padding", s("VALID")));
        g.addNode(int32s("flatten/shape", new long[] {2}, -1, 128));
        g.addNode(node("flatten", "Reshape", "pool", "flatten/shape"));
        g.addNode(floats("fc/weights", 0.03f, 128, 10));
        g.addNode(node("fc/MatMul", "MatMul", "flatten", "fc/weights"));
        g.addNode(floats("fc/biases", 0f, 10));
        g.addNode(node("fc/BiasAdd", "BiasAdd", "fc/MatMul", "fc/biases"));
        g.addNode(node("prob", "Softmax", "fc/BiasAdd"));
        return g.build();
    }

    /** The remaining ops: batch norm, NCHW conv, pools, reductions, elementwise, concat, pad, squeeze, an unknown op. */
    static GraphDef opsTour() {
        GraphDef.Builder g = GraphDef.newBuilder();
        g.addNode(placeholder("image", 2, 6, 6, 4));
        for (String p : new String[] {"gamma", "beta", "mean", "var"}) {
            g.addNode(floats("bn/" + p, 1f, 4));
        }
        g.addNode(node("bn", "FusedBatchNormV3", "image", "bn/gamma", "bn/beta", "bn/mean", "bn/var")
            .putAttr("epsilon", AttrValue.newBuilder().setF(0.001f).build()).putAttr("is_training", b(false)));
        g.addNode(node("relu6", "Relu6", "bn"));
        g.addNode(node("avg", "AvgPool", "relu6").putAttr("ksize", ints(1, 3, 3, 1)).putAttr("strides", ints(1, 1, 1, 1))
            .putAttr("padding", s("SAME")));
        g.addNode(node("sum", "AddV2", "avg", "relu6"));
        g.addNode(node("prod", "Mul", "sum", "bn"));
        g.addNode(int32s("cat/axis", new long[] {}, 3));
        g.addNode(node("cat", "ConcatV2", "prod", "sum", "cat/axis").putAttr("N", AttrValue.newBuilder().setI(2).build()));
        g.addNode(int32s("paddings", new long[] {4, 2}, 0, 0, 1, 1, 1, 1, 0, 0));
        g.addNode(node("padded", "Pad", "cat", "paddings"));
        g.addNode(int32s("perm_nchw", new long[] {4}, 0, 3, 1, 2));
        g.addNode(node("to_nchw", "Transpose", "padded", "perm_nchw"));
        g.addNode(floats("nchw_conv/w", 0.5f, 1, 1, 8, 2));
        g.addNode(floats("shift/b", 0.5f, 8));
        g.addNode(node("nchw_shift", "BiasAdd", "to_nchw", "shift/b").putAttr("data_format", s("NCHW")));
        g.addNode(node("nchw_conv", "Conv2D", "nchw_shift", "nchw_conv/w").putAttr("strides", ints(1, 1, 1, 1))
            .putAttr("padding", s("VALID")).putAttr("data_format", s("NCHW")));
        g.addNode(floats("nchw_conv/b", 0.1f, 2));
        g.addNode(node("nchw_bias", "BiasAdd", "nchw_conv", "nchw_conv/b").putAttr("data_format", s("NCHW")));
        g.addNode(node("nchw_relu", "Relu", "nchw_bias"));
        g.addNode(int32s("mean/axes", new long[] {2}, 2, 3));
        g.addNode(node("gap", "Mean", "nchw_relu", "mean/axes").putAttr("keep_dims", b(true)));
        g.addNode(node("squeezed", "Squeeze", "gap").putAttr("squeeze_dims", ints(2, 3)));
        g.addNode(node("sig", "Sigmoid", "squeezed"));
        g.addNode(node("tanh", "Tanh", "sig"));
        g.addNode(node("out", "Identity", "tanh"));
        g.addNode(node("erf", "Erf", "out"));
        return g.build();
    }
}
