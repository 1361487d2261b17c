package dev.edgewise.plugin.mxnet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/** One MXNet operator to ONNX-style nodes, with its output shape when the input shape is known. */
final class MxOps {
    private final MxGraphConverter g;

    MxOps(MxGraphConverter g) {
        this.g = g;
    }

    void convert(int id, JsonNode n) throws EdgewiseException {
        Map<String, String> a = MxGraphConverter.attrs(n);
        switch (n.path("op").asText()) {
            case "Convolution" -> conv(n, a);
            case "FullyConnected" -> fullyConnected(n, a);
            case "Pooling" -> pooling(n, a);
            case "Activation" -> activation(n, a);
            case "relu" -> same(n, "Relu", List.of());
            case "sigmoid" -> same(n, "Sigmoid", List.of());
            case "tanh" -> same(n, "Tanh", List.of());
            case "BatchNorm" -> batchNorm(n, a);
            case "elemwise_add", "_Plus", "_plus", "broadcast_add", "_add" -> elementwise(n, "Add");
            case "elemwise_mul", "_Mul", "_mul", "broadcast_mul" -> elementwise(n, "Mul");
            case "ElementWiseSum", "add_n" -> elementwise(n, "Sum");
            case "Concat", "concat" -> concat(n, a);
            case "Flatten", "flatten" -> flatten(n);
            case "SoftmaxOutput", "SoftmaxActivation" -> softmax(n, 1);
            case "softmax" -> softmax(n, Integer.parseInt(a.getOrDefault("axis", "-1")));
            case "LRN" -> lrn(n, a);
            case "Dropout" -> same(n, "Dropout", List.of(Attribute.ofFloat("ratio", dbl(a, "p", 0.5))));
            case "_copy", "identity", "BlockGrad" -> same(n, "Identity", List.of());
            default -> unknown(n);
        }
    }

    /** "(3, 3)", "[1,1]", "3" to numbers; "None" or empty to an empty array. */
    static long[] tuple(String s) {
        if (s == null) {
            return new long[0];
        }
        String t = s.replaceAll("[()\\[\\]L\\s]", "");
        if (t.isEmpty() || t.equals("None")) {
            return new long[0];
        }
        String[] parts = t.split(",");
        List<Long> v = new ArrayList<>();
        for (String p : parts) {
            if (!p.isEmpty()) {
                v.add(Long.parseLong(p));
            }
        }
        return v.stream().mapToLong(Long::longValue).toArray();
    }

    private static long[] tuple(Map<String, String> a, String key, long dflt, int rank) {
        long[] v = tuple(a.get(key));
        if (v.length == 0) {
            v = new long[rank];
            java.util.Arrays.fill(v, dflt);
        }
        return v;
    }

    private static boolean bool(Map<String, String> a, String key, boolean dflt) {
        String v = a.get(key);
        return v == null ? dflt : v.equalsIgnoreCase("true") || v.equals("1");
    }

    private static double dbl(Map<String, String> a, String key, double dflt) {
        String v = a.get(key);
        return v == null ? dflt : Double.parseDouble(v);
    }

    private static long lng(Map<String, String> a, String key, long dflt) {
        String v = a.get(key);
        return v == null ? dflt : Long.parseLong(v.trim());
    }

    private String out(JsonNode n, long[] shape) {
        String t = MxGraphConverter.name(n);
        g.setShape(t, shape);
        return t;
    }

    private void conv(JsonNode n, Map<String, String> a) throws EdgewiseException {
        String layout = a.getOrDefault("layout", "None");
        if (!layout.equals("None") && !layout.equals("NCHW")) {
            throw new EdgewiseException(ErrorCode.UNSUPPORTED, g.error(n, "layout " + layout + " (only NCHW)").getMessage());
        }
        long[] k = tuple(a.get("kernel"));
        if (k.length != 2) {
            throw g.error(n, "kernel must be 2-D, got '" + a.get("kernel") + "'");
        }
        long[] st = tuple(a, "stride", 1, 2);
        long[] dil = tuple(a, "dilate", 1, 2);
        long[] pad = tuple(a, "pad", 0, 2);
        long filters = lng(a, "num_filter", 0);
        long group = lng(a, "num_group", 1);
        String x = g.data(n, 0);
        long[] s = g.shape(x);
        long[] wShape = s == null ? null : new long[] {filters, s[1] / group, k[0], k[1]};
        List<String> ins = new ArrayList<>(List.of(x, g.param(n, 1, wShape, null)));
        if (!bool(a, "no_bias", false)) {
            ins.add(g.param(n, 2, new long[] {filters}, null));
        }
        long[] os = null;
        if (s != null) {
            os = new long[] {s[0], filters, (s[2] + 2 * pad[0] - dil[0] * (k[0] - 1) - 1) / st[0] + 1,
                (s[3] + 2 * pad[1] - dil[1] * (k[1] - 1) - 1) / st[1] + 1};
        }
        g.emit(MxGraphConverter.name(n), "Conv", ins, out(n, os), List.of(Attribute.ofInts("kernel_shape", k),
            Attribute.ofInts("strides", st), Attribute.ofInts("dilations", dil),
            Attribute.ofInts("pads", pad[0], pad[1], pad[0], pad[1]), Attribute.ofInt("group", group)));
    }

