package dev.edgewise.core.analysis.shapes;

import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Dim;
import dev.edgewise.core.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Ops that select or join parts of tensors: Concat, Split, Slice, Gather (and kin), TopK, OneHot. */
final class IndexRules {
    /** Slice ends at or beyond this mean "to the end" (exporters write INT_MAX or INT64_MAX). */
    private static final long TO_END = Integer.MAX_VALUE;

    private IndexRules() {
    }

    static void register(Map<String, ShapeRule> rules) {
        rules.put("Concat", IndexRules::concat);
        rules.put("Split", IndexRules::split);
        rules.put("Slice", IndexRules::slice);
        rules.put("Gather", IndexRules::gather);
        rules.put("GatherElements", ctx -> ctx.output(0, ctx.type(0), ctx.shape(1)));
        rules.put("GatherND", IndexRules::gatherNd);
        rules.put("TopK", IndexRules::topK);
        rules.put("OneHot", IndexRules::oneHot);
        rules.put("NonZero", IndexRules::nonZero);
    }

    private static void concat(OpContext ctx) {
        List<Shape> shapes = new ArrayList<>();
        List<Value> values = new ArrayList<>();
        for (int i = 0; i < ctx.inputCount(); i++) {
            if (ctx.hasInput(i)) {
                shapes.add(ctx.rankedShape(i));
                values.add(ctx.value(i));
            }
        }
        int rank = shapes.get(0).rank();
        int axis = ctx.axis(ctx.attrInt("axis", 0), rank);
        List<Dim> dims = new ArrayList<>(shapes.get(0).dims());
        long sum = 0;
        boolean known = true;
        for (Shape s : shapes) {
            if (s.rank() != rank) {
                throw new Unresolved("inputs have different ranks: " + shapes);
            }
            for (int a = 0; a < rank; a++) {
                if (a == axis) {
                    known &= s.dim(a).isKnown();
                    sum += s.dim(a).isKnown() ? s.dim(a).value() : 0;
                } else {
                    dims.set(a, DimMath.merge(dims.get(a), s.dim(a)));
                }
            }
        }
        dims.set(axis, known ? ctx.dim(sum, "concatenated axis") : Dim.unknown());
        Value v = null;
        if (values.stream().allMatch(x -> x != null) && known && small(Shape.of(dims))) {
            v = Value.concat(values, axis, ctx.type(0));
        }
        ctx.output(0, ctx.type(0), Shape.of(dims), v);
    }

    private static void split(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        int axis = ctx.axis(ctx.attrInt("axis", 0), x.rank());
        int n = ctx.outputCount();
        long[] sizes = ctx.attrInts("split");
        if (sizes == null && ctx.hasInput(1)) {
            sizes = ctx.requireValue(1, "split").longs();
        }
        Dim d = x.dim(axis);
        if (sizes == null) {
            if (!d.isKnown()) {
                ctx.because("equal split of an axis of unknown size " + d);
            } else {
                sizes = equalSplit(d.value(), n);
            }
        }
        if (sizes != null && sizes.length != n) {
            throw new Unresolved("split has " + sizes.length + " sizes for " + n + " outputs");
        }
        Value in = ctx.value(0);
        long offset = 0;
        for (int i = 0; i < n; i++) {
            List<Dim> dims = new ArrayList<>(x.dims());
            dims.set(axis, sizes == null ? Dim.unknown() : ctx.dim(sizes[i], "split part " + i));
            Value part = null;
            if (in != null && sizes != null) {
                part = sliceValue(in, new long[] {offset}, new long[] {sizes[i]}, new long[] {1}, new int[] {axis});
                offset += sizes[i];
            }
            ctx.output(i, ctx.type(0), Shape.of(dims), part);
        }
    }

    /** Only small results are evaluated; bigger ones are data, not shape arithmetic. */
    private static boolean small(Shape s) {
        return s.isStatic() && s.numElements().getAsLong() <= Value.MAX_ELEMENTS;
    }

    /** Equal parts; when not divisible (opset 18 num_outputs) all but the last take the ceiling. */
    private static long[] equalSplit(long size, int n) {
        long[] out = new long[n];
        long part = (size + n - 1) / n;
        long left = size;
        for (int i = 0; i < n; i++) {
            out[i] = Math.min(part, left);
            left -= out[i];
        }
        return out;
    }

