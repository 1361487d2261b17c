package dev.edgewise.core.optimize;

import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.GraphBuilder;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Structured pruning: whole output filters of a Conv are removed (lowest L1 or L2 norm first) and
 * every consumer is rewired so the graph stays valid and dense MACs really drop. The channel set is
 * followed through BatchNormalization (its four vectors sliced), unary activations, pooling,
 * depthwise Convs (their channels and group sliced too), element-wise Add/Mul whose other inputs
 * carry the same channel set, into the input channels of the next Conv or, after Flatten, the
 * matching columns of a Gemm. A filter feeding anything else (a residual Add joining another
 * conv's channels, Concat, Reshape, a graph output) is left alone and named in the stats as skipped.
 */
public final class StructuredPruning {
    private static final Set<String> UNARY = Set.of("Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish",
        "Tanh", "Elu", "Selu", "PRelu", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Identity", "Dropout");
    private static final Set<String> BINARY = Set.of("Add", "Mul", "Sub", "Div");

    public enum Norm { L1, L2 }

    private StructuredPruning() {
    }

    /** One slice of an initializer: keep the given channel indices of {@code axis}, in blocks of {@code block}. */
    private record Slice(String tensor, int axis, int[] keep, int block) {
    }

    private record Plan(Node conv, int channels, int[] keep, List<Slice> slices, Map<Node, Long> newGroups) {
    }

    public static PassResult apply(Graph g, double fraction, Norm norm) {
        List<Plan> plans = new ArrayList<>();
        List<LayerStats> stats = new ArrayList<>();
        for (WeightLayer l : WeightLayer.find(g)) {
            Node n = l.node();
            TensorData w = g.initializer(l.weight());
            long n0 = w.numElements();
            Plan p = n.opType().equals("Conv") && n.attrInt("group", 1) == 1 ? plan(g, n, fraction, norm) : null;
            if (p == null) {
                stats.add(new LayerStats(l.name(), n.opType(), "structured: skipped", n0, n0, 4, n0 * 4,
                    LayerStats.csrBytes(n0, WeightLayer.channels(w, l.channelAxis()), n0 / WeightLayer.channels(w, l.channelAxis()), 4), 0));
            } else {
                plans.add(p);
            }
        }
        return rebuild(g, plans, stats);
    }

    private static Plan plan(Graph g, Node conv, double fraction, Norm norm) {
        TensorData w = g.initializer(conv.input(1));
        int channels = (int) w.shape().dims().get(0).value();
        int remove = (int) Math.round(fraction * channels);
        if (remove == 0 || remove >= channels || !singleUse(g, conv.input(1))) {
            return null;
        }
        int[] keep = strongest(w.toFloats(), channels, channels - remove, norm);
        List<Slice> slices = new ArrayList<>();
        slices.add(new Slice(conv.input(1), 0, keep, 1));
        if (conv.hasInput(2)) {
            slices.add(new Slice(conv.input(2), 0, keep, 1));
        }
        Map<Node, Long> groups = new HashMap<>();
        return follow(g, conv.output(0), channels, keep, slices, groups) ? new Plan(conv, channels, keep, slices, groups) : null;
    }

    /** Walks every use of the channel set; false when some use cannot be rewired. */
    private static boolean follow(Graph g, String start, int channels, int[] keep, List<Slice> slices, Map<Node, Long> groups) {
        Set<String> carried = new LinkedHashSet<>(List.of(start));
        Set<Node> binaries = new LinkedHashSet<>();
        Set<Node> seen = new java.util.HashSet<>();
        Deque<String> work = new ArrayDeque<>(List.of(start));
        Set<String> outputs = new java.util.HashSet<>();
        g.outputs().forEach(o -> outputs.add(o.name()));
        while (!work.isEmpty()) {
            String t = work.poll();
            if (outputs.contains(t)) {
                return false;
            }
            for (Node n : g.consumers(t)) {
                if (!seen.add(n)) {
                    continue;
                }
                String op = n.opType();
                boolean ok;
                if (UNARY.contains(op) && n.input(0).equals(t) && !(op.equals("PRelu") && !scalar(g, n.input(1)))) {
                    ok = carry(n, carried, work);
                } else if (op.equals("BatchNormalization") && n.input(0).equals(t)) {
                    for (int i = 1; i <= 4; i++) {
                        if (!g.isInitializer(n.input(i)) || !singleUse(g, n.input(i))) {
                            return false;
                        }
                        slices.add(new Slice(n.input(i), 0, keep, 1));
                    }
                    ok = carry(n, carried, work);
                } else if (BINARY.contains(op)) {
                    binaries.add(n);
                    ok = carry(n, carried, work);
                } else if (op.equals("Conv") && n.input(0).equals(t) && g.isInitializer(n.input(1)) && singleUse(g, n.input(1))) {
                    ok = rewireConv(g, n, channels, keep, slices, groups, carried, work);
                } else if (op.equals("Flatten") && n.attrInt("axis", 1) == 1) {
                    ok = rewireGemmsAfterFlatten(g, n, channels, keep, slices);
                } else {
                    ok = false;
                }
                if (!ok) {
                    return false;
                }
            }
        }
        for (Node b : binaries) {
            for (String in : b.inputs()) {
                if (!carried.contains(in) && !scalar(g, in)) {
                    return false; // e.g. a residual Add joining channels of another layer
                }
            }
        }
        return true;
    }

    private static boolean carry(Node n, Set<String> carried, Deque<String> work) {
        if (carried.add(n.output(0))) {
            work.add(n.output(0));
        }
        return true;
    }

    private static boolean rewireConv(Graph g, Node n, int channels, int[] keep, List<Slice> slices, Map<Node, Long> groups,
                                      Set<String> carried, Deque<String> work) {
        long group = n.attrInt("group", 1);
        TensorData w = g.initializer(n.input(1));
        if (group == 1) {
            slices.add(new Slice(n.input(1), 1, keep, 1));
            return true;
        }
        if (group == channels && w.shape().dims().get(0).value() == channels) {
            slices.add(new Slice(n.input(1), 0, keep, 1));
            if (n.hasInput(2)) {
                if (!singleUse(g, n.input(2))) {
                    return false;
                }
                slices.add(new Slice(n.input(2), 0, keep, 1));
            }
            groups.put(n, (long) keep.length);
            return carry(n, carried, work);
        }
        return false;
    }

    private static boolean rewireGemmsAfterFlatten(Graph g, Node flatten, int channels, int[] keep, List<Slice> slices) {
        for (Node gemm : g.consumers(flatten.output(0))) {
            if (!gemm.opType().equals("Gemm") || !gemm.input(0).equals(flatten.output(0)) || !g.isInitializer(gemm.input(1))
                    || !singleUse(g, gemm.input(1)) || gemm.attrInt("transA", 0) != 0) {
                return false;
            }
            TensorData w = g.initializer(gemm.input(1));
            int axis = gemm.attrInt("transB", 0) == 1 ? 1 : 0;
            long k = w.shape().dims().get(axis).value();
            if (k % channels != 0) {
                return false;
            }
            slices.add(new Slice(gemm.input(1), axis, keep, (int) (k / channels)));
        }
        return true;
    }

    private static boolean singleUse(Graph g, String tensor) {
        return g.consumers(tensor).size() == 1;
    }

    private static boolean scalar(Graph g, String tensor) {
        return g.isInitializer(tensor) && g.initializer(tensor).numElements() == 1;
    }

    /** Indices (ascending) of the {@code count} filters with the largest norm. */
    static int[] strongest(float[] w, int channels, int count, Norm norm) {
        int per = w.length / channels;
        double[] score = new double[channels];
        for (int c = 0; c < channels; c++) {
            double s = 0;
            for (int i = c * per; i < (c + 1) * per; i++) {
                s += norm == Norm.L1 ? Math.abs(w[i]) : (double) w[i] * w[i];
            }
            score[c] = s;
        }
        Integer[] order = new Integer[channels];
        for (int c = 0; c < channels; c++) {
            order[c] = c;
        }
        Arrays.sort(order, (a, b) -> score[a] != score[b] ? Double.compare(score[b], score[a]) : Integer.compare(a, b));
        int[] keep = new int[count];
        for (int i = 0; i < count; i++) {
            keep[i] = order[i];
        }
        Arrays.sort(keep);
        return keep;
    }

    private static PassResult rebuild(Graph g, List<Plan> plans, List<LayerStats> skipped) {
        Map<String, float[]> data = new LinkedHashMap<>();
        Map<String, long[]> dims = new HashMap<>();
        Map<Node, Long> groups = new HashMap<>();
        for (Plan p : plans) {
            groups.putAll(p.newGroups());
            for (Slice s : p.slices()) {
                data.computeIfAbsent(s.tensor(), t -> g.initializer(t).toFloats());
                dims.computeIfAbsent(s.tensor(), t -> g.initializer(t).shape().dims().stream().mapToLong(d -> d.value()).toArray());
                data.put(s.tensor(), slice(data.get(s.tensor()), dims.get(s.tensor()), s));
            }
        }
        GraphBuilder b = g.toBuilder().clearValueInfo(); // intermediate shapes changed; ONNX Runtime re-infers them
        data.forEach((name, v) -> b.addInitializer(TensorData.ofFloats(name, Shape.of(dims.get(name)), v)));
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            Long grp = groups.get(n);
            nodes.add(grp == null ? n : n.withAttribute(Attribute.ofInt("group", grp)));
        }
        List<LayerStats> stats = new ArrayList<>(skipped);
        for (Plan p : plans) {
            long before = g.initializer(p.conv().input(1)).numElements();
            long after = data.get(p.conv().input(1)).length;
            stats.add(new LayerStats(p.conv().name(), "Conv", String.format(Locale.ROOT, "structured: kept %d of %d filters",
                p.keep().length, p.channels()), after, after, 4, after * 4,
                LayerStats.csrBytes(after, p.keep().length, after / p.keep().length, 4), 0));
            assert before >= after;
        }
        return new PassResult(b.nodes(nodes).buildValid(), stats);
    }

    /** Keeps, along {@code axis}, the index blocks listed in the slice; dims is updated in place. */
    private static float[] slice(float[] v, long[] dims, Slice s) {
        int outer = 1;
        for (int d = 0; d < s.axis(); d++) {
            outer *= (int) dims[d];
        }
        int inner = 1;
        for (int d = s.axis() + 1; d < dims.length; d++) {
            inner *= (int) dims[d];
        }
        int axisLen = (int) dims[s.axis()];
        int newLen = s.keep().length * s.block();
        float[] out = new float[outer * newLen * inner];
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (int k : s.keep()) {
                for (int j = 0; j < s.block(); j++) {
                    int src = (o * axisLen + k * s.block() + j) * inner;
                    System.arraycopy(v, src, out, pos, inner);
                    pos += inner;
                }
            }
        }
        dims[s.axis()] = newLen;
        return out;
    }
}
