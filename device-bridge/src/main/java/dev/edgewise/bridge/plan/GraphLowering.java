package dev.edgewise.bridge.plan;

import dev.edgewise.bridge.plan.proto.Activation;
import dev.edgewise.bridge.plan.proto.ActivationKind;
import dev.edgewise.bridge.plan.proto.KernelId;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a shape-inferred graph into plan ops over named tensors: constants are folded away,
 * BatchNormalization is folded into the producing Conv/Gemm, activations are fused into the
 * producing kernel, Dropout/Identity disappear and layout-only ops become views. The per-op
 * translations live in {@link OpTranslator}.
 */
final class GraphLowering {
    final Graph graph;
    final ConstantValues consts;
    final Map<String, LoweredTensor> tensors = new LinkedHashMap<>();
    final List<LoweredOp> ops = new ArrayList<>();
    final List<String> notes = new ArrayList<>();
    private final Map<String, String> alias = new HashMap<>();
    private final Set<Node> absorbed = new HashSet<>();
    private final Set<String> graphOutputs = new HashSet<>();
    private int synthetic;

    GraphLowering(Graph inferred) {
        this.graph = inferred;
        this.consts = new ConstantValues(inferred);
        inferred.outputs().forEach(o -> graphOutputs.add(o.name()));
    }

    void lower() throws EdgewiseException {
        for (TensorInfo in : graph.inputs()) {
            if (!graph.isInitializer(in.name())) {
                activation(in.name(), "graph input");
            }
        }
        OpTranslator translator = new OpTranslator(this);
        QuantTranslator quant = new QuantTranslator(this, translator);
        for (Node node : graph.nodes()) {
            if (absorbed.contains(node)) {
                continue;
            }
            if (allOutputsConstant(node)) {
                notes.add("layer '" + node.name() + "' (" + node.opType() + ") evaluated at compile time");
                continue;
            }
            if (quant.handles(node)) {
                quant.translate(node);
            } else {
                translator.translate(node);
            }
        }
    }

    private boolean allOutputsConstant(Node node) {
        for (String o : node.outputs()) {
            if (!o.isEmpty() && !consts.isConstant(o)) {
                return false;
            }
        }
        return !node.outputs().isEmpty();
    }

    /** The graph's output tensors after aliasing (Identity/Dropout outputs resolve to their source). */
    List<String> resolvedOutputs() {
        List<String> out = new ArrayList<>();
        for (TensorInfo o : graph.outputs()) {
            out.add(resolve(o.name()));
        }
        return out;
    }

    String resolve(String name) {
        String n = name;
        while (alias.containsKey(n)) {
            n = alias.get(n);
        }
        return n;
    }

    void addAlias(String from, String to) {
        alias.put(from, resolve(to));
    }

    boolean isGraphOutput(String name) {
        return graphOutputs.contains(name);
    }

    String label(Node n) {
        return "layer '" + n.name() + "' (" + n.opType() + ")";
    }

    EdgewiseException unsupported(Node n, String why) {
        return new EdgewiseException(ErrorCode.UNSUPPORTED, label(n) + ": " + why);
    }

    /** Static dims of a tensor, or an error naming the layer that produces or uses it. */
    long[] staticDims(String name, Node where) throws EdgewiseException {
        TensorInfo t = graph.tensor(name).orElse(null);
        if (t == null && graph.isInitializer(name)) {
            return graph.initializer(name).shape().toArray();
        }
        if (t == null || !t.shape().isStatic()) {
            Shape s = t == null ? Shape.unknownRank() : t.shape();
            String who = where == null ? "graph input" : label(where);
            throw new EdgewiseException(ErrorCode.INVALID_DIMENSION, who + ": tensor '" + name + "' has shape " + s
                + ", not static; bind the symbolic input dims (e.g. batch size) before compiling a plan");
        }
        return t.shape().toArray();
    }

    /** Registers (once) a runtime activation tensor: fp32 with a static shape. */
    LoweredTensor activation(String name, Node producer) throws EdgewiseException {
        LoweredTensor t = tensors.get(name);
        if (t != null) {
            return t;
        }
        return register(name, producer == null ? "graph input" : null, producer);
    }

    private LoweredTensor activation(String name, String what) throws EdgewiseException {
        return register(name, what, null);
    }

    private LoweredTensor register(String name, String what, Node producer) throws EdgewiseException {
        TensorInfo info = graph.tensor(name).orElse(null);
        if (info != null && info.dataType() != DataType.FLOAT) {
            String who = producer != null ? label(producer) : what;
            throw new EdgewiseException(ErrorCode.UNSUPPORTED, who + ": tensor '" + name + "' is "
                + info.dataType() + "; the runtime (plan format 1) computes in fp32 only");
        }
        long[] dims = staticDims(name, producer);
        for (long d : dims) {
            if (d < 1) {
                throw new EdgewiseException(ErrorCode.UNSUPPORTED, (producer != null ? label(producer) : what)
                    + ": tensor '" + name + "' has an empty dimension " + Shape.of(dims) + "; plans need dims >= 1");
            }
        }
        LoweredTensor t = new LoweredTensor(name, dims, null, null);
        tensors.put(name, t);
        return t;
    }

    /** Registers the uint8/int8 output of QUANTIZE or an int8 kernel. */
    LoweredTensor quantized(String name, dev.edgewise.bridge.plan.proto.DataType dtype, Node producer)
            throws EdgewiseException {
        LoweredTensor t = new LoweredTensor(name, staticDims(name, producer), null, null, dtype);
        tensors.put(name, t);
        return t;
    }

    /** Registers an fp32 output whatever the model's type (ConvInteger's exact int32 sums, below 2^24). */
    LoweredTensor activationAsFloat(String name, Node producer) throws EdgewiseException {
        LoweredTensor t = new LoweredTensor(name, staticDims(name, producer), null, null);
        tensors.put(name, t);
        return t;
    }

