package dev.edgewise.bridge.plan;

import dev.edgewise.bridge.plan.QuantPatterns.Affine;
import dev.edgewise.bridge.plan.QuantPatterns.Int8Weights;
import dev.edgewise.bridge.plan.proto.Activation;
import dev.edgewise.bridge.plan.proto.ActivationKind;
import dev.edgewise.bridge.plan.proto.ConvParams;
import dev.edgewise.bridge.plan.proto.DataType;
import dev.edgewise.bridge.plan.proto.KernelId;
import dev.edgewise.bridge.plan.proto.Layout;
import dev.edgewise.bridge.plan.proto.QuantParams;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Node;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * int8 lowering (docs/plan-compiler.md "int8"). QDQ graphs: {@code DequantizeLinear(x_q) ->
 * Conv/Gemm/MatMul(DequantizeLinear(W_int8)) [-> Relu/Clip] [-> QuantizeLinear]} becomes one int8
 * op reading x_q; its output is uint8/int8 when a QuantizeLinear follows, else fp32 (dequantized in
 * the epilogue). QLinearConv / QLinearMatMul map to the same kernels; ConvInteger / MatMulInteger
 * too, with unit scales and an fp32 output holding the exact int32 sums (exact below 2^24). Other
 * QuantizeLinear / DequantizeLinear of activations become QUANTIZE / DEQUANTIZE ops at the
 * precision boundaries; everything else stays fp32.
 */
final class QuantTranslator {
    private static final Set<String> OPS = Set.of("QuantizeLinear", "DequantizeLinear", "QLinearConv", "QLinearMatMul",
        "ConvInteger", "MatMulInteger");

    /** A float layer recognised as int8: its quantized input, the input's parameters and the weights. */
    private record Match(String xq, Affine x, Int8Weights w, float[] bias) {
    }

    private final GraphLowering g;
    private final QuantPatterns q;
    private final OpTranslator emitter;
    private final Map<Node, Match> matched = new HashMap<>();
    private final Set<Node> absorbedDq = new HashSet<>();

    QuantTranslator(GraphLowering g, OpTranslator emitter) throws EdgewiseException {
        this.g = g;
        this.q = new QuantPatterns(g);
        this.emitter = emitter;
        q.foldConstantDequantize();
        for (Node n : g.graph.nodes()) {
            Optional<Match> m = match(n);
            m.ifPresent(v -> matched.put(n, v));
        }
        // a DequantizeLinear read only by int8 layers is not computed at all
        for (Node n : g.graph.nodes()) {
            if (n.opType().equals("DequantizeLinear") && !g.consts.isConstant(n.output(0)) && !g.isGraphOutput(n.output(0))) {
                var users = g.graph.consumers(n.output(0));
                if (!users.isEmpty() && users.stream().allMatch(u -> matched.containsKey(u) && u.input(0).equals(n.output(0))
                    && u.inputs().stream().filter(n.output(0)::equals).count() == 1)) {
                    absorbedDq.add(n);
                }
            }
        }
    }

    boolean handles(Node n) {
        return OPS.contains(n.opType()) || matched.containsKey(n);
    }

    void translate(Node n) throws EdgewiseException {
        if (matched.containsKey(n)) {
            Match m = matched.get(n);
            if (n.opType().equals("Conv")) {
                conv(n, m.xq, m.x, m.w, m.bias, null, true);
            } else {
                fullyConnected(n, m.xq, m.x, m.w, m.bias, null, true);
            }
            return;
        }
        switch (n.opType()) {
            case "QuantizeLinear" -> quantize(n);
            case "DequantizeLinear" -> {
                if (!absorbedDq.contains(n)) {
                    dequantize(n);
                }
            }
            case "QLinearConv", "ConvInteger" -> qlinear(n, true);
            default -> qlinear(n, false);
        }
    }

    // ---- recognition ---------------------------------------------------------------------------

