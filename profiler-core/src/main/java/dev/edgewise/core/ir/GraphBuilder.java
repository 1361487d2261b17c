package dev.edgewise.core.ir;

import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Assembles a {@link Graph}. {@link #build()} orders the nodes topologically (keeping the given
 * order where it is already valid) and rejects cycles and tensors written twice.
 */
public final class GraphBuilder {
    private String name = "graph";
    private final List<Node> nodes = new ArrayList<>();
    private final List<TensorInfo> inputs = new ArrayList<>();
    private final List<TensorInfo> outputs = new ArrayList<>();
    private final Map<String, TensorData> initializers = new LinkedHashMap<>();
    private final Map<String, TensorInfo> valueInfo = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();
    private ModelMetadata metadata = ModelMetadata.of("", "unknown");

    public static GraphBuilder create() {
        return new GraphBuilder();
    }

    static GraphBuilder from(Graph g) {
        GraphBuilder b = new GraphBuilder();
        b.name = g.name();
        b.nodes.addAll(g.nodes());
        b.inputs.addAll(g.inputs());
        b.outputs.addAll(g.outputs());
        b.initializers.putAll(g.initializers());
        b.valueInfo.putAll(g.valueInfo());
        b.warnings.addAll(g.warnings());
        b.metadata = g.metadata();
        return b;
    }

    public GraphBuilder name(String n) {
        this.name = n;
        return this;
    }

    public GraphBuilder metadata(ModelMetadata m) {
        this.metadata = m;
        return this;
    }

    public GraphBuilder addNode(Node n) {
        nodes.add(n);
        return this;
    }

    public GraphBuilder nodes(List<Node> newNodes) {
        nodes.clear();
        nodes.addAll(newNodes);
        return this;
    }

    public GraphBuilder addInput(TensorInfo t) {
        inputs.add(t);
        return this;
    }

    public GraphBuilder inputs(List<TensorInfo> newInputs) {
        inputs.clear();
        inputs.addAll(newInputs);
        return this;
    }

    public GraphBuilder addOutput(TensorInfo t) {
        outputs.add(t);
        return this;
    }

    public GraphBuilder outputs(List<TensorInfo> newOutputs) {
        outputs.clear();
        outputs.addAll(newOutputs);
        return this;
    }

    public GraphBuilder addInitializer(TensorData t) {
        initializers.put(t.name(), t);
        return this;
    }

    /** Adds an initializer and returns its name, for fluent wiring of new tensors. */
    public String addInitializerReturn(TensorData t) {
        initializers.put(t.name(), t);
        return t.name();
    }

    public GraphBuilder removeInitializer(String tensorName) {
        initializers.remove(tensorName);
        return this;
    }

    public GraphBuilder putValueInfo(TensorInfo t) {
        valueInfo.put(t.name(), t);
        return this;
    }

    public GraphBuilder clearValueInfo() {
        valueInfo.clear();
        return this;
    }

    public GraphBuilder addWarning(String w) {
        warnings.add(w);
        return this;
    }

    /** Builds the graph; throws for cycles and for a tensor produced twice. */
    public Graph build() throws EdgewiseException {
        checkSingleProducer();
        List<Node> ordered = topologicalOrder();
        return new Graph(name, ordered, inputs, outputs, initializers, valueInfo, metadata, warnings);
    }

    /** For passes that only rearrange a valid graph: a failure here is a bug, not a user error. */
    public Graph buildValid() {
        try {
            return build();
        } catch (EdgewiseException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private void checkSingleProducer() throws EdgewiseException {
        Map<String, String> producedBy = new HashMap<>();
        for (TensorInfo in : inputs) {
            producedBy.put(in.name(), "graph input");
        }
        for (Node n : nodes) {
            for (String o : n.outputs()) {
                if (o.isEmpty()) {
                    continue;
                }
                String prev = producedBy.putIfAbsent(o, "node '" + n.name() + "'");
                if (prev != null) {
                    throw new EdgewiseException(ErrorCode.DUPLICATE_TENSOR, "tensor '" + o
                        + "' is written by both " + prev + " and node '" + n.name() + "' (" + n.opType() + ")");
                }
            }
        }
    }

    private List<Node> topologicalOrder() throws EdgewiseException {
        Map<String, Integer> producer = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            for (String o : nodes.get(i).outputs()) {
                if (!o.isEmpty()) {
                    producer.put(o, i);
                }
            }
        }
        int[] pending = new int[nodes.size()];
        List<List<Integer>> dependents = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            dependents.add(new ArrayList<>());
        }
        for (int i = 0; i < nodes.size(); i++) {
            Set<Integer> deps = new HashSet<>();
            for (String in : nodes.get(i).inputs()) {
                Integer p = producer.get(in);
                if (p != null && deps.add(p)) {
                    dependents.get(p).add(i);
                }
            }
            pending[i] = deps.size();
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        List<Node> out = new ArrayList<>(nodes.size());
        while (!ready.isEmpty()) {
            int i = ready.poll();
            out.add(nodes.get(i));
            for (int d : dependents.get(i)) {
                if (--pending[d] == 0) {
                    ready.add(d);
                }
            }
        }
        if (out.size() != nodes.size()) {
            throw new EdgewiseException(ErrorCode.GRAPH_CYCLE, "graph has a cycle through "
                + describeCycle(pending));
        }
        return out;
    }

    private String describeCycle(int[] pending) {
        ArrayDeque<String> names = new ArrayDeque<>();
        for (int i = 0; i < nodes.size() && names.size() < 5; i++) {
            if (pending[i] > 0) {
                Node n = nodes.get(i);
                names.add("'" + n.name() + "' (" + n.opType() + ")");
            }
        }
        return "nodes " + String.join(", ", names);
    }
}