    private static void slice(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        boolean attrForm = ctx.hasAttr("starts") && !ctx.hasInput(1);
        if (attrForm) {
            starts = ctx.attrInts("starts");
            ends = ctx.attrInts("ends");
            axes = ctx.attrInts("axes");
        } else {
            if (!constantOperands(ctx, 1, 2, 3, 4)) {
                slicedAxesUnknown(ctx, x);
                return;
            }
            starts = ctx.requireValue(1, "starts").longs();
            ends = ctx.requireValue(2, "ends").longs();
            axes = ctx.hasInput(3) ? ctx.requireValue(3, "axes").longs() : null;
            steps = ctx.hasInput(4) ? ctx.requireValue(4, "steps").longs() : null;
        }
        int n = starts.length;
        if (ends == null || ends.length != n || axes != null && axes.length != n || steps != null && steps.length != n) {
            throw new Unresolved("starts, ends, axes and steps have different lengths");
        }
        List<Dim> dims = new ArrayList<>(x.dims());
        long[] valueStarts = new long[n];
        long[] valueLens = new long[n];
        long[] valueSteps = new long[n];
        int[] valueAxes = new int[n];
        boolean static1 = true;
        for (int i = 0; i < n; i++) {
            int axis = ctx.axis(axes == null ? i : axes[i], x.rank());
            long step = steps == null ? 1 : steps[i];
            if (step == 0) {
                throw new Unresolved("slice step is 0");
            }
            Dim d = x.dim(axis);
            valueAxes[i] = axis;
            valueSteps[i] = step;
            if (!d.isKnown()) {
                boolean whole = starts[i] == 0 && step == 1 && ends[i] >= TO_END;
                dims.set(axis, whole ? d : Dim.unknown());
                static1 = false;
                continue;
            }
            long[] range = sliceRange(d.value(), starts[i], ends[i], step);
            valueStarts[i] = range[0];
            valueLens[i] = range[1];
            dims.set(axis, ctx.dim(range[1], "sliced axis " + axis));
        }
        Value in = ctx.value(0);
        Value v = in != null && static1 ? sliceValue(in, valueStarts, valueLens, valueSteps, valueAxes) : null;
        ctx.output(0, ctx.type(0), Shape.of(dims), v);
    }

    private static boolean constantOperands(OpContext ctx, int... inputs) {
        for (int i : inputs) {
            if (ctx.hasInput(i) && (ctx.value(i) == null || !ctx.value(i).isFullyKnown())) {
                return false;
            }
        }
        return true;
    }

    /** Runtime starts/ends: the rank stays, the sliced axes (all, if not known which) become unknown. */
    private static void slicedAxesUnknown(OpContext ctx, Shape x) {
        ctx.because("starts, ends, axes or steps of the slice are not constants");
        List<Dim> dims = new ArrayList<>(x.dims());
        Value axes = ctx.hasInput(3) ? ctx.value(3) : null;
        Shape startsShape = ctx.shape(1);
        if (axes != null && axes.isFullyKnown()) {
            for (long a : axes.longs()) {
                dims.set(ctx.axis(a, x.rank()), Dim.unknown());
            }
        } else if (!ctx.hasInput(3) && startsShape.isStatic() && startsShape.rank() == 1
                && startsShape.dim(0).value() <= x.rank()) {
            for (int a = 0; a < startsShape.dim(0).value(); a++) {
                dims.set(a, Dim.unknown());
            }
        } else {
            dims = new ArrayList<>(Shape.unknownDims(x.rank()).dims());
        }
        ctx.output(0, ctx.type(0), Shape.of(dims));
    }

    /** {start, length} of a slice over an axis of {@code size}, with ONNX's clamping rules. */
    static long[] sliceRange(long size, long start, long end, long step) {
        long s = start < 0 ? start + size : start;
        long e = end < 0 ? end + size : end;
        if (step > 0) {
            s = Math.max(0, Math.min(s, size));
            e = Math.max(0, Math.min(e, size));
        } else {
            s = Math.max(0, Math.min(s, size - 1));
            e = Math.max(-1, Math.min(e, size - 1));
        }
        long len = step > 0 ? Math.floorDiv(e - s + step - 1, step) : Math.floorDiv(s - e + (-step) - 1, -step);
        return new long[] {s, Math.max(0, len)};
    }

