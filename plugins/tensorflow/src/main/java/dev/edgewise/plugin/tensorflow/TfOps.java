package dev.edgewise.plugin.tensorflow;

import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.NhwcLayout;
import dev.edgewise.plugin.tensorflow.proto.TfAttrValue.AttrValue;
import dev.edgewise.plugin.tensorflow.proto.TfNodeDef.NodeDef;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** One TensorFlow op to ONNX-style nodes. */
final class TfOps {
    private static final long[] TO_NCHW = NhwcLayout.TO_NCHW;
    private static final long[] TO_NHWC = NhwcLayout.TO_NHWC;
    private static final Set<String> SKIPPED = Set.of("NoOp", "Assert", "CheckNumerics", "StopGradient");

    private final TfGraphConverter g;

    TfOps(TfGraphConverter g) {
        this.g = g;
    }

    void convert(NodeDef n) throws EdgewiseException {
        switch (n.getOp()) {
            case "Const" -> { }
            case "Placeholder", "PlaceholderWithDefault" -> g.placeholder(n);
            case "Identity" -> identity(n);
            case "Conv2D" -> conv(n, false);
            case "DepthwiseConv2dNative" -> conv(n, true);
            case "MatMul" -> matMul(n);
            case "BiasAdd" -> biasAdd(n);
            case "FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3" -> batchNorm(n);
            case "Relu" -> unary(n, "Relu", List.of());
            case "Relu6" -> unary(n, "Clip", List.of(Attribute.ofFloat("min", 0), Attribute.ofFloat("max", 6)));
            case "Sigmoid" -> unary(n, "Sigmoid", List.of());
            case "Tanh" -> unary(n, "Tanh", List.of());
            case "Softmax" -> unary(n, "Softmax", List.of(Attribute.ofInt("axis", -1)));
            case "MaxPool" -> pool(n, "MaxPool");
            case "AvgPool" -> pool(n, "AveragePool");
            case "Mean" -> mean(n);
            case "Add", "AddV2" -> binary(n, "Add");
            case "Sub" -> binary(n, "Sub");
            case "Mul" -> binary(n, "Mul");
            case "ConcatV2" -> concat(n);
            case "Reshape" -> reshape(n);
            case "Squeeze" -> squeeze(n);
            case "Pad" -> pad(n);
            case "Transpose" -> transpose(n);
            default -> unknown(n);
        }
    }

    private static String str(NodeDef n, String attr, String dflt) {
        AttrValue v = n.getAttrMap().get(attr);
        return v == null ? dflt : v.getS().toStringUtf8();
    }

    private static long[] ints(NodeDef n, String attr, long[] dflt) {
        AttrValue v = n.getAttrMap().get(attr);
        if (v == null || v.getList().getICount() == 0) {
            return dflt;
        }
        return v.getList().getIList().stream().mapToLong(Long::longValue).toArray();
    }

    private static boolean nhwc(NodeDef n) {
        return !str(n, "data_format", "NHWC").equals("NCHW");
    }

    /** H and W entries of a 4-element NHWC or NCHW attribute. */
    private long[] spatial(NodeDef n, String attr, boolean nhwc) throws EdgewiseException {
        long[] v = ints(n, attr, new long[] {1, 1, 1, 1});
        if (v.length != 4) {
            throw g.error(n, attr + " must have 4 values, has " + v.length);
        }
        return nhwc ? new long[] {v[1], v[2]} : new long[] {v[2], v[3]};
    }

    private List<Attribute> padding(NodeDef n, boolean nhwc) throws EdgewiseException {
        String p = str(n, "padding", "VALID");
        return switch (p) {
            case "SAME" -> List.of(Attribute.ofString("auto_pad", "SAME_UPPER"));
            case "VALID" -> List.of(Attribute.ofInts("pads", 0, 0, 0, 0));
            case "EXPLICIT" -> {
                long[] e = ints(n, "explicit_paddings", new long[8]);
                int h = nhwc ? 2 : 4;
                int w = nhwc ? 4 : 6;
                yield List.of(Attribute.ofInts("pads", e[h], e[w], e[h + 1], e[w + 1]));
            }
            default -> throw g.error(n, "padding '" + p + "' is not SAME, VALID or EXPLICIT");
        };
    }

    /** Emits x (NHWC) -> Transpose -> returns the NCHW tensor; identity for NCHW graphs. */
    private String toNchw(NodeDef n, String x, boolean nhwc) {
        if (!nhwc) {
            return x;
        }
        String y = g.fresh(x + "/nchw");
        g.node(g.fresh(n.getName() + "/to_nchw"), "Transpose", List.of(x), List.of(y),
            List.of(Attribute.ofInts("perm", TO_NCHW)));
        return y;
    }

    /** Names the NCHW result and, for NHWC graphs, transposes it back into {@code out}. */
    private String nchwResult(NodeDef n, String out, boolean nhwc) {
        return nhwc ? g.fresh(n.getName() + "/nchw_out") : out;
    }

