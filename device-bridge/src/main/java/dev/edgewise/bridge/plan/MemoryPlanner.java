package dev.edgewise.bridge.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Arena offsets from tensor lifetimes. A view shares its source's storage, so a source and its
 * views form one buffer whose lifetime is the union of theirs. A buffer lives from the op that
 * writes it (graph inputs: from the start) to the last op that reads it (graph outputs: to the
 * end); an op's inputs and outputs are all live at that op, so outputs never overlap inputs.
 * Buffers are placed largest first at the lowest 16-byte aligned offset that does not overlap any
 * already placed buffer whose lifetime intersects (greedy by size, first fit).
 */
final class MemoryPlanner {
    static final int ALIGN = 16;

    record Result(long arenaSize, long lowerBound) {
    }

    private static final class Buffer {
        final String root;
        long bytes;
        int first = Integer.MAX_VALUE;
        int last = -1;
        long offset;

        Buffer(String root) {
            this.root = root;
        }

        boolean overlapsInTime(Buffer o) {
            return first <= o.last && o.first <= last;
        }
    }

    private MemoryPlanner() {
    }

    static Result plan(Map<String, LoweredTensor> tensors, List<LoweredOp> ops, List<String> inputs, List<String> outputs) {
        Map<String, Buffer> buffers = new HashMap<>();
        for (String in : inputs) {
            touch(buffers, tensors, in, 0);
        }
        for (int i = 0; i < ops.size(); i++) {
            for (String t : ops.get(i).inputs) {
                touch(buffers, tensors, t, i);
            }
            for (String t : ops.get(i).outputs) {
                touch(buffers, tensors, t, i);
            }
        }
        for (String out : outputs) {
            touch(buffers, tensors, out, Math.max(0, ops.size() - 1));
        }
        List<Buffer> order = new ArrayList<>(buffers.values());
        order.sort(Comparator.comparingLong((Buffer b) -> -b.bytes).thenComparingInt(b -> b.first).thenComparing(b -> b.root));
        List<Buffer> placed = new ArrayList<>();
        long arena = 0;
        for (Buffer b : order) {
            b.offset = firstFit(b, placed);
            placed.add(b);
            arena = Math.max(arena, b.offset + b.bytes);
        }
        for (LoweredTensor t : tensors.values()) {
            Buffer b = buffers.get(root(tensors, t.name));
            if (b != null && !t.isConstant()) {
                t.offset = b.offset;
            }
        }
        return new Result(arena, lowerBound(buffers.values(), ops.size()));
    }

    private static String root(Map<String, LoweredTensor> tensors, String name) {
        LoweredTensor t = tensors.get(name);
        return t.viewOf != null ? t.viewOf : name;
    }

    private static void touch(Map<String, Buffer> buffers, Map<String, LoweredTensor> tensors, String name, int op) {
        LoweredTensor t = tensors.get(name);
        if (t.isConstant()) {
            return;
        }
        String root = root(tensors, name);
        Buffer b = buffers.computeIfAbsent(root, Buffer::new);
        b.bytes = Math.max(b.bytes, tensors.get(root).bytes());
        b.bytes = Math.max(b.bytes, t.bytes());
        b.first = Math.min(b.first, op);
        b.last = Math.max(b.last, op);
    }

    private static long firstFit(Buffer b, List<Buffer> placed) {
        List<Buffer> conflicts = new ArrayList<>();
        for (Buffer p : placed) {
            if (p.overlapsInTime(b)) {
                conflicts.add(p);
            }
        }
        conflicts.sort(Comparator.comparingLong(p -> p.offset));
        long candidate = 0;
        for (Buffer p : conflicts) {
            if (candidate + b.bytes <= p.offset) {
                break;
            }
            candidate = Math.max(candidate, align(p.offset + p.bytes));
        }
        return candidate;
    }

    static long align(long v) {
        return (v + ALIGN - 1) / ALIGN * ALIGN;
    }

    /** The largest sum of bytes of buffers live at one op: no arena without in-place ops can be smaller. */
    private static long lowerBound(Iterable<Buffer> buffers, int opCount) {
        long[] delta = new long[opCount + 2];
        for (Buffer b : buffers) {
            delta[b.first] += b.bytes;
            delta[b.last + 1] -= b.bytes;
        }
        long live = 0;
        long best = 0;
        for (long d : delta) {
            live += d;
            best = Math.max(best, live);
        }
        return best;
    }
}
