package dev.edgewise.viewer.graph;

import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.TensorInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the graph view draws: one box per operator plus one per graph input and output, and one
 * edge per (producer, consumer, tensor). Constant inputs (initializers) are not boxes: like Netron,
 * they belong to the node that uses them. Pure data; no JavaFX, so it can be built off the FX thread.
 */
public final class GraphModel {
    public enum Kind { OPERATOR, INPUT, OUTPUT }

    /**
     * @param layer the IR node name for operators, the tensor name for inputs and outputs
     * @param title the op type, or "input"/"output"
     * @param detail a short second line (node name, or tensor shape)
     */
    public record VNode(int index, Kind kind, String layer, String title, String detail, double width, double height) {
    }

    public record VEdge(int from, int to, String tensor) {
    }

    static final double OP_HEIGHT = 38;
    static final double IO_HEIGHT = 30;
    private static final double CHAR_WIDTH = 6.6;
    private static final double MIN_WIDTH = 92;
    private static final double MAX_WIDTH = 220;

    private final List<VNode> nodes;
    private final List<VEdge> edges;
    private final Map<String, Integer> indexByLayer;

    private GraphModel(List<VNode> nodes, List<VEdge> edges) {
        this.nodes = List.copyOf(nodes);
        this.edges = List.copyOf(edges);
        Map<String, Integer> idx = new HashMap<>();
        for (VNode n : nodes) {
            if (n.kind() == Kind.OPERATOR) {
                idx.putIfAbsent(n.layer(), n.index());
            }
        }
        this.indexByLayer = idx;
    }

    public static GraphModel fromGraph(Graph g) {
        List<VNode> nodes = new ArrayList<>();
        List<VEdge> edges = new ArrayList<>();
        Map<String, Integer> producerOf = new HashMap<>();
        for (TensorInfo in : g.inputs()) {
            int i = nodes.size();
            nodes.add(box(i, Kind.INPUT, in.name(), "input", in.name() + "  " + in.shape(), IO_HEIGHT));
            producerOf.put(in.name(), i);
        }
        for (Node n : g.nodes()) {
            int i = nodes.size();
            nodes.add(box(i, Kind.OPERATOR, n.name(), n.opType(), n.name(), OP_HEIGHT));
            Set<String> seen = new LinkedHashSet<>();
            for (String t : n.inputs()) {
                Integer p = producerOf.get(t);
                if (p != null && seen.add(t)) {
                    edges.add(new VEdge(p, i, t));
                }
            }
            for (String o : n.outputs()) {
                if (!o.isEmpty()) {
                    producerOf.put(o, i);
                }
            }
        }
        for (TensorInfo out : g.outputs()) {
            int i = nodes.size();
            nodes.add(box(i, Kind.OUTPUT, out.name(), "output", out.name() + "  " + out.shape(), IO_HEIGHT));
            Integer p = producerOf.get(out.name());
            if (p != null) {
                edges.add(new VEdge(p, i, out.name()));
            }
        }
        return new GraphModel(nodes, edges);
    }

    private static VNode box(int index, Kind kind, String layer, String title, String detail, double height) {
        int chars = Math.max(title.length() + 2, Math.min(detail.length(), 30));
        double w = Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, 20 + chars * CHAR_WIDTH));
        return new VNode(index, kind, layer, title, detail, Math.rint(w), height);
    }

    public List<VNode> nodes() {
        return nodes;
    }

    public List<VEdge> edges() {
        return edges;
    }

    /** Index of the operator box for an IR node name, or -1. */
    public int indexOfLayer(String layer) {
        Integer i = layer == null ? null : indexByLayer.get(layer);
        return i == null ? -1 : i;
    }

    public int size() {
        return nodes.size();
    }
}