    private void backToNhwc(NodeDef n, String nchw, String out, boolean nhwc) {
        if (nhwc) {
            g.node(g.fresh(n.getName() + "/to_nhwc"), "Transpose", List.of(nchw), List.of(out),
                List.of(Attribute.ofInts("perm", TO_NHWC)));
        }
    }

    /** A following BiasAdd with a constant bias is folded into this node; returns its bias tensor or null. */
    private String foldBias(NodeDef n) throws EdgewiseException {
        NodeDef bias = g.soleConsumer(n, "BiasAdd");
        if (bias == null || g.constNode(g.inputRef(bias, 1)) == null) {
            return null;
        }
        g.fold(bias);
        return g.value(bias, 1);
    }

    private void conv(NodeDef n, boolean depthwise) throws EdgewiseException {
        boolean nhwc = nhwc(n);
        long[] f = g.constShape(n, 1);
        if (f.length != 4) {
            throw g.error(n, "filter must be 4-D (kh, kw, in, out), got rank " + f.length);
        }
        String w;
        long group;
        if (depthwise) {
            // [kh, kw, C, M] -> [C, M, kh, kw], which is ONNX's [C*M, 1, kh, kw] byte for byte.
            w = g.permutedConstant(n, 1, new int[] {2, 3, 0, 1}, new long[] {f[2] * f[3], 1, f[0], f[1]});
            group = f[2];
        } else {
            w = g.permutedConstant(n, 1, new int[] {3, 2, 0, 1}, new long[] {f[3], f[2], f[0], f[1]});
            group = 1;
        }
        String x = toNchw(n, g.value(n, 0), nhwc);
        String bias = foldBias(n);
        NodeDef biasNode = bias == null ? null : g.soleConsumer(n, "BiasAdd");
        String out = g.output(biasNode != null ? biasNode : n);
        String y = nchwResult(n, out, nhwc);
        List<Attribute> a = new ArrayList<>(List.of(Attribute.ofInts("kernel_shape", f[0], f[1]),
            Attribute.ofInts("strides", spatial(n, "strides", nhwc)),
            Attribute.ofInts("dilations", spatial(n, "dilations", nhwc)), Attribute.ofInt("group", group)));
        a.addAll(padding(n, nhwc));
        if (biasNode != null) {
            a.add(Attribute.ofString("tf_bias_add", biasNode.getName()));
        }
        List<String> ins = new ArrayList<>(List.of(x, w));
        if (bias != null) {
            ins.add(bias);
        }
        g.node(n.getName(), "Conv", ins, List.of(y), a);
        backToNhwc(n, y, out, nhwc);
    }

    private void matMul(NodeDef n) throws EdgewiseException {
        boolean ta = n.getAttrMap().containsKey("transpose_a") && n.getAttrMap().get("transpose_a").getB();
        boolean tb = n.getAttrMap().containsKey("transpose_b") && n.getAttrMap().get("transpose_b").getB();
        String a = g.value(n, 0);
        String b = g.value(n, 1);
        String bias = foldBias(n);
        NodeDef biasNode = bias == null ? null : g.soleConsumer(n, "BiasAdd");
        String out = g.output(biasNode != null ? biasNode : n);
        List<String> ins = new ArrayList<>(List.of(a, b));
        if (bias != null) {
            ins.add(bias);
        }
        g.node(n.getName(), "Gemm", ins, List.of(out), List.of(Attribute.ofInt("transA", ta ? 1 : 0),
            Attribute.ofInt("transB", tb ? 1 : 0)));
    }

    private void batchNorm(NodeDef n) throws EdgewiseException {
        if (n.getAttrMap().containsKey("is_training") && n.getAttrMap().get("is_training").getB()) {
            g.warn("layer '" + n.getName() + "': is_training=true in a frozen graph; treated as inference");
        }
        boolean nhwc = nhwc(n);
        String x = toNchw(n, g.value(n, 0), nhwc);
        List<String> ins = new ArrayList<>(List.of(x));
        for (int i = 1; i <= 4; i++) {
            ins.add(g.value(n, i));
        }
        String out = g.output(n);
        String y = nchwResult(n, out, nhwc);
        float eps = n.getAttrMap().containsKey("epsilon") ? n.getAttrMap().get("epsilon").getF() : 1e-4f;
        g.node(n.getName(), "BatchNormalization", ins, List.of(y), List.of(Attribute.ofFloat("epsilon", eps)));
        backToNhwc(n, y, out, nhwc);
    }