    private void fullyConnected(JsonNode n, Map<String, String> a) throws EdgewiseException {
        long hidden = lng(a, "num_hidden", 0);
        String x = g.data(n, 0);
        long[] s = g.shape(x);
        boolean flatten = bool(a, "flatten", true);
        if (s != null && s.length > 2 && flatten) {
            long in = MxGraphConverter.count(s) / s[0];
            String flat = g.fresh(x + "/flatten");
            g.emit(g.fresh(MxGraphConverter.name(n) + "/flatten"), "Flatten", List.of(x), flat,
                List.of(Attribute.ofInt("axis", 1)));
            g.setShape(flat, new long[] {s[0], in});
            x = flat;
            s = new long[] {s[0], in};
        }
        long[] wShape = s == null ? null : new long[] {hidden, s[s.length - 1]};
        List<String> ins = new ArrayList<>(List.of(x, g.param(n, 1, wShape, null)));
        if (!bool(a, "no_bias", false)) {
            ins.add(g.param(n, 2, new long[] {hidden}, null));
        }
        g.emit(MxGraphConverter.name(n), "Gemm", ins, out(n, s == null ? null : new long[] {s[0], hidden}),
            List.of(Attribute.ofInt("transB", 1)));
    }

    static long pooled(long in, long k, long pad, long stride, String convention) {
        long span = in + 2 * pad - k;
        return switch (convention) {
            case "full" -> (span + stride - 1) / stride + 1;
            case "same" -> (in + stride - 1) / stride;
            default -> span / stride + 1;
        };
    }

    private void pooling(JsonNode n, Map<String, String> a) throws EdgewiseException {
        String type = a.getOrDefault("pool_type", "max");
        if (!type.equals("max") && !type.equals("avg")) {
            throw new EdgewiseException(ErrorCode.UNSUPPORTED, g.error(n, "pool_type " + type + " (max and avg only)")
                .getMessage());
        }
        boolean max = type.equals("max");
        String x = g.data(n, 0);
        long[] s = g.shape(x);
        if (bool(a, "global_pool", false)) {
            g.emit(MxGraphConverter.name(n), max ? "GlobalMaxPool" : "GlobalAveragePool", List.of(x),
                out(n, s == null ? null : new long[] {s[0], s[1], 1, 1}), List.of());
            return;
        }
        long[] k = tuple(a.get("kernel"));
        long[] st = tuple(a, "stride", 1, 2);
        long[] pad = tuple(a, "pad", 0, 2);
        String convention = a.getOrDefault("pooling_convention", "valid");
        long[] os = s == null ? null : new long[] {s[0], s[1], pooled(s[2], k[0], pad[0], st[0], convention),
            pooled(s[3], k[1], pad[1], st[1], convention)};
        List<Attribute> attrs = new ArrayList<>(List.of(Attribute.ofInts("kernel_shape", k),
            Attribute.ofInts("strides", st), Attribute.ofInts("pads", pad[0], pad[1], pad[0], pad[1]),
            Attribute.ofInt("ceil_mode", convention.equals("full") ? 1 : 0)));
        if (!max) {
            attrs.add(Attribute.ofInt("count_include_pad", bool(a, "count_include_pad", true) ? 1 : 0));
        }
        g.emit(MxGraphConverter.name(n), max ? "MaxPool" : "AveragePool", List.of(x), out(n, os), attrs);
    }

    private void activation(JsonNode n, Map<String, String> a) throws EdgewiseException {
        String t = a.getOrDefault("act_type", "relu").toLowerCase(Locale.ROOT);
        String op = switch (t) {
            case "relu" -> "Relu";
            case "sigmoid" -> "Sigmoid";
            case "tanh" -> "Tanh";
            case "softrelu" -> "Softplus";
            case "softsign" -> "Softsign";
            default -> throw new EdgewiseException(ErrorCode.UNSUPPORTED, g.error(n, "act_type " + t).getMessage());
        };
        same(n, op, List.of());
    }

