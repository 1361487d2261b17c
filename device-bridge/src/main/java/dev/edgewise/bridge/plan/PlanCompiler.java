package dev.edgewise.bridge.plan;

import com.google.protobuf.ByteString;
import dev.edgewise.bridge.plan.proto.Blob;
import dev.edgewise.bridge.plan.proto.BlobRef;
import dev.edgewise.bridge.plan.proto.DataType;
import dev.edgewise.bridge.plan.proto.KernelId;
import dev.edgewise.bridge.plan.proto.Layout;
import dev.edgewise.bridge.plan.proto.Op;
import dev.edgewise.bridge.plan.proto.Plan;
import dev.edgewise.bridge.plan.proto.Storage;
import dev.edgewise.bridge.plan.proto.Tensor;
import dev.edgewise.core.analysis.ShapeInference;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compiles an IR graph into an execution plan for the device runtime (format: docs/plan-format.md).
 * Weights go into the plan in the canonical layouts (OIHW for conv, OI for fully connected) and
 * the runtime packs them once when it loads the plan; see docs/plan-compiler.md.
 */
public final class PlanCompiler {
    public static final String VERSION = "edgewise-plan 0.1.0";
    static final int MAGIC = 0x4C505745;

    private PlanCompiler() {
    }

    public static CompiledPlan compile(Graph graph, CompileOptions options) throws EdgewiseException {
        CompileOptions opts = options == null ? CompileOptions.DEFAULT : options;
        Graph inferred = ShapeInference.infer(graph, opts.bindings()).graph();
        GraphLowering lowering = new GraphLowering(inferred);
        lowering.lower();
        List<String> inputs = new ArrayList<>();
        for (TensorInfo in : inferred.inputs()) {
            if (!inferred.isInitializer(in.name())) {
                inputs.add(in.name());
            }
        }
        List<String> outputs = distinctOutputs(lowering, inputs);
        for (String o : outputs) {
            if (lowering.tensor(o).isQuantized()) {
                throw new EdgewiseException(ErrorCode.UNSUPPORTED, "graph output '" + o + "' is " + lowering.tensor(o).dtype
                    + "; plan outputs are fp32 (end the model with DequantizeLinear)");
            }
        }
        List<LayerDecision> decisions = chooseKernels(lowering.ops, opts);
        MemoryPlanner.Result mem = MemoryPlanner.plan(lowering.tensors, lowering.ops, inputs, outputs);
        Plan plan = emit(lowering, inputs, outputs, mem, opts, graph.name());
        return new CompiledPlan(plan, decisions, mem.arenaSize(), mem.lowerBound(), lowering.notes);
    }

    /**
     * Graph outputs must be arena tensors written by an op and distinct; an output that is a graph
     * input, a constant or a second name for another output gets a copy op (RESHAPE_VIEW to its own bytes).
     */
    private static List<String> distinctOutputs(GraphLowering g, List<String> inputs) throws EdgewiseException {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        List<String> resolved = g.resolvedOutputs();
        for (int i = 0; i < resolved.size(); i++) {
            String t = resolved.get(i);
            String declared = g.graph.outputs().get(i).name();
            if (!g.tensors.containsKey(t)) {
                if (!g.consts.isConstant(t)) {
                    throw new EdgewiseException(ErrorCode.INTERNAL, "graph output '" + declared + "' is produced by no op");
                }
                g.tensors.put(t, new LoweredTensor(t, g.staticDims(t, null), g.consts.floats(t), null));
            }
            LoweredTensor lt = g.tensor(t);
            if (lt.isConstant() || inputs.contains(t) || lt.viewOf != null && inputs.contains(lt.viewOf) || !seen.add(t)) {
                LoweredTensor copy = g.syntheticTensor(declared + ".copy", lt.dims);
                LoweredOp op = new LoweredOp(KernelId.RESHAPE_VIEW, "copy of " + declared);
                op.layers.add(op.name);
                op.inputs.add(t);
                op.outputs.add(copy.name);
                g.ops.add(op);
                t = copy.name;
            }
            out.add(t);
        }
        return out;
    }

