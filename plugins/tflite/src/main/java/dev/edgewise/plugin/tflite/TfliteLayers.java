package dev.edgewise.plugin.tflite;

import static dev.edgewise.plugin.tflite.TfliteOps.*;

import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.plugin.tflite.TfliteGraphConverter.OpContext;
import dev.edgewise.plugin.tflite.TfliteSchema.Options;
import dev.edgewise.plugin.tflite.TfliteSchema.Quantization;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One TFLite operator to ONNX-style nodes. Quantization parameters of int8/uint8 tensors are kept as
 * attributes of the node that reads or writes them: {@code quant_in<i>_scale}, {@code quant_in<i>_zero_point},
 * {@code quant_in<i>_axis} (per-channel) and the same with {@code quant_out<i>}; QUANTIZE and DEQUANTIZE
 * become QuantizeLinear / DequantizeLinear with their scale and zero point as scalar inputs.
 */
final class TfliteLayers {
    private final OpContext c;
    private final List<Attribute> quant = new ArrayList<>();

    TfliteLayers(OpContext c) {
        this.c = c;
    }

    void convert() throws EdgewiseException {
        collectQuantization();
        switch (c.code) {
            case CONV_2D -> conv(false);
            case DEPTHWISE_CONV_2D -> conv(true);
            case FULLY_CONNECTED -> fullyConnected();
            case MAX_POOL_2D -> pool("MaxPool");
            case AVERAGE_POOL_2D -> pool("AveragePool");
            case ADD -> binary("Add");
            case SUB -> binary("Sub");
            case MUL -> binary("Mul");
            case DIV -> binary("Div");
            case CONCATENATION -> concat();
            case RESHAPE, SQUEEZE -> reshape();
            case SOFTMAX -> softmax();
            case MEAN -> mean();
            case PAD -> pad();
            case RELU -> unary("Relu", List.of());
            case RELU6 -> unary("Clip", List.of(Attribute.ofFloat("min", 0), Attribute.ofFloat("max", 6)));
            case RELU_N1_TO_1 -> unary("Clip", List.of(Attribute.ofFloat("min", -1), Attribute.ofFloat("max", 1)));
            case LOGISTIC -> unary("Sigmoid", List.of());
            case TANH -> unary("Tanh", List.of());
            case HARD_SWISH -> unary("HardSwish", List.of());
            case QUANTIZE -> quantize();
            case DEQUANTIZE -> dequantize();
            default -> unknown();
        }
    }

    private void collectQuantization() {
        for (int i = 0; i < c.in.length; i++) {
            if (c.in[i] >= 0) {
                addQuant("quant_in" + i, c.in[i]);
            }
        }
        for (int i = 0; i < c.out.length; i++) {
            addQuant("quant_out" + i, c.out[i]);
        }
    }