    private void pool(NodeDef n, String op) throws EdgewiseException {
        boolean nhwc = nhwc(n);
        String x = toNchw(n, g.value(n, 0), nhwc);
        String out = g.output(n);
        String y = nchwResult(n, out, nhwc);
        List<Attribute> a = new ArrayList<>(List.of(Attribute.ofInts("kernel_shape", spatial(n, "ksize", nhwc)),
            Attribute.ofInts("strides", spatial(n, "strides", nhwc))));
        a.addAll(padding(n, nhwc));
        if (op.equals("AveragePool")) {
            // TensorFlow averages over the valid (unpadded) part of each window.
            a.add(Attribute.ofInt("count_include_pad", 0));
        }
        g.node(n.getName(), op, List.of(x), List.of(y), a);
        backToNhwc(n, y, out, nhwc);
    }

    private void identity(NodeDef n) throws EdgewiseException {
        if (g.constNode(n.getName()) != null) {
            return;
        }
        g.node(n.getName(), "Identity", List.of(g.value(n, 0)), List.of(g.output(n)), List.of());
    }

    private void unary(NodeDef n, String op, List<Attribute> attrs) throws EdgewiseException {
        g.node(n.getName(), op, List.of(g.value(n, 0)), List.of(g.output(n)), attrs);
    }

    private void binary(NodeDef n, String op) throws EdgewiseException {
        g.node(n.getName(), op, List.of(g.value(n, 0), g.value(n, 1)), List.of(g.output(n)), List.of());
    }

    /** A BiasAdd not folded into a conv: NHWC broadcasts [C] as is, NCHW needs it as [C, 1, 1]. */
    private void biasAdd(NodeDef n) throws EdgewiseException {
        if (nhwc(n)) {
            binary(n, "Add");
            return;
        }
        long[] shape = g.constShape(n, 1);
        String bias = g.reshapedConstant(n, 1, new long[] {shape[0], 1, 1});
        g.node(n.getName(), "Add", List.of(g.value(n, 0), bias), List.of(g.output(n)), List.of());
    }

    private void mean(NodeDef n) throws EdgewiseException {
        long[] axes = g.constLongs(n, 1);
        boolean keep = n.getAttrMap().containsKey("keep_dims") && n.getAttrMap().get("keep_dims").getB();
        g.node(n.getName(), "ReduceMean", List.of(g.value(n, 0)), List.of(g.output(n)),
            List.of(Attribute.ofInts("axes", axes), Attribute.ofInt("keepdims", keep ? 1 : 0)));
    }

    private void concat(NodeDef n) throws EdgewiseException {
        int count = g.dataInputs(n).size();
        long[] axis = g.constLongs(n, count - 1);
        List<String> ins = new ArrayList<>();
        for (int i = 0; i < count - 1; i++) {
            ins.add(g.value(n, i));
        }
        g.node(n.getName(), "Concat", ins, List.of(g.output(n)), List.of(Attribute.ofInt("axis", axis[0])));
    }

    private void reshape(NodeDef n) throws EdgewiseException {
        String shape = g.int64Constant(n.getName() + "/shape", g.constLongs(n, 1));
        g.node(n.getName(), "Reshape", List.of(g.value(n, 0), shape), List.of(g.output(n)), List.of());
    }

    private void squeeze(NodeDef n) throws EdgewiseException {
        long[] dims = ints(n, "squeeze_dims", new long[0]);
        List<String> ins = new ArrayList<>(List.of(g.value(n, 0)));
        if (dims.length > 0) {
            ins.add(g.int64Constant(n.getName() + "/axes", dims));
        }
        g.node(n.getName(), "Squeeze", ins, List.of(g.output(n)), List.of());
    }

    private void pad(NodeDef n) throws EdgewiseException {
        long[] p = g.constLongs(n, 1);
        int rank = p.length / 2;
        long[] pads = new long[p.length];
        for (int d = 0; d < rank; d++) {
            pads[d] = p[2 * d];
            pads[rank + d] = p[2 * d + 1];
        }
        String padT = g.int64Constant(n.getName() + "/pads", pads);
        g.node(n.getName(), "Pad", List.of(g.value(n, 0), padT), List.of(g.output(n)), List.of());
    }

    private void transpose(NodeDef n) throws EdgewiseException {
        long[] perm = g.constLongs(n, 1);
        g.node(n.getName(), "Transpose", List.of(g.value(n, 0)), List.of(g.output(n)),
            List.of(Attribute.ofInts("perm", perm)));
    }

    /** Ops outside the list keep their TensorFlow name in domain "tf"; they get no cost. */
    private void unknown(NodeDef n) throws EdgewiseException {
        if (SKIPPED.contains(n.getOp())) {
            return;
        }
        List<String> ins = new ArrayList<>();
        for (int i = 0; i < g.dataInputs(n).size(); i++) {
            ins.add(g.value(n, i));
        }
        g.warn("layer '" + n.getName() + "' (" + n.getOp() + ") is not mapped to an ONNX op; kept as tf:" + n.getOp()
            + " without a cost");
        g.foreignNode(new dev.edgewise.core.ir.Node(n.getName(), n.getOp(), "tf", ins, List.of(g.output(n)),
            java.util.Map.of()));
    }
}