    private static Value sliceValue(Value in, long[] starts, long[] lens, long[] steps, int[] axes) {
        long[] shape = in.shape();
        long[] strides = Indexing.strides(shape);
        long[] outShape = shape.clone();
        long[] srcStrides = strides.clone();
        long offset = 0;
        for (int i = 0; i < axes.length; i++) {
            int a = axes[i];
            outShape[a] = lens[i];
            srcStrides[a] = strides[a] * steps[i];
            offset += starts[i] * strides[a];
        }
        return in.select(Indexing.strided(outShape, srcStrides, offset), outShape);
    }

    private static void gather(OpContext ctx) {
        Shape data = ctx.rankedShape(0);
        Shape idx = ctx.rankedShape(1);
        int axis = ctx.axis(ctx.attrInt("axis", 0), data.rank());
        List<Dim> dims = new ArrayList<>(data.dims().subList(0, axis));
        dims.addAll(idx.dims());
        dims.addAll(data.dims().subList(axis + 1, data.rank()));
        Shape out = Shape.of(dims);
        Value dv = ctx.value(0);
        Value iv = ctx.value(1);
        Value v = null;
        if (dv != null && iv != null && iv.isFullyKnown() && small(out)) {
            v = dv.select(Indexing.gatherIndices(dv.shape(), axis, iv.longs()), out.toArray());
        }
        ctx.output(0, ctx.type(0), out, v);
    }

    private static void gatherNd(OpContext ctx) {
        Shape data = ctx.rankedShape(0);
        Shape idx = ctx.rankedShape(1);
        int batch = (int) ctx.attrInt("batch_dims", 0);
        Dim last = idx.dim(idx.rank() - 1);
        if (!last.isKnown()) {
            throw new Unresolved("the last dim of the indices is unknown");
        }
        List<Dim> dims = new ArrayList<>(idx.dims().subList(0, idx.rank() - 1));
        int from = batch + (int) last.value();
        if (from > data.rank()) {
            throw new Unresolved("indices address " + from + " axes of a rank-" + data.rank() + " tensor");
        }
        dims.addAll(data.dims().subList(from, data.rank()));
        ctx.output(0, ctx.type(0), Shape.of(dims));
    }

    private static void topK(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        int axis = ctx.axis(ctx.attrInt("axis", -1), x.rank());
        Dim k;
        if (ctx.hasInput(1)) {
            Value kv = ctx.value(1);
            k = kv == null ? Dim.unknown() : ctx.dim(kv.longAt(0), "k");
            if (kv == null) {
                ctx.because("k input '" + ctx.node().input(1) + "' is not a constant");
            }
        } else {
            k = ctx.dim(ctx.attrInt("k", -1), "k attribute");
        }
        List<Dim> dims = new ArrayList<>(x.dims());
        dims.set(axis, k);
        ctx.output(0, ctx.type(0), Shape.of(dims));
        ctx.output(1, DataType.INT64, Shape.of(dims));
    }

    private static void oneHot(OpContext ctx) {
        Shape idx = ctx.rankedShape(0);
        Value depth = ctx.value(1);
        int outRank = idx.rank() + 1;
        int axis = ctx.axis(ctx.attrInt("axis", -1), outRank);
        List<Dim> dims = new ArrayList<>(idx.dims());
        Dim d = Dim.unknown();
        if (depth != null && depth.isKnown(0)) {
            d = ctx.dim((long) depth.doubleAt(0), "depth");
        } else {
            ctx.because("depth input '" + ctx.node().input(1) + "' is not a constant");
        }
        dims.add(axis, d);
        ctx.output(0, ctx.type(2), Shape.of(dims));
    }

    private static void nonZero(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        Value v = ctx.value(0);
        Dim count = Dim.unknown();
        if (v != null && v.isFullyKnown()) {
            long c = 0;
            for (int i = 0; i < v.size(); i++) {
                c += v.doubleAt(i) != 0 ? 1 : 0;
            }
            count = Dim.of(c);
        } else {
            ctx.because("the number of non-zero elements depends on the data");
        }
        ctx.output(0, DataType.INT64, Shape.of(List.of(Dim.of(x.rank()), count)));
    }
}