    private void addQuant(String prefix, int tensor) {
        Quantization q = c.quantization(tensor);
        if (q == null) {
            return;
        }
        quant.add(Attribute.ofFloats(prefix + "_scale", toDoubles(q.scale())));
        quant.add(Attribute.ofInts(prefix + "_zero_point", q.zeroPoint()));
        if (q.scale().length > 1) {
            quant.add(Attribute.ofInt(prefix + "_axis", q.quantizedDimension()));
        }
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private List<Attribute> withQuant(Attribute... attrs) {
        List<Attribute> a = new ArrayList<>(Arrays.asList(attrs));
        a.addAll(quant);
        return a;
    }

    private Options options() throws EdgewiseException {
        if (c.options == null) {
            throw c.error("builtin options are missing");
        }
        return c.options;
    }

    /** SAME padding as explicit begin/end pads (TFLite puts the odd pixel at the end). */
    static long[] samePads(long in, long k, long stride, long dilation) {
        long out = (in + stride - 1) / stride;
        long effective = (k - 1) * dilation + 1;
        long total = Math.max((out - 1) * stride + effective - in, 0);
        return new long[] {total / 2, total - total / 2};
    }

    private void conv(boolean depthwise) throws EdgewiseException {
        Options o = options();
        long[] x = c.shape(c.input(0));
        long[] w = c.shape(c.input(1));
        if (x.length != 4 || w.length != 4) {
            throw c.error("expects 4-D NHWC input and filter, got " + Arrays.toString(x) + " and " + Arrays.toString(w));
        }
        int act = depthwise ? o.b(4, 0) : o.b(3, 0);
        long sw = o.i(1, 1);
        long sh = o.i(2, 1);
        long dw = depthwise ? o.i(5, 1) : o.i(4, 1);
        long dh = depthwise ? o.i(6, 1) : o.i(5, 1);
        long kh = w[1];
        long kw = w[2];
        long outC = depthwise ? w[3] : w[0];
        long group = depthwise ? x[3] : 1;
        if (!depthwise && w[3] != x[3]) {
            if (x[3] % w[3] != 0) {
                throw c.error("filter input channels " + w[3] + " do not divide input channels " + x[3]);
            }
            group = x[3] / w[3];
        }
        String weights;
        if (!c.isConstant(1)) {
            throw c.error("filter must be a constant tensor");
        } else if (depthwise) {
            // [1, kh, kw, C*M] -> [C*M, 1, kh, kw]
            weights = c.g.permutedConstant(c.input(1), new long[] {3, 0, 1, 2}, new long[] {outC, 1, kh, kw});
        } else {
            // OHWI -> OIHW
            weights = c.g.permutedConstant(c.input(1), new long[] {0, 3, 1, 2}, new long[] {outC, w[3], kh, kw});
        }
        long[] ph = o.b(0, 0) == PADDING_SAME ? samePads(x[1], kh, sh, dh) : new long[2];
        long[] pw = o.b(0, 0) == PADDING_SAME ? samePads(x[2], kw, sw, dw) : new long[2];
        List<String> ins = new ArrayList<>(List.of(c.toNchw(c.value(0)), weights));
        if (c.hasInput(2)) {
            ins.add(c.value(2));
        }
        String y = c.fresh(c.name + "/conv");
        c.node(c.name, "Conv", ins, List.of(y), withQuant(Attribute.ofInts("kernel_shape", kh, kw),
            Attribute.ofInts("strides", sh, sw), Attribute.ofInts("dilations", dh, dw),
            Attribute.ofInts("pads", ph[0], pw[0], ph[1], pw[1]), Attribute.ofInt("group", group)));
        c.toNhwc(activation(y, act), c.tensorName(c.out[0]));
    }

    /** Applies a fused activation; returns the tensor holding the result. */
    private String activation(String x, int act) {
        return activation(x, act, null);
    }

    /** Applies a fused activation, writing {@code target} when given; returns the result tensor. */
    private String activation(String x, int act, String target) {
        String op;
        List<Attribute> a = List.of();
        switch (act) {
            case ACT_NONE -> {
                return x;
            }
            case ACT_RELU -> op = "Relu";
            case ACT_RELU6 -> {
                op = "Clip";
                a = List.of(Attribute.ofFloat("min", 0), Attribute.ofFloat("max", 6));
            }
            case ACT_RELU_N1_TO_1 -> {
                op = "Clip";
                a = List.of(Attribute.ofFloat("min", -1), Attribute.ofFloat("max", 1));
            }
            case ACT_TANH -> op = "Tanh";
            default -> {
                c.warn("layer '" + c.name + "': fused activation " + act + " not supported; left out");
                return x;
            }
        }
        String y = target != null ? target : c.fresh(x + "/" + op.toLowerCase(java.util.Locale.ROOT));
        c.node(c.fresh(c.name + "/" + op.toLowerCase(java.util.Locale.ROOT)), op, List.of(x), List.of(y), a);
        return y;
    }

    /** Runs the activation and ends in the operator's output tensor. */
    private void finish(String nodeOut, int act) {
        if (act != ACT_NONE) {
            activation(nodeOut, act, c.tensorName(c.out[0]));
        }
    }

    private void fullyConnected() throws EdgewiseException {
        Options o = options();
        long[] x = c.shape(c.input(0));
        long[] w = c.shape(c.input(1));
        if (w.length != 2) {
            throw c.error("weights must be 2-D [out, in], got " + Arrays.toString(w));
        }
        String xs = c.value(0);
        long total = Arrays.stream(x).reduce(1, Math::multiplyExact);
        if (x.length != 2) {
            long rest = x.length == 0 ? 1 : total / x[0];
            String flat = c.fresh(xs + "/flat");
            if (x.length > 0 && rest == w[1]) {
                c.node(c.fresh(c.name + "/flatten"), "Flatten", List.of(xs), List.of(flat), List.of(Attribute.ofInt("axis", 1)));
            } else {
                c.node(c.fresh(c.name + "/reshape"), "Reshape", List.of(xs, c.int64Constant(c.name + "/shape",
                    new long[] {-1, w[1]})), List.of(flat), List.of());
            }
            xs = flat;
        }
        List<String> ins = new ArrayList<>(List.of(xs, c.value(1)));
        if (c.hasInput(2)) {
            ins.add(c.value(2));
        }
        int act = o.b(0, 0);
        String out = c.tensorName(c.out[0]);
        String y = act == ACT_NONE ? out : c.fresh(c.name + "/gemm");
        c.node(c.name, "Gemm", ins, List.of(y), withQuant(Attribute.ofInt("transB", 1)));
        if (o.bool(2)) {
            c.warn("layer '" + c.name + "' (FULLY_CONNECTED): keep_num_dims is recorded in the output shape only");
        }
        finish(y, act);
    }

    private void pool(String op) throws EdgewiseException {
        Options o = options();
        long[] x = c.shape(c.input(0));
        long sw = o.i(1, 1);
        long sh = o.i(2, 1);
        long fw = o.i(3, 1);
        long fh = o.i(4, 1);
        long[] ph = o.b(0, 0) == PADDING_SAME ? samePads(x[1], fh, sh, 1) : new long[2];
        long[] pw = o.b(0, 0) == PADDING_SAME ? samePads(x[2], fw, sw, 1) : new long[2];
        String y = c.fresh(c.name + "/pool");
        List<Attribute> a = withQuant(Attribute.ofInts("kernel_shape", fh, fw), Attribute.ofInts("strides", sh, sw),
            Attribute.ofInts("pads", ph[0], pw[0], ph[1], pw[1]));
        if (op.equals("AveragePool")) {
            a.add(Attribute.ofInt("count_include_pad", 0));
        }
        c.node(c.name, op, List.of(c.toNchw(c.value(0))), List.of(y), a);
        c.toNhwc(activation(y, o.b(5, 0)), c.tensorName(c.out[0]));
    }

    private void binary(String op) throws EdgewiseException {
        int act = c.options == null ? ACT_NONE : c.options.b(0, 0);
        String out = c.tensorName(c.out[0]);
        String y = act == ACT_NONE ? out : c.fresh(c.name + "/" + op.toLowerCase(java.util.Locale.ROOT));
        c.node(c.name, op, List.of(c.value(0), c.value(1)), List.of(y), withQuant());
        finish(y, act);
    }

    private void concat() throws EdgewiseException {
        Options o = options();
        int rank = c.shape(c.out[0]).length;
        long axis = o.i(0, 0);
        axis = axis < 0 ? axis + rank : axis;
        List<String> ins = new ArrayList<>();
        for (int i = 0; i < c.in.length; i++) {
            ins.add(c.value(i));
        }
        int act = o.b(1, 0);
        String out = c.tensorName(c.out[0]);
        String y = act == ACT_NONE ? out : c.fresh(c.name + "/concat");
        c.node(c.name, "Concat", ins, List.of(y), withQuant(Attribute.ofInt("axis", axis)));
        finish(y, act);
    }

    /** RESHAPE and SQUEEZE: the output tensor's shape is stated in the file, so it is used as is. */
    private void reshape() throws EdgewiseException {
        long[] shape = c.shape(c.out[0]);
        String s = c.int64Constant(c.name + "/shape", shape);
        c.node(c.name, "Reshape", List.of(c.value(0), s), List.of(c.tensorName(c.out[0])), withQuant());
    }

    private void softmax() throws EdgewiseException {
        float beta = c.options == null ? 1f : c.options.f(0, 1f);
        List<Attribute> a = withQuant(Attribute.ofInt("axis", -1));
        if (beta != 1f) {
            a.add(Attribute.ofFloat("tflite_beta", beta));
        }
        c.node(c.name, "Softmax", List.of(c.value(0)), List.of(c.tensorName(c.out[0])), a);
    }

    private void mean() throws EdgewiseException {
        int[] axes = c.constInts(1);
        int rank = c.shape(c.input(0)).length;
        long[] ax = new long[axes.length];
        for (int i = 0; i < axes.length; i++) {
            ax[i] = axes[i] < 0 ? axes[i] + rank : axes[i];
        }
        boolean keep = c.options != null && c.options.bool(0);
        c.node(c.name, "ReduceMean", List.of(c.value(0)), List.of(c.tensorName(c.out[0])),
            withQuant(Attribute.ofInts("axes", ax), Attribute.ofInt("keepdims", keep ? 1 : 0)));
    }

    private void pad() throws EdgewiseException {
        int[] p = c.constInts(1);
        int rank = p.length / 2;
        long[] pads = new long[p.length];
        for (int d = 0; d < rank; d++) {
            pads[d] = p[2 * d];
            pads[rank + d] = p[2 * d + 1];
        }
        String padT = c.int64Constant(c.name + "/pads", pads);
        c.node(c.name, "Pad", List.of(c.value(0), padT), List.of(c.tensorName(c.out[0])), withQuant());
    }

    private void unary(String op, List<Attribute> attrs) throws EdgewiseException {
        List<Attribute> a = new ArrayList<>(attrs);
        a.addAll(quant);
        c.node(c.name, op, List.of(c.value(0)), List.of(c.tensorName(c.out[0])), a);
    }

    private void quantize() throws EdgewiseException {
        Quantization q = c.quantization(c.out[0]);
        if (q == null) {
            throw c.error("output tensor has no quantization parameters");
        }
        DataType t = c.type(c.out[0]);
        String scale = c.scalarConstant(c.name + "/scale", DataType.FLOAT, q.scale()[0]);
        String zp = c.scalarConstant(c.name + "/zero_point", t, q.zeroPoint().length > 0 ? q.zeroPoint()[0] : 0);
        c.node(c.name, "QuantizeLinear", List.of(c.value(0), scale, zp), List.of(c.tensorName(c.out[0])), quant);
    }

    private void dequantize() throws EdgewiseException {
        int x = c.input(0);
        if (c.type(x) == DataType.FLOAT16) {
            c.node(c.name, "Cast", List.of(c.value(0)), List.of(c.tensorName(c.out[0])),
                List.of(Attribute.ofInt("to", DataType.FLOAT.onnxCode())));
            return;
        }
        Quantization q = c.quantization(x);
        if (q == null) {
            throw c.error("input tensor has no quantization parameters");
        }
        String scale = c.scalarConstant(c.name + "/scale", DataType.FLOAT, q.scale()[0]);
        String zp = c.scalarConstant(c.name + "/zero_point", c.type(x), q.zeroPoint().length > 0 ? q.zeroPoint()[0] : 0);
        c.node(c.name, "DequantizeLinear", List.of(c.value(0), scale, zp), List.of(c.tensorName(c.out[0])), quant);
    }

    /** Operators outside the list keep their TFLite name (domain "tflite"); shapes come from the file. */
    private void unknown() throws EdgewiseException {
        List<String> ins = new ArrayList<>();
        for (int i = 0; i < c.in.length; i++) {
            if (c.in[i] >= 0) {
                ins.add(c.value(i));
            }
        }
        List<String> outs = new ArrayList<>();
        for (int t : c.out) {
            outs.add(c.tensorName(t));
        }
        c.warn("layer '" + c.name + "' (TFLite operator " + c.index + ", " + c.opName() + ") is not mapped to an ONNX op; kept as"
            + " tflite:" + c.opName() + " without a cost");
        c.customNode(c.opName(), ins, outs);
    }
}
