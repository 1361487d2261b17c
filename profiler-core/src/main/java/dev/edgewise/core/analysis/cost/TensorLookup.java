package dev.edgewise.core.analysis.cost;

import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Types, shapes and constant values of a graph's tensors. Constants are initializers, values of
 * {@code Constant} nodes, and the outputs of constant-foldable nodes (every input constant, e.g. a
 * weight transposed or dequantized at run time): a runtime computes those once at load, so they
 * are weights rather than activations, and their parameters are the initializers they came from
 * through the folded ops' weight positions (a DequantizeLinear passes on its int8 weight, not its
 * scale and zero point).
 * Only sizes are ever read from a constant, never its bytes.
 */
final class TensorLookup {
    private final Graph graph;
    private final Map<String, TensorData> constantNodeValues = new HashMap<>();
    /** Folded (and Constant-node) outputs, with the constant tensors they are computed from. */
    private final Map<String, List<TensorData>> folded = new HashMap<>();
    private final Set<Node> foldedNodes = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<String, Entry> cache = new HashMap<>();

    TensorLookup(Graph graph, OpMetadata metadata) {
        this.graph = graph;
        for (Node n : graph.nodes()) {
            if (n.isDefaultDomain() && n.opType().equals("Constant")) {
                Attribute value = n.attribute("value");
                if (value != null && value.kind() == Attribute.Kind.TENSOR && !n.output(0).isEmpty()) {
                    constantNodeValues.put(n.output(0), value.asTensor());
                } else if (!n.output(0).isEmpty()) {
                    folded.put(n.output(0), List.of());
                }
            } else if (isFoldable(n)) {
                foldedNodes.add(n);
                OpInfo info = metadata.lookup(n).orElse(null);
                Set<TensorData> sources = new LinkedHashSet<>();
                for (int i = 0; i < n.inputs().size(); i++) {
                    if (!n.input(i).isEmpty() && (info == null || info.isWeightInput(i))) {
                        sources.addAll(sourcesOf(n.input(i)));
                    }
                }
                List<TensorData> list = List.copyOf(sources);
                n.outputs().stream().filter(o -> !o.isEmpty()).forEach(o -> folded.put(o, list));
            }
        }
    }

    /** Every input is a constant and the op is deterministic. */
    private boolean isFoldable(Node n) {
        if (n.opType().startsWith("Random") || n.opType().equals("Bernoulli") || n.opType().equals("Multinomial")) {
            return false;
        }
        boolean any = false;
        for (String in : n.inputs()) {
            if (in.isEmpty()) {
                continue;
            }
            if (!isConstant(in)) {
                return false;
            }
            any = true;
        }
        return any;
    }

    Graph graph() {
        return graph;
    }

    boolean isFolded(Node node) {
        return foldedNodes.contains(node);
    }

    /** The stored constant tensor of this name (initializer or Constant value), else null. */
    TensorData constant(String name) {
        TensorData t = graph.initializer(name);
        return t != null ? t : constantNodeValues.get(name);
    }

    boolean isConstant(String name) {
        return graph.isInitializer(name) || constantNodeValues.containsKey(name) || folded.containsKey(name);
    }

    private List<TensorData> sourcesOf(String name) {
        TensorData c = constant(name);
        if (c != null) {
            return List.of(c);
        }
        return folded.getOrDefault(name, List.of());
    }

    /**
     * The tensors that count as parameters when {@code name} is read at a weight position: the
     * initializers (and Constant tensors of more than one value: a one-value Constant is a literal
     * such as GELU's 0.5) it is or is folded from. INT64 constants are indices and shapes in ONNX
     * practice, never learned values, so never parameters.
     */
    List<TensorData> parameterSources(String name) {
        List<TensorData> out = new ArrayList<>(1);
        for (TensorData t : sourcesOf(name)) {
            boolean stored = graph.initializer(t.name()) == t || t.numElements() > 1;
            if (stored && t.dataType() != DataType.INT64) {
                out.add(t);
            }
        }
        return out;
    }

    /** Best known type and shape, preferring a static shape from value info, else the constant's. */
    TensorInfo info(String name) {
        return entry(name).info;
    }

    /** The static shape, or null when the shape is unknown or symbolic. */
    long[] staticShape(String name) {
        return entry(name).shape;
    }

    /** Bytes of the tensor, or -1 when its shape or element type is not known. */
    long byteSize(String name) {
        return entry(name).bytes;
    }

    /** Every layer asks about its inputs and outputs several times: resolve each tensor once. */
    private Entry entry(String name) {
        Entry e = cache.get(name);
        if (e == null) {
            e = resolve(name);
            cache.put(name, e);
        }
        return e;
    }

    private Entry resolve(String name) {
        TensorInfo t = graph.tensor(name).orElse(null);
        TensorData c = constant(name);
        boolean usable = t != null && t.shape().isStatic() && t.dataType().bits() > 0;
        if (!usable && constantNodeValues.containsKey(name)) {
            t = new TensorInfo(name, c.dataType(), c.shape());
        }
        long[] shape = t != null && t.shape().isStatic() ? t.shape().toArray() : null;
        long bytes = c != null ? c.byteSize() : t == null ? -1 : t.byteSize();
        return new Entry(t, shape, bytes);
    }

    private record Entry(TensorInfo info, long[] shape, long bytes) {
    }
}