    private Optional<Match> match(Node n) throws EdgewiseException {
        String op = n.opType();
        if (!op.equals("Conv") && !op.equals("Gemm") && !op.equals("MatMul") || !n.hasInput(1)) {
            return Optional.empty();
        }
        Optional<Node> dqx = q.producer(n.input(0), "DequantizeLinear");
        if (dqx.isEmpty() || g.consts.isConstant(dqx.get().input(0))) {
            return Optional.empty();
        }
        Optional<Affine> x = q.affine(dqx.get(), 1, 2, q.typeOf(dqx.get().input(0)));
        boolean transposed = op.equals("MatMul") || op.equals("Gemm") && n.attrInt("transB", 0) == 0;
        if (x.isEmpty() || op.equals("Gemm") && (n.attrInt("transA", 0) != 0 || !(n.attrFloat("alpha", 1.0) > 0))) {
            return Optional.empty();
        }
        Optional<Int8Weights> w = q.dequantizedWeights(n.input(1), transposed);
        if (w.isEmpty()) {
            return Optional.empty();
        }
        Int8Weights wt = w.get();
        if (op.equals("Gemm") && n.attrFloat("alpha", 1.0) != 1.0) {
            float[] s = wt.scales().clone();
            for (int i = 0; i < s.length; i++) {
                s[i] *= (float) n.attrFloat("alpha", 1.0);
            }
            wt = new Int8Weights(wt.values(), s, wt.rows());
        }
        float[] bias = floatBias(n, wt.rows());
        return bias == null ? Optional.empty() : Optional.of(new Match(dqx.get().input(0), x.get(), wt, bias));
    }

    /** Conv B or Gemm beta * C as one value per output channel; null when C varies over rows. */
    private float[] floatBias(Node n, int rows) {
        int bi = 2;
        if (n.opType().equals("MatMul") || !n.hasInput(bi) || n.input(bi).isEmpty()) {
            return new float[rows];
        }
        if (!q.isConst(n, bi)) {
            return null;
        }
        float[] c = g.consts.floats(g.resolve(n.input(bi)));
        float beta = n.opType().equals("Gemm") ? (float) n.attrFloat("beta", 1.0) : 1f;
        if (c.length != 1 && c.length != rows) {
            return null;
        }
        float[] out = new float[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = beta * c[c.length == 1 ? 0 : i];
        }
        return out;
    }

    // ---- emission ------------------------------------------------------------------------------

    private static DataType dtype(Affine a) {
        return a.unsigned() ? DataType.DT_U8 : DataType.DT_I8;
    }

    private QuantParams.Builder params(Affine x, Int8Weights w) {
        QuantParams.Builder p = QuantParams.newBuilder().setInputScale(x.scale()).setInputZeroPoint(x.zeroPoint());
        for (float s : w.scales()) {
            p.addWeightScales(s);
        }
        return p;
    }

    /**
     * Fuses a following Relu/Clip, then a following per-tensor QuantizeLinear (requantized output);
     * returns the tensor the op writes and its type.
     */
    private String fuseOutput(Node n, LoweredOp op, String out, QuantParams.Builder p) throws EdgewiseException {
        out = foldBatchNorm(op, out, p);
        Optional<Node> next = g.soleConsumer(out);
        Optional<Activation> act = next.flatMap(g::activationOf);
        if (act.isPresent() && (act.get().getKind() == ActivationKind.ACT_RELU || act.get().getKind() == ActivationKind.ACT_CLIP)) {
            g.absorb(next.get());
            op.activation = act.get();
            op.layers.add(next.get().name());
            out = next.get().output(0);
            next = g.soleConsumer(out);
        }
        if (next.isPresent() && next.get().opType().equals("QuantizeLinear")) {
            Node qn = next.get();
            Optional<Affine> y = q.affine(qn, 1, 2, q.typeOf(qn.output(0)));
            if (y.isPresent()) {
                g.absorb(qn);
                op.layers.add(qn.name());
                p.setOutputScale(y.get().scale()).setOutputZeroPoint(y.get().zeroPoint());
                g.quantized(qn.output(0), dtype(y.get()), qn);
                return qn.output(0);
            }
        }
        g.activation(out, n);
        return out;
    }

    /**
     * A BatchNormalization right after an int8 layer scales its channels: folded into the weight
     * scales (which may then be negative) and the float bias; the int8 weights stay as quantized.
     */
    private String foldBatchNorm(LoweredOp op, String out, QuantParams.Builder p) {
        Optional<Node> next = g.soleConsumer(out);
        if (next.isEmpty() || !next.get().opType().equals("BatchNormalization") || op.bias == null
            || next.get().outputs().stream().skip(1).anyMatch(s -> !s.isEmpty())) {
            return out;
        }
        float[][] ss = new ConvTranslator(g).scaleShift(next.get());
        if (ss == null || ss[0].length != p.getWeightScalesCount()) {
            return out;
        }
        for (int c = 0; c < ss[0].length; c++) {
            p.setWeightScales(c, p.getWeightScales(c) * ss[0][c]);
            op.bias[c] = op.bias[c] * ss[0][c] + ss[1][c];
        }
        g.absorb(next.get());
        op.layers.add(next.get().name());
        g.notes.add("layer '" + next.get().name() + "' (BatchNormalization) folded into the scales of int8 '" + op.name + "'");
        return next.get().output(0);
    }

