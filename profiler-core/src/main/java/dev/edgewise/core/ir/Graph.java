package dev.edgewise.core.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable model graph: nodes in topological order, named tensors with type and shape,
 * constant initializers, graph inputs and outputs, and where the model came from. Built by
 * {@link GraphBuilder}; passes return new graphs.
 */
public final class Graph {
    private final String name;
    private final List<Node> nodes;
    private final List<TensorInfo> inputs;
    private final List<TensorInfo> outputs;
    private final Map<String, TensorData> initializers;
    private final Map<String, TensorInfo> valueInfo;
    private final ModelMetadata metadata;
    private final List<String> warnings;
    private volatile Index index;

    Graph(String name, List<Node> nodes, List<TensorInfo> inputs, List<TensorInfo> outputs,
          Map<String, TensorData> initializers, Map<String, TensorInfo> valueInfo, ModelMetadata metadata,
          List<String> warnings) {
        this.name = name;
        this.nodes = List.copyOf(nodes);
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.initializers = Collections.unmodifiableMap(new LinkedHashMap<>(initializers));
        this.valueInfo = Collections.unmodifiableMap(new LinkedHashMap<>(valueInfo));
        this.metadata = metadata;
        this.warnings = List.copyOf(warnings);
    }

    public String name() {
        return name;
    }

    /** Nodes in a topological order (the file's order whenever that order was already valid). */
    public List<Node> nodes() {
        return nodes;
    }

    /** Graph inputs fed at run time; initializers are not listed here even if the file lists them. */
    public List<TensorInfo> inputs() {
        return inputs;
    }

    public List<TensorInfo> outputs() {
        return outputs;
    }

    public Map<String, TensorData> initializers() {
        return initializers;
    }

    /** Type and shape of intermediate tensors, as far as they are known. */
    public Map<String, TensorInfo> valueInfo() {
        return valueInfo;
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    /** Warnings raised while building this graph (unknown domains, dropped constructs, ...). */
    public List<String> warnings() {
        return warnings;
    }

    public boolean isInitializer(String tensor) {
        return initializers.containsKey(tensor);
    }

    public TensorData initializer(String tensor) {
        return initializers.get(tensor);
    }

    /** The best known description of a tensor: value info, graph input/output or initializer. */
    public Optional<TensorInfo> tensor(String tensorName) {
        return Optional.ofNullable(index().tensors.get(tensorName));
    }

    public Optional<Node> producer(String tensorName) {
        return Optional.ofNullable(index().producers.get(tensorName));
    }

    public List<Node> consumers(String tensorName) {
        return index().consumers.getOrDefault(tensorName, List.of());
    }

    public Optional<Node> node(String nodeName) {
        return Optional.ofNullable(index().byName.get(nodeName));
    }

    public GraphBuilder toBuilder() {
        return GraphBuilder.from(this);
    }

    private Index index() {
        Index i = index;
        if (i == null) {
            i = new Index(this);
            index = i;
        }
        return i;
    }

    @Override
    public String toString() {
        return "Graph[" + name + ", " + nodes.size() + " nodes, " + initializers.size() + " initializers]";
    }

    /** Lookup tables computed once on first use; the graph itself never changes. */
    private static final class Index {
        final Map<String, TensorInfo> tensors = new HashMap<>();
        final Map<String, Node> producers = new HashMap<>();
        final Map<String, List<Node>> consumers = new HashMap<>();
        final Map<String, Node> byName = new HashMap<>();

        Index(Graph g) {
            for (TensorData t : g.initializers.values()) {
                tensors.put(t.name(), new TensorInfo(t.name(), t.dataType(), t.shape()));
            }
            g.valueInfo.forEach(tensors::put);
            g.inputs.forEach(t -> tensors.put(t.name(), t));
            for (TensorInfo t : g.outputs) {
                tensors.merge(t.name(), t, (old, out) -> out.shape().hasRank() ? out : old);
            }
            for (Node n : g.nodes) {
                byName.putIfAbsent(n.name(), n);
                for (String o : n.outputs()) {
                    if (!o.isEmpty()) {
                        producers.put(o, n);
                    }
                }
                for (String in : n.inputs()) {
                    if (!in.isEmpty()) {
                        consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                    }
                }
            }
            consumers.replaceAll((k, v) -> List.copyOf(v));
        }
    }
}
