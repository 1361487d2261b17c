package dev.edgewise.bridge.plan;

import dev.edgewise.bridge.plan.proto.Activation;
import dev.edgewise.bridge.plan.proto.ActivationKind;
import dev.edgewise.bridge.plan.proto.AxisParams;
import dev.edgewise.bridge.plan.proto.KernelId;
import dev.edgewise.bridge.plan.proto.LrnParams;
import dev.edgewise.bridge.plan.proto.PadMode;
import dev.edgewise.bridge.plan.proto.PadParams;
import dev.edgewise.bridge.plan.proto.TransposeParams;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Node;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/** ONNX node -> plan ops, one method per op family. Conv, Gemm and pooling are in {@link ConvTranslator}. */
final class OpTranslator {
    private static final Map<ActivationKind, KernelId> ACTIVATION_KERNELS = Map.of(
        ActivationKind.ACT_RELU, KernelId.RELU, ActivationKind.ACT_CLIP, KernelId.CLIP,
        ActivationKind.ACT_LEAKYRELU, KernelId.LEAKYRELU, ActivationKind.ACT_SIGMOID, KernelId.SIGMOID,
        ActivationKind.ACT_HARDSIGMOID, KernelId.HARDSIGMOID, ActivationKind.ACT_HARDSWISH, KernelId.HARDSWISH,
        ActivationKind.ACT_TANH, KernelId.TANH);

    private final GraphLowering g;
    private final ConvTranslator conv;

    OpTranslator(GraphLowering g) {
        this.g = g;
        this.conv = new ConvTranslator(g);
    }

    void translate(Node n) throws EdgewiseException {
        if (!n.isDefaultDomain() && !n.domain().equals("ai.onnx")) {
            throw g.unsupported(n, "ops of domain '" + n.domain() + "' are not supported by the runtime");
        }
        switch (n.opType()) {
            case "Conv" -> conv.conv(n);
            case "Gemm" -> conv.gemm(n);
            case "MatMul" -> conv.matmul(n);
            case "MaxPool", "AveragePool" -> conv.pool(n);
            case "GlobalAveragePool" -> conv.globalPool(n, KernelId.GLOBALAVGPOOL);
            case "GlobalMaxPool" -> conv.globalPool(n, KernelId.GLOBALMAXPOOL);
            case "ReduceMean", "ReduceMax" -> conv.reduceAsGlobalPool(n);
            case "BatchNormalization" -> conv.batchNorm(n);
            case "Add", "Mul", "Sub", "Div" -> binary(n);
            case "Concat" -> concat(n);
            case "Split" -> split(n);
            case "Slice" -> new SliceTranslator(g, this).slice(n);
            case "Softmax" -> softmax(n);
            case "LRN" -> lrn(n);
            case "Pad" -> pad(n);
            case "Transpose" -> transpose(n);
            case "Dropout", "Identity" -> passThrough(n);
            case "Cast" -> cast(n);
            case "Flatten", "Reshape", "Squeeze", "Unsqueeze" -> view(n);
            case "Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh" -> activation(n);
            default -> throw g.unsupported(n, "op " + n.opType() + " is not supported by the runtime (plan format 1)");
        }
    }

    private LoweredOp op(KernelId k, Node n) {
        LoweredOp op = new LoweredOp(k, n.name());
        op.layers.add(n.name());
        return op;
    }

    /** Registers the op's output tensor (after fusion) and appends the op. */
    void emit(LoweredOp op, Node producer, String... outputs) throws EdgewiseException {
        for (String o : outputs) {
            g.activation(o, producer);
            op.outputs.add(o);
        }
        g.ops.add(op);
    }

    private void binary(Node n) throws EdgewiseException {
        String a = g.input(n, 0);
        String b = g.input(n, 1);
        boolean sub = n.opType().equals("Sub");
        boolean div = n.opType().equals("Div");
        KernelId k = sub ? KernelId.ADD : div ? KernelId.MUL : KernelId.valueOf(n.opType().toUpperCase());
        if (sub || div) {
            LoweredTensor bt = g.tensor(b);
            if (!bt.isConstant()) {
                throw g.unsupported(n, n.opType() + " with a non-constant second operand is not supported "
                    + "(the runtime has ADD and MUL; constant operands are negated/inverted at compile time)");
            }
            float[] c = bt.constant.clone();
            for (int i = 0; i < c.length; i++) {
                c[i] = sub ? -c[i] : 1f / c[i];
            }
            String name = g.freshName(b + (sub ? ".neg" : ".recip"));
            g.tensors.put(name, new LoweredTensor(name, bt.dims, c, null));
            b = name;
        }
        LoweredOp op = op(k, n);
        op.inputs.add(a);
        op.inputs.add(b);
        emit(op, n, g.fuseActivation(op, n.output(0)));
    }