    private void conv(Node n, String xq, Affine x, Int8Weights w, float[] bias, int[] biasI32, boolean fuse)
            throws EdgewiseException {
        String in = g.quantizedInput(n, xq);
        long[] xd = g.tensor(in).dims;
        long[] yd = g.staticDims(n.output(0), n);
        int per = w.values().length / w.rows();
        long[] kd = g.staticDims(g.resolve(n.input(n.opType().equals("QLinearConv") ? 3 : 1)), n);
        if (xd.length != 4 || kd.length != 4) {
            throw g.unsupported(n, "only 2-D int8 convolutions (4-D NCHW input) are supported");
        }
        int kh = (int) kd[2];
        int kw = (int) kd[3];
        ConvTranslator ct = new ConvTranslator(g);
        int[] strides = ConvTranslator.ints(n.attrInts("strides"), 2, 1);
        int[] dil = ConvTranslator.ints(n.attrInts("dilations"), 2, 1);
        int[] pads = ct.resolvePads(n, xd, yd, new int[] {kh, kw}, strides, dil);
        int group = (int) n.attrInt("group", 1);
        ConvGeometry geo = new ConvGeometry(xd[0], xd[1], xd[2], xd[3], w.rows(), yd[2], yd[3], kh, kw, strides[0],
            strides[1], dil[0], dil[1], group, pads);
        if (per != xd[1] / group * kh * kw) {
            throw g.unsupported(n, "int8 weights do not match the input channels");
        }
        LoweredOp op = new LoweredOp(geo.isPointwise() ? KernelId.CONV1X1_S8GEMM : KernelId.CONV_IM2COL_S8GEMM, n.name());
        op.layers.add(n.name());
        op.inputs.add(in);
        op.weightS8 = w.values();
        op.weightLayout = Layout.LAYOUT_OIHW;
        op.bias = bias;
        op.biasI32 = biasI32;
        ConvParams.Builder cp = ConvParams.newBuilder().addKernelShape(kh).addKernelShape(kw).addStrides(strides[0])
            .addStrides(strides[1]).addDilations(dil[0]).addDilations(dil[1]).setGroup(group).setOutChannels(w.rows());
        for (int v : pads) {
            cp.addPads(v);
        }
        ConvParams built = cp.build();
        op.params = b -> b.setConv(built);
        finish(n, op, x, w, fuse);
    }

    private void fullyConnected(Node n, String xq, Affine x, Int8Weights w, float[] bias, int[] biasI32, boolean fuse)
            throws EdgewiseException {
        String in = g.quantizedInput(n, xq);
        long[] xd = g.tensor(in).dims;
        if (xd.length != 2) {
            throw g.unsupported(n, "int8 " + n.opType() + " needs a 2-D input, got rank " + xd.length);
        }
        LoweredOp op = new LoweredOp(KernelId.GEMM_S8, n.name());
        op.layers.add(n.name());
        op.inputs.add(in);
        op.weightS8 = w.values();
        op.weightLayout = Layout.LAYOUT_OI;
        op.bias = bias;
        op.biasI32 = biasI32;
        finish(n, op, x, w, fuse);
    }

    private void finish(Node n, LoweredOp op, Affine x, Int8Weights w, boolean fuse) throws EdgewiseException {
        QuantParams.Builder p = params(x, w);
        String out;
        if (!fuse) {
            out = n.output(0);
            // QLinearConv and QLinearMatMul both take y_scale, y_zero_point as inputs 6 and 7
            Optional<Affine> y = n.opType().startsWith("QLinear") ? q.affine(n, 6, 7, q.typeOf(n.output(0))) : Optional.empty();
            if (y.isPresent()) {
                p.setOutputScale(y.get().scale()).setOutputZeroPoint(y.get().zeroPoint());
                g.quantized(out, dtype(y.get()), n);
            } else {
                g.activationAsFloat(out, n);
            }
        } else {
            out = fuseOutput(n, op, n.output(0), p);
        }
        op.quant = p.build();
        op.outputs.add(out);
        g.ops.add(op);
        g.notes.add(g.label(n) + " runs in int8 (" + op.kernel + (op.quant.getOutputScale() > 0 ? ", requantized output"
            : ", fp32 output") + ")");
    }

