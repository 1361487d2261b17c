package dev.edgewise.core.ir;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * For importers of NHWC formats (TensorFlow, TFLite) that wrap each NCHW op in Transposes: the
 * permutations, and removal of the Transpose pairs that wrapping leaves between consecutive ops.
 */
public final class NhwcLayout {
    public static final long[] TO_NCHW = {0, 3, 1, 2};
    public static final long[] TO_NHWC = {0, 2, 3, 1};

    private NhwcLayout() {
    }

    /** Elementwise ops that commute with a transpose: they may run on the NCHW tensor instead. */
    private static final Set<String> LAYOUT_FREE = Set.of("Relu", "Clip", "Sigmoid", "Tanh", "HardSwish", "LeakyRelu");

    /**
     * Drops each back-to-NHWC Transpose that reaches a to-NCHW Transpose only through single-reader
     * elementwise ops (conv -> ReLU -> conv): those ops then run on the NCHW tensor and the pair, an
     * identity that would count two needless copies of the activation, goes. Returns the tensors that
     * no longer exist or whose layout changed (their declared NHWC shapes no longer apply).
     */
    public static Set<String> cancelTransposePairs(List<Node> nodes, Set<String> graphOutputs) {
        Map<String, List<Node>> readers = new HashMap<>();
        for (Node n : nodes) {
            for (String in : n.inputs()) {
                readers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
        }
        Map<String, String> replace = new HashMap<>();
        Set<Node> drop = new HashSet<>();
        Set<String> changed = new HashSet<>();
        for (Node back : nodes) {
            if (!isTranspose(back, TO_NHWC) || graphOutputs.contains(back.output(0))) {
                continue;
            }
            List<Node> chain = new ArrayList<>();
            String cur = back.output(0);
            Node forward = null;
            while (true) {
                List<Node> r = readers.getOrDefault(cur, List.of());
                if (r.size() != 1) {
                    break;
                }
                Node next = r.get(0);
                if (isTranspose(next, TO_NCHW)) {
                    forward = next;
                    break;
                }
                if (!LAYOUT_FREE.contains(next.opType()) || !next.isDefaultDomain() || next.inputs().size() != 1
                    || graphOutputs.contains(next.output(0))) {
                    break;
                }
                chain.add(next);
                cur = next.output(0);
            }
            if (forward == null) {
                continue;
            }
            drop.add(back);
            drop.add(forward);
            replace.put(back.output(0), back.input(0));
            replace.put(forward.output(0), cur.equals(back.output(0)) ? back.input(0) : cur);
            changed.add(back.output(0));
            changed.add(forward.output(0));
            chain.forEach(n -> changed.add(n.output(0)));
        }
        List<Node> kept = new ArrayList<>();
        for (Node n : nodes) {
            if (!drop.contains(n)) {
                List<String> ins = n.inputs().stream().map(i -> replace.getOrDefault(i, i)).toList();
                kept.add(ins.equals(n.inputs()) ? n : n.withInputs(ins));
            }
        }
        nodes.clear();
        nodes.addAll(kept);
        return changed;
    }

    private static boolean isTranspose(Node n, long[] perm) {
        return n.opType().equals("Transpose") && n.isDefaultDomain() && Arrays.equals(n.attrInts("perm"), perm);
    }
}
