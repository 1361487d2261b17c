package dev.edgewise.bridge.plan;

import dev.edgewise.bridge.plan.proto.AxisParams;
import dev.edgewise.bridge.plan.proto.KernelId;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Node;

/**
 * Slice with step 1 as SPLIT: per sliced axis, one SPLIT whose outputs are the part before, the
 * kept part and the part after (the outer parts are written and never read; the runtime has no
 * slice kernel, and ShuffleNetV2's channel split is exactly this).
 */
final class SliceTranslator {
    private final GraphLowering g;
    private final OpTranslator ops;

    SliceTranslator(GraphLowering g, OpTranslator ops) {
        this.g = g;
        this.ops = ops;
    }

    void slice(Node n) throws EdgewiseException {
        String x = g.input(n, 0);
        long[] dims = g.tensor(x).dims.clone();
        int rank = dims.length;
        long[] starts;
        long[] ends;
        long[] axes = null;
        long[] steps = null;
        if (n.attribute("starts") != null) {
            starts = n.attrInts("starts");
            ends = n.attrInts("ends");
            axes = n.attribute("axes") != null ? n.attrInts("axes") : null;
        } else {
            starts = ops.constLongs(n, 1, "Slice starts");
            ends = ops.constLongs(n, 2, "Slice ends");
            axes = n.hasInput(3) && !n.input(3).isEmpty() ? ops.constLongs(n, 3, "Slice axes") : null;
            steps = n.hasInput(4) && !n.input(4).isEmpty() ? ops.constLongs(n, 4, "Slice steps") : null;
        }
        String current = x;
        int sliced = 0;
        for (int i = 0; i < starts.length; i++) {
            int axis = OpTranslator.normalize(axes == null ? i : axes[i], rank);
            if (steps != null && steps[i] != 1) {
                throw g.unsupported(n, "Slice with step " + steps[i] + " is not supported (step 1 only)");
            }
            long d = dims[axis];
            long s = clamp(starts[i] < 0 ? starts[i] + d : starts[i], d);
            long e = clamp(ends[i] < 0 ? ends[i] + d : ends[i], d);
            if (s == 0 && e == d) {
                continue;
            }
            if (e <= s) {
                throw g.unsupported(n, "Slice to an empty range on axis " + axis);
            }
            boolean last = remainingNonTrivial(starts, ends, axes, i + 1, dims, rank) == 0;
            String out = last ? n.output(0) : g.freshName(n.output(0) + ".axis" + axis);
            current = splitOut(n, current, dims, axis, s, e, out, last);
            dims[axis] = e - s;
            sliced++;
        }
        if (sliced == 0) {
            g.addAlias(n.output(0), x);
        }
    }

    private int remainingNonTrivial(long[] starts, long[] ends, long[] axes, int from, long[] dims, int rank) {
        int count = 0;
        for (int i = from; i < starts.length; i++) {
            int axis = OpTranslator.normalize(axes == null ? i : axes[i], rank);
            long d = dims[axis];
            long s = clamp(starts[i] < 0 ? starts[i] + d : starts[i], d);
            long e = clamp(ends[i] < 0 ? ends[i] + d : ends[i], d);
            if (!(s == 0 && e == d)) {
                count++;
            }
        }
        return count;
    }

    private String splitOut(Node n, String in, long[] dims, int axis, long s, long e, String out, boolean last)
        throws EdgewiseException {
        LoweredOp op = new LoweredOp(KernelId.SPLIT, n.name());
        op.layers.add(n.name());
        op.inputs.add(in);
        op.params = b -> b.setAxis(AxisParams.newBuilder().setAxis(axis));
        long[][] parts = {{0, s}, {s, e}, {e, dims[axis]}};
        for (int p = 0; p < 3; p++) {
            long len = parts[p][1] - parts[p][0];
            if (len == 0) {
                continue;
            }
            long[] pd = dims.clone();
            pd[axis] = len;
            if (p == 1 && last) {
                g.activation(out, n);
                op.outputs.add(out);
            } else {
                LoweredTensor t = g.syntheticTensor(p == 1 ? out : n.output(0) + (p == 0 ? ".before" : ".after"), pd);
                op.outputs.add(t.name);
                if (p == 1) {
                    out = t.name;
                }
            }
        }
        g.ops.add(op);
        return out;
    }

    private static long clamp(long v, long d) {
        return Math.max(0, Math.min(d, v));
    }
}