    private void concat(Node n) throws EdgewiseException {
        LoweredOp op = op(KernelId.CONCAT, n);
        for (int i = 0; i < n.inputs().size(); i++) {
            op.inputs.add(g.input(n, i));
        }
        int rank = g.staticDims(n.output(0), n).length;
        int axis = normalize(n.attrInt("axis", 0), rank);
        op.params = b -> b.setAxis(AxisParams.newBuilder().setAxis(axis));
        emit(op, n, n.output(0));
    }

    private void split(Node n) throws EdgewiseException {
        LoweredOp op = op(KernelId.SPLIT, n);
        op.inputs.add(g.input(n, 0));
        int rank = g.tensor(op.inputs.get(0)).dims.length;
        int axis = normalize(n.attrInt("axis", 0), rank);
        op.params = b -> b.setAxis(AxisParams.newBuilder().setAxis(axis));
        emit(op, n, n.outputs().toArray(new String[0]));
    }

    private void softmax(Node n) throws EdgewiseException {
        String x = g.input(n, 0);
        long[] dims = g.tensor(x).dims;
        int rank = dims.length;
        long opset = g.graph.metadata().defaultOpset();
        int axis = normalize(n.attrInt("axis", opset >= 13 ? -1 : 1), rank);
        boolean trailingOnes = true;
        for (int i = axis + 1; i < rank; i++) {
            trailingOnes &= dims[i] == 1;
        }
        if (opset >= 13 || trailingOnes) {
            LoweredOp op = op(KernelId.SOFTMAX, n);
            op.inputs.add(x);
            op.params = b -> b.setAxis(AxisParams.newBuilder().setAxis(axis));
            emit(op, n, n.output(0));
            return;
        }
        // opset < 13: softmax over the flattened dims [axis, rank): a view to 2-D, softmax, a view back
        long outer = 1;
        long inner = 1;
        for (int i = 0; i < rank; i++) {
            if (i < axis) {
                outer *= dims[i];
            } else {
                inner *= dims[i];
            }
        }
        String flat = g.freshName(n.output(0) + ".in2d");
        g.view(n.name(), x, flat, new long[] {outer, inner});
        LoweredTensor y2 = g.syntheticTensor(n.output(0) + ".out2d", new long[] {outer, inner});
        LoweredOp op = op(KernelId.SOFTMAX, n);
        op.inputs.add(flat);
        op.outputs.add(y2.name);
        op.params = b -> b.setAxis(AxisParams.newBuilder().setAxis(1));
        g.ops.add(op);
        g.view(n.name(), y2.name, n.output(0), g.staticDims(n.output(0), n));
    }

    private void lrn(Node n) throws EdgewiseException {
        LoweredOp op = op(KernelId.LRN, n);
        op.inputs.add(g.input(n, 0));
        if (g.tensor(op.inputs.get(0)).dims.length != 4) {
            throw g.unsupported(n, "LRN is supported on 4-D NCHW tensors only");
        }
        LrnParams p = LrnParams.newBuilder().setSize((int) n.attrInt("size", 1))
            .setAlpha((float) n.attrFloat("alpha", 1e-4)).setBeta((float) n.attrFloat("beta", 0.75))
            .setBias((float) n.attrFloat("bias", 1.0)).build();
        op.params = b -> b.setLrn(p);
        emit(op, n, n.output(0));
    }

    private void pad(Node n) throws EdgewiseException {
        String x = g.input(n, 0);
        int rank = g.tensor(x).dims.length;
        String mode = n.attrString("mode", "constant");
        PadMode pm = switch (mode) {
            case "constant" -> PadMode.PAD_CONSTANT;
            case "reflect" -> PadMode.PAD_REFLECT;
            case "edge" -> PadMode.PAD_EDGE;
            default -> throw g.unsupported(n, "Pad mode '" + mode + "' is not supported (constant, reflect, edge are)");
        };
        long[] pads = n.attribute("pads") != null ? n.attrInts("pads") : constLongs(n, 1, "pads");
        float value = (float) n.attrFloat("value", 0.0);
        if (n.hasInput(2) && !n.input(2).isEmpty()) {
            float[] v = g.consts.floats(g.resolve(n.input(2)));
            if (v == null || v.length != 1) {
                throw g.unsupported(n, "Pad needs a constant scalar constant_value");
            }
            value = v[0];
        }
        long[] full = pads;
        if (n.hasInput(3) && !n.input(3).isEmpty()) {
            long[] axes = constLongs(n, 3, "axes");
            full = new long[2 * rank];
            for (int i = 0; i < axes.length; i++) {
                int a = normalize(axes[i], rank);
                full[a] = pads[i];
                full[a + rank] = pads[i + axes.length];
            }
        }
        if (full.length != 2 * rank || Arrays.stream(full).anyMatch(p -> p < 0)) {
            throw g.unsupported(n, "Pad needs 2*rank non-negative pads (negative pads crop), got " + Arrays.toString(full));
        }
        PadParams.Builder p = PadParams.newBuilder().setMode(pm).setValue(value);
        for (long v : full) {
            p.addPads((int) v);
        }
        LoweredOp op = op(KernelId.PAD, n);
        op.inputs.add(x);
        PadParams built = p.build();
        op.params = b -> b.setPad(built);
        emit(op, n, n.output(0));
    }