    private void same(JsonNode n, String op, List<Attribute> attrs) throws EdgewiseException {
        String x = g.data(n, 0);
        g.emit(MxGraphConverter.name(n), op, List.of(x), out(n, g.shape(x)), attrs);
    }

    /** fix_gamma (MXNet's default) makes gamma act as ones: the tensor is kept, its values read as 1. */
    private void batchNorm(JsonNode n, Map<String, String> a) throws EdgewiseException {
        String x = g.data(n, 0);
        long[] s = g.shape(x);
        long[] cs = s == null ? null : new long[] {s[1]};
        boolean fixGamma = bool(a, "fix_gamma", true);
        Supplier<ByteBuffer> ones = null;
        if (fixGamma) {
            long c = cs != null ? cs[0] : -1;
            ones = () -> {
                int count = (int) Math.max(c, 0);
                ByteBuffer b = ByteBuffer.allocate(count * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < count; i++) {
                    b.putFloat(i * 4, 1f);
                }
                return b;
            };
        }
        List<String> ins = new ArrayList<>(List.of(x, g.param(n, 1, cs, cs != null ? ones : null)));
        for (int k = 2; k <= 4; k++) {
            ins.add(g.param(n, k, cs, null));
        }
        List<Attribute> attrs = new ArrayList<>(List.of(Attribute.ofFloat("epsilon", dbl(a, "eps", 1e-3))));
        if (fixGamma) {
            attrs.add(Attribute.ofInt("mxnet_fix_gamma", 1));
        }
        g.emit(MxGraphConverter.name(n), "BatchNormalization", ins, out(n, s), attrs);
    }

    private void elementwise(JsonNode n, String op) throws EdgewiseException {
        List<String> ins = new ArrayList<>();
        for (int k = 0; k < g.inputCount(n); k++) {
            ins.add(g.data(n, k));
        }
        g.emit(MxGraphConverter.name(n), ins.size() > 2 && op.equals("Add") ? "Sum" : op, ins,
            out(n, g.shape(ins.get(0))), List.of());
    }

    private void concat(JsonNode n, Map<String, String> a) throws EdgewiseException {
        long axis = lng(a, "dim", lng(a, "axis", 1));
        List<String> ins = new ArrayList<>();
        long[] os = null;
        for (int k = 0; k < g.inputCount(n); k++) {
            String x = g.data(n, k);
            ins.add(x);
            long[] s = g.shape(x);
            if (k == 0) {
                os = s;
            } else if (os != null && s != null) {
                int ax = (int) (axis < 0 ? axis + os.length : axis);
                os[ax] += s[ax];
            } else {
                os = null;
            }
        }
        g.emit(MxGraphConverter.name(n), "Concat", ins, out(n, os), List.of(Attribute.ofInt("axis", axis)));
    }

    private void flatten(JsonNode n) throws EdgewiseException {
        String x = g.data(n, 0);
        long[] s = g.shape(x);
        g.emit(MxGraphConverter.name(n), "Flatten", List.of(x),
            out(n, s == null ? null : new long[] {s[0], MxGraphConverter.count(s) / s[0]}),
            List.of(Attribute.ofInt("axis", 1)));
    }

    /** SoftmaxOutput's label input only matters for training; it is not read. */
    private void softmax(JsonNode n, int axis) throws EdgewiseException {
        String x = g.data(n, 0);
        g.emit(MxGraphConverter.name(n), "Softmax", List.of(x), out(n, g.shape(x)), List.of(Attribute.ofInt("axis", axis)));
    }

    private void lrn(JsonNode n, Map<String, String> a) throws EdgewiseException {
        same(n, "LRN", List.of(Attribute.ofInt("size", lng(a, "nsize", 5)), Attribute.ofFloat("alpha", dbl(a, "alpha", 1e-4)),
            Attribute.ofFloat("beta", dbl(a, "beta", 0.75)), Attribute.ofFloat("bias", dbl(a, "knorm", 2))));
    }

    /** Ops outside the list keep their MXNet name in domain "mxnet"; shapes after them are unknown. */
    private void unknown(JsonNode n) throws EdgewiseException {
        List<String> ins = new ArrayList<>();
        for (int k = 0; k < g.inputCount(n); k++) {
            ins.add(g.data(n, k));
        }
        g.warn("layer '" + MxGraphConverter.name(n) + "' (" + n.path("op").asText() + ") is not mapped to an ONNX op;"
            + " kept as mxnet:" + n.path("op").asText() + " without a cost");
        g.gb.addNode(new dev.edgewise.core.ir.Node(MxGraphConverter.name(n), n.path("op").asText(), "mxnet", ins,
            List.of(MxGraphConverter.name(n)), Map.of()));
    }
}
