package dev.edgewise.bridge.plan;

import dev.edgewise.bridge.plan.proto.ConvParams;
import dev.edgewise.bridge.plan.proto.KernelId;
import dev.edgewise.bridge.plan.proto.Layout;
import dev.edgewise.bridge.plan.proto.PoolParams;
import dev.edgewise.bridge.plan.proto.TransposeParams;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Node;
import java.util.Arrays;
import java.util.Optional;

/** Conv, Gemm/MatMul, pooling and BatchNormalization: the ops that carry weights or windows. */
final class ConvTranslator {
    private final GraphLowering g;

    ConvTranslator(GraphLowering g) {
        this.g = g;
    }

    private OpTranslator emitter() {
        return new OpTranslator(g);
    }

    private float[] constant(Node n, int i, String role) throws EdgewiseException {
        String name = g.resolve(n.input(i));
        float[] v = g.consts.isConstant(name) ? g.consts.floats(name) : null;
        if (v == null) {
            throw g.unsupported(n, role + " must be a constant (initializer) for the runtime");
        }
        return v;
    }

    private boolean has(Node n, int i) {
        return n.hasInput(i) && !n.input(i).isEmpty();
    }

    void conv(Node n) throws EdgewiseException {
        String x = g.input(n, 0);
        long[] xd = g.tensor(x).dims;
        long[] wd = g.staticDims(g.resolve(n.input(1)), n);
        if (xd.length != 4 || wd.length != 4) {
            throw g.unsupported(n, "only 2-D convolutions (4-D NCHW input) are supported, input has rank " + xd.length);
        }
        float[] w = constant(n, 1, "Conv weight W");
        long m = wd[0];
        float[] bias = has(n, 2) ? constant(n, 2, "Conv bias B").clone() : new float[(int) m];
        long[] yd = g.staticDims(n.output(0), n);
        int kh = (int) wd[2];
        int kw = (int) wd[3];
        int[] strides = ints(n.attrInts("strides"), 2, 1);
        int[] dil = ints(n.attrInts("dilations"), 2, 1);
        int[] pads = resolvePads(n, xd, yd, new int[] {kh, kw}, strides, dil);
        int group = (int) n.attrInt("group", 1);
        ConvGeometry geo = new ConvGeometry(xd[0], xd[1], xd[2], xd[3], m, yd[2], yd[3], kh, kw, strides[0], strides[1],
            dil[0], dil[1], group, pads);
        LoweredOp op = new LoweredOp(KernelId.CONV_DIRECT, n.name());
        op.layers.add(n.name());
        op.inputs.add(x);
        op.conv = geo;
        String out = foldBatchNorm(op, n.output(0), w, bias, (int) m);
        op.weight = w;
        op.weightLayout = Layout.LAYOUT_OIHW;
        op.bias = bias;
        ConvParams.Builder p = ConvParams.newBuilder().addKernelShape(kh).addKernelShape(kw).addStrides(strides[0])
            .addStrides(strides[1]).addDilations(dil[0]).addDilations(dil[1]).setGroup(group).setOutChannels((int) m);
        for (int v : pads) {
            p.addPads(v);
        }
        ConvParams built = p.build();
        op.params = b -> b.setConv(built);
        emitter().emit(op, n, g.fuseActivation(op, out));
    }

