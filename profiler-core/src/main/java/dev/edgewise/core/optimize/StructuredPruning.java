package dev.edgewise.core.optimize;

import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.analysis.ShapeInference;
import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.GraphBuilder;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
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
 * matching columns of a Gemm. Element-wise ops joining two channel sets (residual Adds) force
 * equal sets: the conv producing the other operand (through BN, activations, pooling) joins the
 * group and all of them keep the same filters, ranked by their summed norms. Through a Concat on
 * the channel axis the set continues at its branch's channel offset, so the concat's consumers
 * (pooling, BN, Conv inputs, Gemm columns after Flatten) drop the matching channels; each branch
 * is its own group and their removals are merged per tensor. A filter feeding anything else
 * (Reshape, a graph output, an element-wise op or depthwise conv after a Concat) is left alone
 * and named in the stats as skipped.
 */
public final class StructuredPruning {
    private static final Set<String> UNARY = Set.of("Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish",
        "Tanh", "Elu", "Selu", "PRelu", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Identity", "Dropout");
    private static final Set<String> BINARY = Set.of("Add", "Mul", "Sub", "Div");

    public enum Norm { L1, L2 }

    private StructuredPruning() {
    }

    /**
     * One slice of an initializer along {@code axis}, in blocks of {@code block}: the group's channel
     * c sits at unit {@code offset + c} of the axis (offset > 0 after a Concat).
     */
    private record Slice(String tensor, int axis, int block, int offset) {
        Slice(String tensor, int axis, int block) {
            this(tensor, axis, block, 0);
        }
    }

    /** Where the group's channels sit in a tensor: from {@code offset}, in a channel axis {@code width} wide. */
    private record Position(int offset, int width) {
    }

    /** Convs whose output channels must stay identical (joined by element-wise ops), and every tensor to slice. */
    private static final class Group {
        final List<Node> producers = new ArrayList<>();
        final List<Slice> slices = new ArrayList<>();
        final List<Node> depthwise = new ArrayList<>();
        final Map<String, Position> carried = new LinkedHashMap<>();
        final Map<String, Long> channelsOf;
        final Deque<String> work = new ArrayDeque<>();
        int channels;
        int[] keep;

        Group(Map<String, Long> channelsOf) {
            this.channelsOf = channelsOf;
        }

        Position own() {
            return new Position(0, channels);
        }
    }

    public static PassResult apply(Graph g, double fraction, Norm norm) {
        List<Group> groups = groups(g, fraction, norm);
        Set<Node> grouped = new java.util.HashSet<>();
        groups.forEach(grp -> grouped.addAll(grp.producers));
        Set<Node> followers = new java.util.HashSet<>();
        groups.forEach(grp -> followers.addAll(grp.depthwise));
        List<LayerStats> stats = new ArrayList<>();
        for (WeightLayer l : WeightLayer.find(g)) {
            if (!grouped.contains(l.node()) && !followers.contains(l.node())) {
                TensorData w = g.initializer(l.weight());
                long n0 = w.numElements();
                long rows = WeightLayer.channels(w, l.channelAxis());
                stats.add(new LayerStats(l.name(), l.node().opType(), "structured: skipped", n0, n0, 4, n0 * 4,
                    LayerStats.csrBytes(n0, rows, n0 / rows, 4), 0));
            }
        }
        return rebuild(g, groups, stats);
    }

    /** The kept filter indices (ascending) of every pruned Conv, by node name; for checking the rewiring. */
    static Map<String, int[]> keptFilters(Graph g, double fraction, Norm norm) {
        Map<String, int[]> out = new LinkedHashMap<>();
        for (Group grp : groups(g, fraction, norm)) {
            grp.producers.forEach(n -> out.put(n.name(), grp.keep));
        }
        return out;
    }

    private static List<Group> groups(Graph g, double fraction, Norm norm) {
        List<Group> groups = new ArrayList<>();
        Set<Node> grouped = new java.util.HashSet<>();
        Map<String, Long> channelsOf = concatInputChannels(g);
        for (WeightLayer l : WeightLayer.find(g)) {
            Node n = l.node();
            if (grouped.contains(n) || !n.opType().equals("Conv") || n.attrInt("group", 1) != 1) {
                continue;
            }
            Group grp = group(g, n, channelsOf);
            if (grp != null && grp.producers.stream().noneMatch(grouped::contains)) {
                grp.keep = choose(g, grp, fraction, norm);
                if (grp.keep != null) {
                    groups.add(grp);
                    grouped.addAll(grp.producers);
                }
            }
        }
        return groups;
    }

    /** Filters kept (ascending) for the whole group: the largest summed norms across its producers. */
    private static int[] choose(Graph g, Group grp, double fraction, Norm norm) {
        int remove = (int) Math.round(fraction * grp.channels);
        if (remove == 0 || remove >= grp.channels) {
            return null;
        }
        double[] score = new double[grp.channels];
        for (Node conv : grp.producers) {
            float[] w = g.initializer(conv.input(1)).toFloats();
            int per = w.length / grp.channels;
            for (int c = 0; c < grp.channels; c++) {
                for (int i = c * per; i < (c + 1) * per; i++) {
                    score[c] += norm == Norm.L1 ? Math.abs(w[i]) : (double) w[i] * w[i];
                }
            }
        }
        return strongest(score, grp.channels - remove);
    }

    /** Starts a group at one conv and follows every use of its channels; null when some use cannot be rewired. */
    private static Group group(Graph g, Node conv, Map<String, Long> channelsOf) {
        Group grp = new Group(channelsOf);
        grp.channels = (int) g.initializer(conv.input(1)).shape().dims().get(0).value();
        if (!addProducer(g, grp, conv)) {
            return null;
        }
        return follow(g, grp) ? grp : null;
    }

    private static boolean addProducer(Graph g, Group grp, Node conv) {
        if (grp.producers.contains(conv)) {
            return true;
        }
        TensorData w = g.initializer(conv.input(1));
        if (w == null || !singleUse(g, conv.input(1)) || w.shape().dims().get(0).value() != grp.channels
                || (conv.hasInput(2) && !singleUse(g, conv.input(2)))) {
            return false;
        }
        grp.producers.add(conv);
        grp.slices.add(new Slice(conv.input(1), 0, 1));
        if (conv.hasInput(2)) {
            grp.slices.add(new Slice(conv.input(2), 0, 1));
        }
        carry(conv, grp, grp.own());
        return true;
    }

    /** Walks every use of the channel set; false when some use cannot be rewired. */
    private static boolean follow(Graph g, Group grp) {
        Set<Node> binaries = new LinkedHashSet<>();
        Set<Node> seen = new java.util.HashSet<>();
        Set<String> outputs = new java.util.HashSet<>();
        g.outputs().forEach(o -> outputs.add(o.name()));
        while (!grp.work.isEmpty()) {
            String t = grp.work.poll();
            if (outputs.contains(t)) {
                return false;
            }
            for (Node n : g.consumers(t)) {
                if (seen.add(n) && !use(g, grp, n, t, binaries)) {
                    return false;
                }
            }
            if (grp.work.isEmpty() && !joinBinaryInputs(g, grp, binaries)) {
                return false;
            }
        }
        return true;
    }

    private static boolean use(Graph g, Group grp, Node n, String t, Set<Node> binaries) {
        String op = n.opType();
        Position pos = grp.carried.get(t);
        boolean own = pos.equals(grp.own());
        if (UNARY.contains(op) && n.input(0).equals(t) && !(op.equals("PRelu") && !scalar(g, n.input(1)))) {
            return carry(n, grp, pos);
        }
        if (op.equals("BatchNormalization") && n.input(0).equals(t)) {
            for (int i = 1; i <= 4; i++) {
                if (!g.isInitializer(n.input(i)) || !singleUse(g, n.input(i))) {
                    return false;
                }
                grp.slices.add(new Slice(n.input(i), 0, 1, pos.offset()));
            }
            return carry(n, grp, pos);
        }
        if (op.equals("Concat")) {
            return throughConcat(grp, n, t, pos);
        }
        if (BINARY.contains(op) && own) {
            binaries.add(n);
            return carry(n, grp, pos);
        }
        if (op.equals("Conv") && n.input(0).equals(t) && g.isInitializer(n.input(1)) && singleUse(g, n.input(1))) {
            return rewireConv(g, grp, n, pos);
        }
        if (op.equals("Flatten") && n.attrInt("axis", 1) == 1) {
            return rewireGemmsAfterFlatten(g, grp, n, pos);
        }
        return false;
    }

    /**
     * The set continues in the concat's output at its input's channel offset. Needs the channel
     * count of every concat input (from shape inference) and the channel axis (1 of a 4-D NCHW tensor).
     */
    private static boolean throughConcat(Group grp, Node concat, String t, Position pos) {
        long axis = concat.attrInt("axis", 1);
        if ((axis != 1 && axis != -3) || concat.inputs().stream().filter(t::equals).count() != 1) {
            return false;
        }
        long offset = 0;
        long width = 0;
        for (String in : concat.inputs()) {
            Long c = grp.channelsOf.get(in);
            if (c == null) {
                return false;
            }
            if (in.equals(t)) {
                if (c != pos.width()) {
                    return false;
                }
                offset = width;
            }
            width += c;
        }
        return carry(concat, grp, new Position((int) offset + pos.offset(), (int) width));
    }

    /** Channel counts (dimension 1 of 4-D tensors) of every Concat input, from shape inference; empty if none. */
    private static Map<String, Long> concatInputChannels(Graph g) {
        Map<String, Long> out = new HashMap<>();
        if (g.nodes().stream().noneMatch(n -> n.opType().equals("Concat"))) {
            return out;
        }
        Graph shaped;
        try {
            shaped = ShapeInference.infer(g, DimBindings.NONE).graph();
        } catch (EdgewiseException e) {
            return out; // without shapes no concat is followed: its branches are skipped, not mis-sliced
        }
        for (Node n : g.nodes()) {
            if (n.opType().equals("Concat")) {
                for (String in : n.inputs()) {
                    shaped.tensor(in).map(TensorInfo::shape).filter(s -> s.hasRank() && s.rank() == 4
                        && s.dims().get(1).isKnown()).ifPresent(s -> out.put(in, s.dims().get(1).value()));
                }
            }
        }
        return out;
    }

    /**
     * An element-wise op joining this channel set with another tensor: that tensor's channels must be
     * pruned identically, so its producing conv (through BN, activations, pooling) joins the group.
     */
    private static boolean joinBinaryInputs(Graph g, Group grp, Set<Node> binaries) {
        for (Node b : binaries) {
            for (String in : b.inputs()) {
                if (grp.carried.containsKey(in) || scalar(g, in)) {
                    continue;
                }
                Node conv = traceBackToConv(g, in);
                if (conv == null || !addProducer(g, grp, conv)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static Node traceBackToConv(Graph g, String tensor) {
        String t = tensor;
        for (int depth = 0; depth < 16; depth++) {
            Node p = g.producer(t).orElse(null);
            if (p == null) {
                return null;
            }
            if (p.opType().equals("Conv")) {
                return p.attrInt("group", 1) == 1 ? p : null;
            }
            if (!UNARY.contains(p.opType()) && !p.opType().equals("BatchNormalization")) {
                return null;
            }
            t = p.input(0);
        }
        return null;
    }

    private static boolean carry(Node n, Group grp, Position pos) {
        Position before = grp.carried.putIfAbsent(n.output(0), pos);
        if (before == null) {
            grp.work.add(n.output(0));
        }
        return before == null || before.equals(pos);
    }

    private static boolean rewireConv(Graph g, Group grp, Node n, Position pos) {
        long group = n.attrInt("group", 1);
        TensorData w = g.initializer(n.input(1));
        if (group == 1) {
            grp.slices.add(new Slice(n.input(1), 1, 1, pos.offset()));
            return true;
        }
        if (pos.equals(grp.own()) && group == grp.channels && w.shape().dims().get(0).value() == grp.channels) {
            grp.slices.add(new Slice(n.input(1), 0, 1));
            if (n.hasInput(2)) {
                if (!singleUse(g, n.input(2))) {
                    return false;
                }
                grp.slices.add(new Slice(n.input(2), 0, 1));
            }
            grp.depthwise.add(n);
            return carry(n, grp, pos);
        }
        return false;
    }

    private static boolean rewireGemmsAfterFlatten(Graph g, Group grp, Node flatten, Position pos) {
        String flat = flatten.output(0);
        // inference-time no-ops between Flatten and Gemm (Dropout in exported training models)
        while (g.consumers(flat).size() == 1 && Set.of("Dropout", "Identity").contains(g.consumers(flat).get(0).opType())) {
            flat = g.consumers(flat).get(0).output(0);
        }
        for (Node gemm : g.consumers(flat)) {
            if (!gemm.opType().equals("Gemm") || !gemm.input(0).equals(flat) || !g.isInitializer(gemm.input(1))
                    || !singleUse(g, gemm.input(1)) || gemm.attrInt("transA", 0) != 0) {
                return false;
            }
            TensorData w = g.initializer(gemm.input(1));
            int axis = gemm.attrInt("transB", 0) == 1 ? 1 : 0;
            long k = w.shape().dims().get(axis).value();
            if (k % pos.width() != 0) {
                return false;
            }
            grp.slices.add(new Slice(gemm.input(1), axis, (int) (k / pos.width()), pos.offset()));
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
            for (int i = c * per; i < (c + 1) * per; i++) {
                score[c] += norm == Norm.L1 ? Math.abs(w[i]) : (double) w[i] * w[i];
            }
        }
        return strongest(score, count);
    }

    private static int[] strongest(double[] score, int count) {
        Integer[] order = new Integer[score.length];
        for (int c = 0; c < score.length; c++) {
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

    private static PassResult rebuild(Graph g, List<Group> groups, List<LayerStats> skipped) {
        Map<String, float[]> data = new LinkedHashMap<>();
        Map<String, long[]> dims = new HashMap<>();
        Map<Node, Long> newGroupAttr = new HashMap<>();
        // several groups may cut the same tensor axis (branches of one Concat): merge their removals
        Map<String, Map<Integer, boolean[]>> drops = new LinkedHashMap<>();
        Map<String, Map<Integer, Integer>> blocks = new HashMap<>();
        for (Group grp : groups) {
            grp.depthwise.forEach(n -> newGroupAttr.put(n, (long) grp.keep.length));
            for (Slice s : grp.slices) {
                dims.computeIfAbsent(s.tensor(), t -> g.initializer(t).shape().dims().stream().mapToLong(d -> d.value()).toArray());
                int units = (int) (dims.get(s.tensor())[s.axis()] / s.block());
                boolean[] drop = drops.computeIfAbsent(s.tensor(), t -> new LinkedHashMap<>())
                    .computeIfAbsent(s.axis(), a -> new boolean[units]);
                blocks.computeIfAbsent(s.tensor(), t -> new HashMap<>()).put(s.axis(), s.block());
                boolean[] kept = new boolean[grp.channels];
                for (int k : grp.keep) {
                    kept[k] = true;
                }
                for (int c = 0; c < grp.channels; c++) {
                    drop[s.offset() + c] |= !kept[c];
                }
            }
        }
        drops.forEach((tensor, byAxis) -> byAxis.forEach((axis, drop) -> {
            float[] v = data.computeIfAbsent(tensor, t -> g.initializer(t).toFloats());
            int[] keepUnits = java.util.stream.IntStream.range(0, drop.length).filter(u -> !drop[u]).toArray();
            data.put(tensor, slice(v, dims.get(tensor), axis, blocks.get(tensor).get(axis), keepUnits));
        }));
        GraphBuilder b = g.toBuilder().clearValueInfo(); // intermediate shapes changed; ONNX Runtime re-infers them
        data.forEach((name, v) -> b.addInitializer(TensorData.ofFloats(name, Shape.of(dims.get(name)), v)));
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            Long grpAttr = newGroupAttr.get(n);
            nodes.add(grpAttr == null ? n : n.withAttribute(Attribute.ofInt("group", grpAttr)));
        }
        List<LayerStats> stats = new ArrayList<>(skipped);
        for (Group grp : groups) {
            for (Node dw : grp.depthwise) {
                long after = data.get(dw.input(1)).length;
                stats.add(new LayerStats(dw.name(), "Conv", String.format(Locale.ROOT,
                    "structured: depthwise, kept %d of %d channels with its input", grp.keep.length, grp.channels),
                    after, after, 4, after * 4, LayerStats.csrBytes(after, grp.keep.length, after / grp.keep.length, 4), 0));
            }
            for (Node conv : grp.producers) {
                long after = data.get(conv.input(1)).length;
                String joint = grp.producers.size() > 1 ? ", channels shared with " + (grp.producers.size() - 1) + " other conv(s)" : "";
                stats.add(new LayerStats(conv.name(), "Conv", String.format(Locale.ROOT, "structured: kept %d of %d filters%s",
                    grp.keep.length, grp.channels, joint), after, after, 4, after * 4,
                    LayerStats.csrBytes(after, grp.keep.length, after / grp.keep.length, 4), 0));
            }
        }
        return new PassResult(b.nodes(nodes).buildValid(), stats);
    }

    /** Keeps, along {@code axis}, the index blocks listed in the slice; dims is updated in place. */
    private static float[] slice(float[] v, long[] dims, int axis, int block, int[] keep) {
        int outer = 1;
        for (int d = 0; d < axis; d++) {
            outer *= (int) dims[d];
        }
        int inner = 1;
        for (int d = axis + 1; d < dims.length; d++) {
            inner *= (int) dims[d];
        }
        int axisLen = (int) dims[axis];
        int newLen = keep.length * block;
        float[] out = new float[outer * newLen * inner];
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (int k : keep) {
                for (int j = 0; j < block; j++) {
                    int src = (o * axisLen + k * block + j) * inner;
                    System.arraycopy(v, src, out, pos, inner);
                    pos += inner;
                }
            }
        }
        dims[axis] = newLen;
        return out;
    }
}