    long[] constLongs(Node n, int input, String what) throws EdgewiseException {
        long[] v = n.hasInput(input) && !n.input(input).isEmpty() ? g.consts.longs(g.resolve(n.input(input))) : null;
        if (v == null) {
            throw g.unsupported(n, what + " must be a compile-time constant");
        }
        return v;
    }

    private void transpose(Node n) throws EdgewiseException {
        String x = g.input(n, 0);
        int rank = g.tensor(x).dims.length;
        long[] perm = n.attrInts("perm");
        if (perm == null || perm.length == 0) {
            perm = new long[rank];
            for (int i = 0; i < rank; i++) {
                perm[i] = rank - 1 - i;
            }
        }
        TransposeParams.Builder p = TransposeParams.newBuilder();
        for (long v : perm) {
            p.addPerm((int) v);
        }
        LoweredOp op = op(KernelId.TRANSPOSE, n);
        op.inputs.add(x);
        TransposeParams built = p.build();
        op.params = b -> b.setTranspose(built);
        emit(op, n, n.output(0));
    }

    private void passThrough(Node n) throws EdgewiseException {
        for (int i = 1; i < n.outputs().size(); i++) {
            if (!n.output(i).isEmpty() && !g.graph.consumers(n.output(i)).isEmpty() || g.isGraphOutput(n.output(i))) {
                throw g.unsupported(n, "the mask output of Dropout is used; only inference-mode Dropout is supported");
            }
        }
        if (n.opType().equals("Dropout") && n.hasInput(2) && !n.input(2).isEmpty()) {
            long[] training = g.consts.longs(g.resolve(n.input(2)));
            float[] ratio = n.hasInput(1) && !n.input(1).isEmpty() ? g.consts.floats(g.resolve(n.input(1))) : null;
            boolean zeroRatio = ratio != null && ratio.length == 1 && ratio[0] == 0f;
            if (!zeroRatio && (training == null || training.length != 1 || training[0] != 0)) {
                throw g.unsupported(n, "Dropout in training mode (random masking) is not supported; export in eval mode");
            }
        }
        g.input(n, 0);
        g.addAlias(n.output(0), n.input(0));
        g.notes.add("layer '" + n.name() + "' (" + n.opType() + ") dropped");
    }

    private void cast(Node n) throws EdgewiseException {
        long to = n.attrInt("to", 0);
        if (to != 1) {
            throw g.unsupported(n, "Cast to a type other than float32 (ONNX type " + to + ")");
        }
        String in = g.input(n, 0);
        if (g.tensor(in).isConstant()) {
            throw g.unsupported(n, "Cast of a constant that is not folded");
        }
        g.addAlias(n.output(0), in);
    }

    private void view(Node n) throws EdgewiseException {
        String x = g.input(n, 0);
        if (g.tensor(x).isConstant()) {
            throw g.unsupported(n, "a layout op over a constant that could not be folded");
        }
        g.view(n.name(), x, n.output(0), g.staticDims(n.output(0), n));
        g.notes.add("layer '" + n.name() + "' (" + n.opType() + ") is a view (no copy)");
    }

    private void activation(Node n) throws EdgewiseException {
        Optional<Activation> act = g.activationOf(n);
        if (act.isEmpty()) {
            throw g.unsupported(n, "Clip with non-constant bounds is not supported");
        }
        LoweredOp op = op(ACTIVATION_KERNELS.get(act.get().getKind()), n);
        op.inputs.add(g.input(n, 0));
        op.activation = act.get();
        emit(op, n, n.output(0));
    }

    static int normalize(long axis, int rank) {
        return (int) (axis < 0 ? axis + rank : axis);
    }
}