    /**
     * Folds a BatchNormalization that is the sole consumer of {@code out} into weights {@code w}
     * (rows of {@code rows}-way output channels) and {@code bias}; returns the tensor now written.
     */
    private String foldBatchNorm(LoweredOp op, String out, float[] w, float[] bias, int rows) throws EdgewiseException {
        Optional<Node> next = g.soleConsumer(out);
        if (next.isEmpty() || !next.get().opType().equals("BatchNormalization") || next.get().outputs().size() > 1
            && next.get().outputs().stream().skip(1).anyMatch(s -> !s.isEmpty())) {
            return out;
        }
        Node bn = next.get();
        float[][] ss = scaleShift(bn);
        if (ss == null || ss[0].length != rows) {
            return out;
        }
        int per = w.length / rows;
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < per; k++) {
                w[r * per + k] *= ss[0][r];
            }
            bias[r] = bias[r] * ss[0][r] + ss[1][r];
        }
        g.absorb(bn);
        op.layers.add(bn.name());
        g.notes.add("layer '" + bn.name() + "' (BatchNormalization) folded into '" + op.name + "'");
        return bn.output(0);
    }

    /** BatchNormalization as y = x * scale + shift, or null when its parameters are not constant. */
    float[][] scaleShift(Node bn) {
        float[][] p = new float[4][];
        for (int i = 0; i < 4; i++) {
            String name = g.resolve(bn.input(i + 1));
            p[i] = g.consts.isConstant(name) ? g.consts.floats(name) : null;
            if (p[i] == null) {
                return null;
            }
        }
        double eps = bn.attrFloat("epsilon", 1e-5);
        int c = p[0].length;
        float[] scale = new float[c];
        float[] shift = new float[c];
        for (int i = 0; i < c; i++) {
            double s = p[0][i] / Math.sqrt((double) p[3][i] + eps);
            scale[i] = (float) s;
            shift[i] = (float) (p[1][i] - p[2][i] * s);
        }
        return new float[][] {scale, shift};
    }

    void batchNorm(Node n) throws EdgewiseException {
        for (int i = 1; i < n.outputs().size(); i++) {
            if (!n.output(i).isEmpty()) {
                throw g.unsupported(n, "BatchNormalization in training mode (running mean/var outputs) is not supported");
            }
        }
        String x = g.input(n, 0);
        float[][] ss = scaleShift(n);
        if (ss == null) {
            throw g.unsupported(n, "BatchNormalization needs constant scale, B, mean and var");
        }
        LoweredOp op = new LoweredOp(KernelId.BATCHNORM, n.name());
        op.layers.add(n.name());
        op.inputs.add(x);
        op.weight = ss[0];
        op.weightLayout = Layout.LAYOUT_RAW;
        op.bias = ss[1];
        emitter().emit(op, n, g.fuseActivation(op, n.output(0)));
    }

    void gemm(Node n) throws EdgewiseException {
        String a = g.input(n, 0);
        long[] ad = g.tensor(a).dims;
        long[] bd = g.staticDims(g.resolve(n.input(1)), n);
        if (ad.length != 2 || bd.length != 2) {
            throw g.unsupported(n, "Gemm needs 2-D A and B");
        }
        if (n.attrInt("transA", 0) != 0) {
            a = transposed2d(n, a, ad);
            ad = new long[] {ad[1], ad[0]};
        }
        float[] b = constant(n, 1, "Gemm operand B");
        boolean transB = n.attrInt("transB", 0) != 0;
        int k = (int) ad[1];
        int outs = (int) (transB ? bd[0] : bd[1]);
        float[] w = transB ? b.clone() : transpose(b, k, outs);
        float alpha = (float) n.attrFloat("alpha", 1.0);
        for (int i = 0; i < w.length; i++) {
            w[i] *= alpha;
        }
        float[] bias = new float[outs];
        if (!has(n, 2)) {
            fullyConnected(n, a, w, bias, outs, n.output(0));
            return;
        }
        float[] c = constant(n, 2, "Gemm operand C");
        long[] cd = g.staticDims(g.resolve(n.input(2)), n);
        float beta = (float) n.attrFloat("beta", 1.0);
        boolean perColumn = c.length == outs && (cd.length < 2 || cd[0] == 1);
        if (c.length == 1 || perColumn) {
            for (int i = 0; i < outs; i++) {
                bias[i] = beta * (c.length == 1 ? c[0] : c[i]);
            }
            fullyConnected(n, a, w, bias, outs, n.output(0));
            return;
        }
        // a C that varies over rows: GEMM, then ADD of beta * C (broadcast by the runtime)
        LoweredTensor y = g.syntheticTensor(n.output(0) + ".ab", new long[] {ad[0], outs});
        LoweredOp op = fcOp(n, a, w, bias);
        op.outputs.add(y.name);
        g.ops.add(op);
        float[] scaled = c.clone();
        for (int i = 0; i < scaled.length; i++) {
            scaled[i] *= beta;
        }
        String cName = g.freshName(n.input(2) + ".beta");
        g.tensors.put(cName, new LoweredTensor(cName, cd, scaled, null));
        LoweredOp add = new LoweredOp(KernelId.ADD, n.name() + ".C");
        add.layers.add(n.name());
        add.inputs.add(y.name);
        add.inputs.add(cName);
        emitter().emit(add, n, g.fuseActivation(add, n.output(0)));
    }

    /** A TRANSPOSE op for Gemm's transA. */
    private String transposed2d(Node n, String a, long[] ad) {
        LoweredTensor t = g.syntheticTensor(a + ".T", new long[] {ad[1], ad[0]});
        LoweredOp op = new LoweredOp(KernelId.TRANSPOSE, n.name() + ".transA");
        op.layers.add(n.name());
        op.inputs.add(a);
        op.outputs.add(t.name);
        op.params = b -> b.setTranspose(TransposeParams.newBuilder().addPerm(1).addPerm(0));
        g.ops.add(op);
        return t.name;
    }

    void matmul(Node n) throws EdgewiseException {
        String a = g.input(n, 0);
        long[] ad = g.tensor(a).dims;
        long[] bd = g.staticDims(g.resolve(n.input(1)), n);
        if (bd.length != 2 || ad.length < 2) {
            throw g.unsupported(n, "MatMul is supported as a fully connected layer only (A of rank >= 2 times a "
                + "constant 2-D B)");
        }
        float[] b = constant(n, 1, "MatMul operand B");
        int k = (int) bd[0];
        int outs = (int) bd[1];
        float[] w = transpose(b, k, outs);
        if (ad.length == 2) {
            fullyConnected(n, a, w, new float[outs], outs, n.output(0));
            return;
        }
        long rows = g.tensor(a).elements() / k;
        String flat = g.freshName(a + ".rows");
        g.view(n.name(), a, flat, new long[] {rows, k});
        LoweredTensor y2 = g.syntheticTensor(n.output(0) + ".rows", new long[] {rows, outs});
        LoweredOp op = fcOp(n, flat, w, new float[outs]);
        op.outputs.add(y2.name);
        g.ops.add(op);
        g.view(n.name(), y2.name, n.output(0), g.staticDims(n.output(0), n));
    }

    private LoweredOp fcOp(Node n, String x, float[] w, float[] bias) {
        LoweredOp op = new LoweredOp(KernelId.GEMM, n.name());
        op.layers.add(n.name());
        op.inputs.add(x);
        op.weight = w;
        op.weightLayout = Layout.LAYOUT_OI;
        op.bias = bias;
        return op;
    }

    private void fullyConnected(Node n, String x, float[] w, float[] bias, int outs, String out) throws EdgewiseException {
        LoweredOp op = fcOp(n, x, w, bias);
        String y = foldBatchNorm(op, out, w, bias, outs);
        emitter().emit(op, n, g.fuseActivation(op, y));
    }

    private static float[] transpose(float[] b, int rows, int cols) {
        float[] t = new float[b.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = b[r * cols + c];
            }
        }
        return t;
    }

    void pool(Node n) throws EdgewiseException {
        boolean max = n.opType().equals("MaxPool");
        if (n.outputs().size() > 1 && !n.output(1).isEmpty()) {
            throw g.unsupported(n, "MaxPool with an Indices output is not supported");
        }
        String x = g.input(n, 0);
        long[] xd = g.tensor(x).dims;
        if (xd.length != 4) {
            throw g.unsupported(n, "only 2-D pooling (4-D NCHW input) is supported, input has rank " + xd.length);
        }
        long[] yd = g.staticDims(n.output(0), n);
        int[] k = ints(n.attrInts("kernel_shape"), 2, 1);
        int[] s = ints(n.attrInts("strides"), 2, 1);
        int[] d = ints(n.attrInts("dilations"), 2, 1);
        if (!max && (d[0] != 1 || d[1] != 1)) {
            throw g.unsupported(n, "AveragePool with dilations is not supported");
        }
        int[] pads = resolvePads(n, xd, yd, k, s, d);
        if (pads[0] >= k[0] || pads[2] >= k[0] || pads[1] >= k[1] || pads[3] >= k[1]) {
            throw g.unsupported(n, "pooling pads " + Arrays.toString(pads) + " not smaller than the kernel");
        }
        PoolParams.Builder p = PoolParams.newBuilder().addKernelShape(k[0]).addKernelShape(k[1]).addStrides(s[0])
            .addStrides(s[1]).setCeilMode(n.attrInt("ceil_mode", 0) != 0)
            .setCountIncludePad(n.attrInt("count_include_pad", 0) != 0);
        for (int v : pads) {
            p.addPads(v);
        }
        if (max) {
            p.addDilations(d[0]).addDilations(d[1]);
        }
        LoweredOp op = new LoweredOp(max ? KernelId.MAXPOOL : KernelId.AVGPOOL, n.name());
        op.layers.add(n.name());
        op.inputs.add(x);
        PoolParams built = p.build();
        op.params = b -> b.setPool(built);
        emitter().emit(op, n, n.output(0));
    }

    void globalPool(Node n, KernelId k) throws EdgewiseException {
        String x = g.input(n, 0);
        if (g.tensor(x).dims.length != 4) {
            throw g.unsupported(n, "global pooling is supported on 4-D NCHW tensors only");
        }
        LoweredOp op = new LoweredOp(k, n.name());
        op.layers.add(n.name());
        op.inputs.add(x);
        emitter().emit(op, n, n.output(0));
    }

    /** ReduceMean/ReduceMax over H and W of a 4-D tensor is global pooling (PyTorch's adaptive pool exports). */
    void reduceAsGlobalPool(Node n) throws EdgewiseException {
        String x = g.input(n, 0);
        long[] xd = g.tensor(x).dims;
        long[] axes = n.attribute("axes") != null ? n.attrInts("axes")
            : has(n, 1) ? emitter().constLongs(n, 1, "axes") : null;
        boolean spatial = xd.length == 4 && axes != null && axes.length == 2
            && Arrays.stream(axes).map(a -> a < 0 ? a + 4 : a).sorted().boxed().toList().equals(java.util.List.of(2L, 3L));
        if (!spatial) {
            throw g.unsupported(n, n.opType() + " is supported only over axes [2, 3] of a 4-D tensor (global pooling)");
        }
        KernelId k = n.opType().equals("ReduceMean") ? KernelId.GLOBALAVGPOOL : KernelId.GLOBALMAXPOOL;
        LoweredOp op = new LoweredOp(k, n.name());
        op.layers.add(n.name());
        op.inputs.add(x);
        if (n.attrInt("keepdims", 1) != 0) {
            emitter().emit(op, n, n.output(0));
            return;
        }
        LoweredTensor pooled = g.syntheticTensor(n.output(0) + ".4d", new long[] {xd[0], xd[1], 1, 1});
        op.outputs.add(pooled.name);
        g.ops.add(op);
        g.view(n.name(), pooled.name, n.output(0), g.staticDims(n.output(0), n));
    }

    /** Explicit pads [top, left, bottom, right] from pads or auto_pad (SAME_UPPER puts the odd one at the end). */
    int[] resolvePads(Node n, long[] xd, long[] yd, int[] k, int[] s, int[] d) throws EdgewiseException {
        String auto = n.attrString("auto_pad", "NOTSET");
        if (auto.equals("NOTSET")) {
            long[] p = n.attrInts("pads");
            return p == null || p.length == 0 ? new int[4] : new int[] {(int) p[0], (int) p[1], (int) p[2], (int) p[3]};
        }
        if (auto.equals("VALID")) {
            return new int[4];
        }
        int[] out = new int[4];
        for (int i = 0; i < 2; i++) {
            long total = Math.max(0, (yd[2 + i] - 1) * s[i] + (long) (k[i] - 1) * d[i] + 1 - xd[2 + i]);
            long small = total / 2;
            long big = total - small;
            boolean upper = auto.equals("SAME_UPPER");
            out[i] = (int) (upper ? small : big);
            out[i + 2] = (int) (upper ? big : small);
        }
        return out;
    }

    static int[] ints(long[] v, int n, int dflt) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = v == null || v.length == 0 ? dflt : (int) v[i];
        }
        return out;
    }
}