    private void quantize(Node n) throws EdgewiseException {
        Optional<Affine> y = q.affine(n, 1, 2, q.typeOf(n.output(0)));
        if (y.isEmpty()) {
            throw g.unsupported(n, "QuantizeLinear needs a constant per-tensor scale and zero point (per-axis "
                + "quantization of activations is not supported)");
        }
        LoweredOp op = new LoweredOp(KernelId.QUANTIZE, n.name());
        op.layers.add(n.name());
        op.inputs.add(g.input(n, 0));
        op.quant = QuantParams.newBuilder().setOutputScale(y.get().scale()).setOutputZeroPoint(y.get().zeroPoint()).build();
        g.quantized(n.output(0), dtype(y.get()), n);
        op.outputs.add(n.output(0));
        g.ops.add(op);
    }

    private void dequantize(Node n) throws EdgewiseException {
        String in = g.quantizedInput(n, n.input(0));
        Optional<Affine> x = q.affine(n, 1, 2, q.typeOf(n.input(0)));
        if (x.isEmpty()) {
            throw g.unsupported(n, "DequantizeLinear of an activation needs a constant per-tensor scale and zero point");
        }
        LoweredOp op = new LoweredOp(KernelId.DEQUANTIZE, n.name());
        op.layers.add(n.name());
        op.inputs.add(in);
        op.quant = QuantParams.newBuilder().setInputScale(x.get().scale()).setInputZeroPoint(x.get().zeroPoint()).build();
        emitter.emit(op, n, n.output(0));
    }

    /** QLinearConv / QLinearMatMul (quantized output) and ConvInteger / MatMulInteger (exact sums as fp32). */
    private void qlinear(Node n, boolean isConv) throws EdgewiseException {
        boolean integer = n.opType().endsWith("Integer");
        int wIndex = integer ? 1 : 3;
        Optional<Affine> x = integer ? integerZeroPoint(n, 2) : q.affine(n, 1, 2, q.typeOf(n.input(0)));
        if (x.isEmpty() || !q.isConst(n, wIndex) || !integer && (!q.isConst(n, 4) || !q.isConst(n, 5))) {
            throw g.unsupported(n, "needs constant weights and constant per-tensor input quantization");
        }
        long[] wd = g.staticDims(g.resolve(n.input(wIndex)), n);
        if (!isConv && wd.length != 2) {
            throw g.unsupported(n, "needs a constant 2-D B; a batched B (rank " + wd.length + ") is not supported");
        }
        boolean transpose = !isConv;
        float[] s = integer ? new float[] {1f} : g.consts.floats(g.resolve(n.input(4)));
        int zi = integer ? 3 : 5;
        long[] z = n.hasInput(zi) && !n.input(zi).isEmpty() ? g.consts.longs(g.resolve(n.input(zi))) : null;
        Optional<Int8Weights> w = q.weights(g.consts.longs(g.resolve(n.input(wIndex))), wd, s, z, isConv ? 0 : 1, transpose);
        if (w.isEmpty()) {
            throw g.unsupported(n, "weights minus their zero point must fit int8, with one scale per output channel");
        }
        int[] biasI32 = null;
        if (isConv && !integer && n.hasInput(8) && !n.input(8).isEmpty()) {
            long[] b = g.consts.longs(g.resolve(n.input(8)));
            biasI32 = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                biasI32[i] = (int) b[i];
            }
        }
        if (isConv) {
            conv(n, n.input(0), x.get(), w.get(), null, biasI32, false);
        } else {
            fullyConnected(n, n.input(0), x.get(), w.get(), null, null, false);
        }
    }

    /** ConvInteger / MatMulInteger: the input's zero point with a unit scale. */
    private Optional<Affine> integerZeroPoint(Node n, int zi) {
        boolean unsigned = q.typeOf(n.input(0)) != dev.edgewise.core.ir.DataType.INT8;
        if (!n.hasInput(zi) || n.input(zi).isEmpty()) {
            return Optional.of(new Affine(1f, 0, unsigned));
        }
        long[] z = q.isConst(n, zi) ? g.consts.longs(g.resolve(n.input(zi))) : null;
        return z == null || z.length != 1 ? Optional.empty() : Optional.of(new Affine(1f, (int) z[0], unsigned));
    }
}