    /** An int8 tensor read by QUANTIZE's consumers: DEQUANTIZE and the int8 kernels. */
    String quantizedInput(Node node, String tensor) throws EdgewiseException {
        String name = resolve(tensor);
        LoweredTensor t = tensors.get(name);
        if (t == null || !t.isQuantized()) {
            throw unsupported(node, "input '" + name + "' must be a uint8/int8 tensor written by QuantizeLinear or an int8 "
                + "layer of the plan (graph inputs and constants are fp32)");
        }
        return name;
    }

    /** A tensor read by an op: an activation already produced, or a constant put into the plan. */
    String input(Node node, int i) throws EdgewiseException {
        String name = resolve(node.input(i));
        if (tensors.containsKey(name)) {
            if (tensors.get(name).isQuantized()) {
                throw unsupported(node, "input '" + name + "' is " + tensors.get(name).dtype + "; this op runs in fp32: "
                    + "dequantize first (only QLinear/int8 Conv, Gemm, MatMul and DequantizeLinear read int8 tensors)");
            }
            return name;
        }
        if (consts.isConstant(name)) {
            float[] data = consts.floats(name);
            long[] dims = staticDims(name, node);
            tensors.put(name, new LoweredTensor(name, dims, data, null));
            return name;
        }
        throw new EdgewiseException(ErrorCode.INTERNAL, label(node) + ": input '" + name + "' is used before it is produced");
    }

    LoweredTensor tensor(String name) {
        return tensors.get(name);
    }

    String freshName(String base) {
        return base + "#" + (++synthetic);
    }

    /** Adds a tensor of given dims that no model tensor corresponds to (between a view and its op). */
    LoweredTensor syntheticTensor(String base, long[] dims) {
        LoweredTensor t = new LoweredTensor(freshName(base), dims, null, null);
        tensors.put(t.name, t);
        return t;
    }

    /** Makes {@code out} a view of {@code in}: same bytes, other dims. */
    void view(String layer, String in, String out, long[] dims) {
        LoweredTensor src = tensors.get(in);
        String root = src.viewOf != null ? src.viewOf : src.name;
        LoweredTensor v = new LoweredTensor(out, dims, null, root);
        tensors.put(out, v);
        LoweredOp op = new LoweredOp(KernelId.RESHAPE_VIEW, layer);
        op.inputs.add(root);
        op.outputs.add(out);
        op.layers.add(layer);
        ops.add(op);
    }

    /** The one consumer of {@code tensor} when fusing into its producer is safe, else empty. */
    Optional<Node> soleConsumer(String tensor) {
        if (isGraphOutput(tensor)) {
            return Optional.empty();
        }
        List<Node> users = graph.consumers(tensor);
        if (users.size() != 1) {
            return Optional.empty();
        }
        Node u = users.get(0);
        long uses = u.inputs().stream().filter(tensor::equals).count();
        return uses == 1 && u.input(0).equals(tensor) ? Optional.of(u) : Optional.empty();
    }

    void absorb(Node n) {
        absorbed.add(n);
    }

    /** The activation a node computes, when it is one the runtime can fuse (constant Clip bounds). */
    Optional<Activation> activationOf(Node n) {
        Activation.Builder a = Activation.newBuilder();
        switch (n.opType()) {
            case "Relu" -> a.setKind(ActivationKind.ACT_RELU);
            case "Sigmoid" -> a.setKind(ActivationKind.ACT_SIGMOID);
            case "Tanh" -> a.setKind(ActivationKind.ACT_TANH);
            case "HardSwish" -> a.setKind(ActivationKind.ACT_HARDSWISH);
            case "LeakyRelu" -> a.setKind(ActivationKind.ACT_LEAKYRELU).setAlpha((float) n.attrFloat("alpha", 0.01));
            case "HardSigmoid" -> a.setKind(ActivationKind.ACT_HARDSIGMOID).setAlpha((float) n.attrFloat("alpha", 0.2))
                .setBeta((float) n.attrFloat("beta", 0.5));
            case "Clip" -> {
                float lo = -Float.MAX_VALUE;
                float hi = Float.MAX_VALUE;
                if (n.attribute("min") != null || n.attribute("max") != null) {
                    lo = (float) n.attrFloat("min", lo);
                    hi = (float) n.attrFloat("max", hi);
                }
                for (int i = 1; i <= 2; i++) {
                    if (n.hasInput(i) && !n.input(i).isEmpty()) {
                        float[] v = consts.floats(resolve(n.input(i)));
                        if (v == null || v.length != 1) {
                            return Optional.empty();
                        }
                        if (i == 1) {
                            lo = v[0];
                        } else {
                            hi = v[0];
                        }
                    }
                }
                a.setKind(ActivationKind.ACT_CLIP).setAlpha(lo).setBeta(hi);
            }
            default -> {
                return Optional.empty();
            }
        }
        return Optional.of(a.build());
    }

    /**
     * Fuses a following activation into {@code op} when it is the sole consumer of the op's output;
     * returns the name of the tensor the fused op now writes.
     */
    String fuseActivation(LoweredOp op, String out) {
        Optional<Node> next = soleConsumer(out);
        if (next.isEmpty()) {
            return out;
        }
        Optional<Activation> act = activationOf(next.get());
        if (act.isEmpty() || next.get().outputs().size() != 1) {
            return out;
        }
        absorb(next.get());
        op.activation = act.get();
        op.layers.add(next.get().name());
        notes.add("layer '" + next.get().name() + "' (" + next.get().opType() + ") fused into '" + op.name + "'");
        return next.get().output(0);
    }
}
