package dev.edgewise.core.analysis.cost;

import dev.edgewise.core.analysis.LayerCost;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Costs one node: parameters, MACs/FLOPs through its counter, bytes moved and the energy estimate. */
final class LayerCoster {
    static final String UNKNOWN_CATEGORY = "other";

    /** A layer's cost plus the constant tensors counted as its parameters (for de-duplicated totals). */
    record Result(LayerCost cost, Map<String, TensorData> weights, Optional<String> warning) {
    }

    private final TensorLookup tensors;
    private final OpMetadata metadata;
    private final EnergyModel energy;

    LayerCoster(TensorLookup tensors, OpMetadata metadata, EnergyModel energy) {
        this.tensors = tensors;
        this.metadata = metadata;
        this.energy = energy;
    }

    Result cost(Node node) {
        OpInfo info = metadata.lookup(node).orElse(null);
        if (tensors.isFolded(node)) {
            return folded(node, info);
        }
        Map<String, TensorData> weights = weights(node, info);
        long params = 0;
        long weightBytes = 0;
        for (TensorData w : weights.values()) {
            params += w.numElements();
            weightBytes += w.byteSize();
        }
        List<String> notes = new ArrayList<>();
        Counts counts = Counts.ZERO;
        boolean resolved = true;
        Optional<String> warning = Optional.empty();
        if (info == null) {
            resolved = false;
            warning = Optional.of(unknownOpWarning(node));
            notes.add("op unknown to the cost model: MACs and FLOPs counted as zero"
                    + (params > 0 ? ", its constant inputs still count as parameters" : ""));
        } else {
            try {
                counts = metadata.counterFor(info).count(new LayerContext(node, info, tensors));
            } catch (UnresolvedException e) {
                resolved = false;
                notes.add("MACs and FLOPs counted as zero: " + e.getMessage()
                        + (params > 0 ? "; parameters still counted" : ""));
            }
        }
        Bytes bytes = bytes(node, notes);
        if (bytes.unknownOutputs) {
            resolved = false;
        }
        long moved = bytes.read + bytes.written;
        double intensity = moved > 0 ? (double) counts.flops() / moved : 0.0;
        double energyUj = energy.layerEnergyUj(energy.precisionOf(precisionType(node)), counts.macs(),
                counts.flops(), bytes.constantRead, bytes.activationRead + bytes.activationWritten);
        LayerCost cost = new LayerCost(node.name(), node.opType(), node.domain(),
                info == null ? UNKNOWN_CATEGORY : info.category(), node.inputs(), node.outputs(),
                outputShapes(node), params, counts.macs(), counts.flops(), weightBytes, bytes.written,
                intensity, energyUj, resolved, String.join("; ", notes));
        return new Result(cost, weights, warning);
    }

    /** Every input constant: computed once at load time, so no parameters, FLOPs or energy per inference. */
    private Result folded(Node node, OpInfo info) {
        List<String> notes = new ArrayList<>();
        Bytes bytes = bytes(node, notes);
        notes.add(0, "constant-folded (all inputs constant): computed once at load, its weights count where they are used");
        LayerCost cost = new LayerCost(node.name(), node.opType(), node.domain(),
                info == null ? UNKNOWN_CATEGORY : info.category(), node.inputs(), node.outputs(), outputShapes(node),
                0, 0, 0, 0, bytes.written, 0.0, 0.0, !bytes.unknownOutputs, String.join("; ", notes));
        return new Result(cost, Map.of(), info == null ? Optional.of(unknownOpWarning(node)) : Optional.empty());
    }

    private static String unknownOpWarning(Node node) {
        return "layer '" + node.name() + "': op " + OpMetadata.key(node) + " unknown to the cost model, counted as zero";
    }

    /**
     * Constants read at the metadata's weight positions (any input of an unknown op), traced back
     * through constant-folded nodes to their initializers: a weight that an export transposes or
     * dequantizes at run time counts where it is used (the MatMul, the Conv).
     */
    private Map<String, TensorData> weights(Node node, OpInfo info) {
        Map<String, TensorData> out = new LinkedHashMap<>();
        List<String> inputs = node.inputs();
        for (int i = 0; i < inputs.size(); i++) {
            String in = inputs.get(i);
            if (in.isEmpty() || (info != null && !info.isWeightInput(i))) {
                continue;
            }
            for (TensorData source : tensors.parameterSources(in)) {
                out.putIfAbsent(source.name(), source);
            }
        }
        return out;
    }

    private static final class Bytes {
        long read;
        long written;
        long constantRead;
        long activationRead;
        long activationWritten;
        boolean unknownOutputs;
    }

    /** Bytes read (each distinct input once) and written; unknown sizes are left out and noted. */
    /**
     * Bytes of a constant as stored (what a device reads from memory): an int8 weight dequantized
     * or transposed by folded nodes is read as its int8 initializer, not as the float it becomes.
     */
    private long storedBytes(String constant, long foldedSize) {
        List<TensorData> sources = tensors.parameterSources(constant);
        if (sources.isEmpty()) {
            return foldedSize;
        }
        long stored = 0;
        for (TensorData t : sources) {
            stored += t.byteSize();
        }
        return stored;
    }

    private Bytes bytes(Node node, List<String> notes) {
        Bytes b = new Bytes();
        Set<String> seen = new HashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String in : node.inputs()) {
            if (in.isEmpty() || !seen.add(in)) {
                continue;
            }
            long size = tensors.byteSize(in);
            if (size < 0) {
                unknown.add(in);
            } else if (tensors.isConstant(in)) {
                b.constantRead += storedBytes(in, size);
            } else {
                b.activationRead += size;
            }
        }
        b.read = b.constantRead + b.activationRead;
        for (String out : node.outputs()) {
            if (out.isEmpty()) {
                continue;
            }
            long size = tensors.byteSize(out);
            if (size < 0) {
                unknown.add(out);
                b.unknownOutputs = true;
            } else {
                b.written += size;
                if (!tensors.isConstant(out)) {
                    b.activationWritten += size;
                }
            }
        }
        if (!unknown.isEmpty()) {
            notes.add("size of " + String.join(", ", unknown.stream().map(t -> "'" + t + "'").toList())
                    + " unknown, left out of bytes");
        }
        return b;
    }

    private List<Shape> outputShapes(Node node) {
        List<Shape> shapes = new ArrayList<>(node.outputs().size());
        for (String out : node.outputs()) {
            TensorInfo t = out.isEmpty() ? null : tensors.info(out);
            shapes.add(t == null ? Shape.unknownRank() : t.shape());
        }
        return shapes;
    }

    /** The element type of the first input whose type is known, else of the first output. */
    /**
     * The element type the layer computes in. A float input produced by DequantizeLinear is the
     * QDQ spelling of an integer layer (what a runtime fuses into an int8 kernel): its precision
     * is the quantized type, not float.
     */
    private DataType precisionType(Node node) {
        for (String in : node.inputs()) {
            Node producer = in.isEmpty() ? null : tensors.graph().producer(in).orElse(null);
            if (producer != null && producer.isDefaultDomain() && producer.opType().equals("DequantizeLinear")) {
                TensorInfo q = tensors.info(producer.input(0));
                if (q != null && q.dataType().isInteger()) {
                    return q.dataType();
                }
            }
            TensorInfo t = in.isEmpty() ? null : tensors.info(in);
            if (t != null && t.dataType() != DataType.UNDEFINED) {
                return t.dataType();
            }
        }
        TensorInfo out = node.outputs().isEmpty() ? null : tensors.info(node.output(0));
        return out == null ? DataType.UNDEFINED : out.dataType();
    }
}