    private static List<LayerDecision> chooseKernels(List<LoweredOp> ops, CompileOptions opts) throws EdgewiseException {
        Set<String> convLayers = new HashSet<>();
        List<LayerDecision> decisions = new ArrayList<>();
        for (LoweredOp op : ops) {
            if (op.conv == null && op.kernel == KernelId.GEMM && op.weight != null) {
                convLayers.add(op.name);
                op.decision = decideGemm(op, opts);
                op.kernel = op.decision.kernel();
                decisions.add(op.decision);
                continue;
            }
            if (op.conv == null) {
                if (!op.isView()) {
                    decisions.add(new LayerDecision(op.name, op.layers, op.kernel, List.of(op.kernel),
                        LayerDecision.Source.FIXED, "the only kernel for " + op.kernel));
                }
                continue;
            }
            convLayers.add(op.name);
            op.decision = decideConv(op, opts);
            op.kernel = op.decision.kernel();
            decisions.add(op.decision);
        }
        for (String layer : opts.kernelOverrides().keySet()) {
            if (!convLayers.contains(layer)) {
                throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, "kernel override for '" + layer
                    + "': no convolution or fully-connected layer of that name in the plan (overrides apply to Conv, Gemm "
                    + "and MatMul layers by node name)");
            }
        }
        return decisions;
    }

    private static LayerDecision decideGemm(LoweredOp op, CompileOptions opts) throws EdgewiseException {
        List<KernelId> candidates = List.of(KernelId.GEMM, KernelId.GEMM_CSR);
        KernelId forced = opts.kernelOverrides().get(op.name);
        if (forced != null) {
            if (!candidates.contains(forced)) {
                throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, "layer '" + op.name + "' (fully connected): kernel " + forced
                    + " cannot run it; candidates: " + candidates);
            }
            return new LayerDecision(op.name, op.layers, forced, candidates, LayerDecision.Source.OVERRIDE, "forced by the caller");
        }
        Optional<LayerDecision> sparse = SparseKernels.decide(op, KernelId.GEMM_CSR, candidates, opts);
        if (sparse.isPresent()) {
            return sparse.get();
        }
        Optional<Map.Entry<KernelId, Double>> measured = opts.autotune().fastest(op.name,
            opts.sparse() == CompileOptions.SparsePolicy.NEVER ? List.of(KernelId.GEMM) : candidates);
        if (measured.isPresent()) {
            return new LayerDecision(op.name, op.layers, measured.get().getKey(), candidates, LayerDecision.Source.AUTOTUNE,
                String.format("fastest measured on %s: %.3f ms", opts.autotune().device(), measured.get().getValue()));
        }
        return new LayerDecision(op.name, op.layers, KernelId.GEMM, candidates, LayerDecision.Source.HEURISTIC,
            String.format(java.util.Locale.ROOT, "dense: %.1f%% zeros (sparse %s)", 100 * WeightEncoding.sparsity(op.weight),
                opts.sparse() == CompileOptions.SparsePolicy.NEVER ? "disabled"
                    : String.format(java.util.Locale.ROOT, "from %.0f%%", 100 * opts.sparseThreshold())));
    }

    private static LayerDecision decideConv(LoweredOp op, CompileOptions opts) throws EdgewiseException {
        List<KernelId> candidates = new ArrayList<>(ConvKernelChooser.candidates(op.conv));
        Optional<KernelId> sparseTwin = SparseKernels.sparseTwin(op.kernel, op.conv);
        sparseTwin.ifPresent(candidates::add);
        KernelId forced = opts.kernelOverrides().get(op.name);
        if (forced != null) {
            if (!candidates.contains(forced)) {
                throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, "layer '" + op.name + "' (" + op.conv.describe()
                    + "): kernel " + forced + " cannot run it; candidates: " + candidates);
            }
            return new LayerDecision(op.name, op.layers, forced, candidates, LayerDecision.Source.OVERRIDE,
                "forced by the caller");
        }
        if (sparseTwin.isPresent()) {
            Optional<LayerDecision> sparse = SparseKernels.decide(op, sparseTwin.get(), candidates, opts);
            if (sparse.isPresent()) {
                return sparse.get();
            }
        }
        List<KernelId> tunable = opts.sparse() == CompileOptions.SparsePolicy.NEVER
            ? candidates.stream().filter(k -> !SparseKernels.isSparse(k)).toList() : candidates;
        Optional<Map.Entry<KernelId, Double>> measured = opts.autotune().fastest(op.name, tunable);
        if (measured.isPresent()) {
            return new LayerDecision(op.name, op.layers, measured.get().getKey(), candidates, LayerDecision.Source.AUTOTUNE,
                String.format("fastest measured on %s: %.3f ms", opts.autotune().device(), measured.get().getValue()));
        }
        ConvKernelChooser.Choice c = ConvKernelChooser.heuristic(op.conv);
        return new LayerDecision(op.name, op.layers, c.kernel(), candidates, LayerDecision.Source.HEURISTIC, c.reason());
    }

    private static Plan emit(GraphLowering g, List<String> inputs, List<String> outputs, MemoryPlanner.Result mem,
                             CompileOptions opts, String graphName) {
        Plan.Builder p = Plan.newBuilder().setMagic(MAGIC).setFormatVersion(1).setCompilerVersion(VERSION)
            .setModelName(opts.modelName() != null ? opts.modelName() : graphName == null ? "" : graphName)
            .setArenaSize(Math.max(16, mem.arenaSize())).setArenaLowerBound(mem.lowerBound());
        if (opts.modelSha256() != null) {
            p.setModelSha256(ByteString.copyFrom(opts.modelSha256()));
        }
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (LoweredOp op : g.ops) {
            op.inputs.forEach(t -> tensorId(p, g.tensor(t), ids));
            op.outputs.forEach(t -> tensorId(p, g.tensor(t), ids));
        }
        inputs.forEach(t -> p.addInputs(tensorId(p, g.tensor(t), ids)));
        outputs.forEach(t -> p.addOutputs(tensorId(p, g.tensor(t), ids)));
        for (LoweredOp op : g.ops) {
            Op.Builder b = Op.newBuilder().setKernel(op.kernel).setName(op.name);
            op.inputs.forEach(t -> b.addInputs(ids.get(t)));
            op.outputs.forEach(t -> b.addOutputs(ids.get(t)));
            if (op.weight != null) {
                b.setWeight(BlobRef.newBuilder().setIndex(weightBlob(p, g, op, opts.f16Weights())));
            }
            if (opts.f16Arithmetic() && F16_ARITHMETIC_KERNELS.contains(op.kernel)) {
                b.setAllowF16Arithmetic(true);
            }
            if (op.weightS8 != null) {
                b.setWeight(BlobRef.newBuilder().setIndex(blob(p, op.name + ".weight", DataType.DT_I8, op.weightLayout,
                    op.weightS8)));
            }
            if (op.bias != null) {
                b.setBias(BlobRef.newBuilder().setIndex(blob(p, op.name + ".bias", op.bias, Layout.LAYOUT_RAW)));
            }
            if (op.biasI32 != null) {
                ByteBuffer bb = ByteBuffer.allocate(op.biasI32.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                bb.asIntBuffer().put(op.biasI32);
                b.setBias(BlobRef.newBuilder().setIndex(blob(p, op.name + ".bias", DataType.DT_I32, Layout.LAYOUT_RAW,
                    bb.array())));
            }
            if (op.quant != null) {
                b.setQuant(op.quant);
            }
            if (op.activation != null) {
                b.setActivation(op.activation);
            }
            op.params.accept(b);
            p.addOps(b);
        }
        return p.build();
    }

    private static int tensorId(Plan.Builder p, LoweredTensor t, Map<String, Integer> ids) {
        Integer id = ids.get(t.name);
        if (id != null) {
            return id;
        }
        int newId = p.getTensorsCount();
        Tensor.Builder tb = Tensor.newBuilder().setId(newId).setName(t.name).setDtype(t.dtype).setByteSize(t.bytes());
        for (long d : t.dims) {
            tb.addDims((int) d);
        }
        if (t.isConstant()) {
            tb.setStorage(Storage.STORAGE_CONSTANT).setBlobIndex(blob(p, t.name, t.constant, Layout.LAYOUT_RAW));
        } else {
            tb.setStorage(Storage.STORAGE_ARENA).setArenaOffset(t.offset);
        }
        p.addTensors(tb);
        ids.put(t.name, newId);
        return newId;
    }

    /** Kernels with an fp16-arithmetic path in the runtime (plan-format.md "fp16 arithmetic"). */
    private static final Set<KernelId> F16_ARITHMETIC_KERNELS =
        Set.of(KernelId.GEMM, KernelId.CONV1X1_SGEMM, KernelId.CONV_IM2COL_SGEMM);

    /** Conv/FC weights: fp32 or fp16, dense canonical or CSR for the sparse kernels; other blobs stay fp32. */
    private static int weightBlob(Plan.Builder p, GraphLowering g, LoweredOp op, boolean f16Weights) {
        boolean canonical = op.weightLayout == Layout.LAYOUT_OIHW || op.weightLayout == Layout.LAYOUT_OI;
        if (!canonical) {
            return blob(p, op.name + ".weight", op.weight, op.weightLayout);
        }
        boolean f16 = f16Weights;
        Blob.Builder bb = Blob.newBuilder().setName(op.name + ".weight").setDtype(f16 ? DataType.DT_F16 : DataType.DT_F32);
        if (SparseKernels.isSparse(op.kernel)) {
            int rows = (int) g.tensor(op.outputs.get(0)).dims[1];
            bb.setLayout(Layout.LAYOUT_CSR).setData(WeightEncoding.csr(op.weight, rows, f16));
        } else {
            bb.setLayout(op.weightLayout).setData(WeightEncoding.dense(op.weight, f16));
        }
        p.addBlobs(bb);
        return p.getBlobsCount() - 1;
    }

    private static int blob(Plan.Builder p, String name, float[] data, Layout layout) {
        ByteBuffer bb = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(data);
        return blob(p, name, DataType.DT_F32, layout, bb.array());
    }

    private static int blob(Plan.Builder p, String name, DataType dtype, Layout layout, byte[] littleEndian) {
        p.addBlobs(Blob.newBuilder().setName(name).setDtype(dtype).setLayout(layout).setData(ByteString.copyFrom(littleEndian)));
        return p.getBlobsCount() - 1;
    }
}
