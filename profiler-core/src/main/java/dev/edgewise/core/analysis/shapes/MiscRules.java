package dev.edgewise.core.analysis.shapes;

import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Dim;
import dev.edgewise.core.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Less common ops found in deployed models: recurrent layers, losses, detection helpers,
 * unpooling, text vectorizing, Unique.
 */
final class MiscRules {
    private MiscRules() {
    }

    static void register(Map<String, ShapeRule> rules) {
        for (String op : List.of("RNN", "GRU", "LSTM")) {
            rules.put(op, MiscRules::recurrent);
        }
        rules.put("NegativeLogLikelihoodLoss", ctx -> loss(ctx, false));
        rules.put("SoftmaxCrossEntropyLoss", ctx -> loss(ctx, true));
        rules.put("NonMaxSuppression", ctx -> {
            ctx.because("the number of selected boxes depends on the data");
            ctx.output(0, DataType.INT64, Shape.of(List.of(Dim.unknown(), Dim.of(3))));
        });
        rules.put("RoiAlign", MiscRules::roiAlign);
        rules.put("GridSample", MiscRules::gridSample);
        rules.put("MaxUnpool", MiscRules::maxUnpool);
        rules.put("Compress", MiscRules::compress);
        rules.put("EyeLike", ctx -> ctx.output(0, typeAttr(ctx, "dtype", ctx.type(0)), ctx.shape(0)));
        rules.put("Det", MiscRules::det);
        rules.put("TfIdfVectorizer", MiscRules::tfIdf);
        rules.put("Unique", MiscRules::unique);
    }

    private static DataType typeAttr(OpContext ctx, String attr, DataType fallback) {
        DataType t = DataType.fromOnnx((int) ctx.attrInt(attr, 0));
        return t == DataType.UNDEFINED ? fallback : t;
    }

    /** Y: [seq, dirs, batch, hidden] (layout 0) or [batch, seq, dirs, hidden]; Y_h, Y_c: [dirs, batch, hidden]. */
    private static void recurrent(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        if (x.rank() != 3) {
            throw new Unresolved("input must be rank 3, got " + x);
        }
        boolean batchFirst = ctx.attrInt("layout", 0) != 0;
        Dim seq = x.dim(batchFirst ? 1 : 0);
        Dim batch = x.dim(batchFirst ? 0 : 1);
        Dim dirs = Dim.of(ctx.attrString("direction", "forward").equals("bidirectional") ? 2 : 1);
        long h = ctx.attrInt("hidden_size", -1);
        Dim hidden = h > 0 ? Dim.of(h) : Dim.unknown();
        if (h <= 0) {
            ctx.because("no hidden_size attribute");
        }
        List<Dim> y = batchFirst ? List.of(batch, seq, dirs, hidden) : List.of(seq, dirs, batch, hidden);
        List<Dim> state = batchFirst ? List.of(batch, dirs, hidden) : List.of(dirs, batch, hidden);
        ctx.output(0, ctx.type(0), Shape.of(y));
        ctx.output(1, ctx.type(0), Shape.of(state));
        ctx.output(2, ctx.type(0), Shape.of(state));
    }

    /** reduction none: per-element loss shaped like the target; mean/sum: a scalar. */
    private static void loss(OpContext ctx, boolean softmax) {
        String reduction = ctx.attrString("reduction", "mean");
        Shape out = reduction.equals("none") ? ctx.rankedShape(1) : Shape.scalar();
        ctx.output(0, ctx.type(0), out);
        if (softmax) {
            ctx.outputLike(1, 0);
        }
    }

    private static void roiAlign(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        Shape rois = ctx.rankedShape(1);
        List<Dim> dims = List.of(rois.dim(0), x.dim(1), ctx.dim(ctx.attrInt("output_height", 1), "output_height"),
            ctx.dim(ctx.attrInt("output_width", 1), "output_width"));
        ctx.output(0, ctx.type(0), Shape.of(dims));
    }

    /** [N, C] of the input followed by the grid's spatial dims. */
    private static void gridSample(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        Shape grid = ctx.rankedShape(1);
        List<Dim> dims = new ArrayList<>(List.of(x.dim(0), x.dim(1)));
        dims.addAll(grid.dims().subList(1, grid.rank() - 1));
        ctx.output(0, ctx.type(0), Shape.of(dims));
    }

    private static void maxUnpool(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        if (ctx.hasInput(2)) {
            Value v = ctx.requireValue(2, "output_shape");
            List<Dim> dims = new ArrayList<>();
            for (int i = 0; i < v.size(); i++) {
                dims.add(ctx.dim(v.longAt(i), "output_shape[" + i + "]"));
            }
            ctx.output(0, ctx.type(0), Shape.of(dims));
            return;
        }
        int spatial = x.rank() - 2;
        long[] k = ctx.attrInts("kernel_shape");
        long[] s = ctx.attrInts("strides");
        long[] p = ctx.attrInts("pads");
        if (k == null || k.length != spatial) {
            throw new Unresolved("kernel_shape attribute missing or not of length " + spatial);
        }
        List<Dim> dims = new ArrayList<>(x.dims().subList(0, 2));
        for (int i = 0; i < spatial; i++) {
            Dim in = x.dim(i + 2);
            long stride = s == null ? 1 : s[i];
            long pads = p == null ? 0 : p[i] + p[i + spatial];
            dims.add(in.isKnown() ? ctx.dim((in.value() - 1) * stride + k[i] - pads, "unpooled axis " + (i + 2))
                : Dim.unknown());
        }
        ctx.output(0, ctx.type(0), Shape.of(dims));
    }

    /** The kept length is the number of true conditions (bounded by the axis length). */
    private static void compress(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        Value cond = ctx.value(1);
        Dim kept = Dim.unknown();
        boolean hasAxis = ctx.hasAttr("axis");
        int axis = hasAxis ? ctx.axis(ctx.attrInt("axis", 0), x.rank()) : -1;
        if (cond != null && cond.isFullyKnown()) {
            Dim limit = hasAxis ? x.dim(axis) : DimMath.product(x.dims());
            long n = 0;
            for (int i = 0; i < cond.size() && (!limit.isKnown() || i < limit.value()); i++) {
                n += cond.longAt(i) != 0 ? 1 : 0;
            }
            kept = Dim.of(n);
        } else {
            ctx.because("the condition input is not a constant");
        }
        if (!hasAxis) {
            ctx.output(0, ctx.type(0), Shape.of(List.of(kept)));
            return;
        }
        List<Dim> dims = new ArrayList<>(x.dims());
        dims.set(axis, kept);
        ctx.output(0, ctx.type(0), Shape.of(dims));
    }

    private static void det(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        if (x.rank() < 2) {
            throw new Unresolved("input must have rank >= 2, got " + x);
        }
        ctx.output(0, ctx.type(0), Shape.of(x.dims().subList(0, x.rank() - 2)));
    }

    /** [C] -> [max ngram index + 1]; [N, C] -> [N, max + 1]. */
    private static void tfIdf(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        long[] idx = ctx.attrInts("ngram_indexes");
        if (idx == null || idx.length == 0) {
            throw new Unresolved("no ngram_indexes attribute");
        }
        long width = java.util.Arrays.stream(idx).max().getAsLong() + 1;
        List<Dim> dims = new ArrayList<>();
        if (x.rank() == 2) {
            dims.add(x.dim(0));
        }
        dims.add(ctx.dim(width, "output width"));
        ctx.output(0, DataType.FLOAT, Shape.of(dims));
    }

    /** Counts distinct elements (or slices along axis) when the input is a known small value. */
    private static void unique(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        Value v = ctx.value(0);
        boolean hasAxis = ctx.hasAttr("axis");
        int axis = hasAxis ? ctx.axis(ctx.attrInt("axis", 0), x.rank()) : -1;
        Dim count = Dim.unknown();
        if (v != null && v.isFullyKnown()) {
            count = Dim.of(distinctSlices(v, axis));
        } else {
            ctx.because("the number of distinct values depends on the data");
        }
        List<Dim> dims = new ArrayList<>(hasAxis ? x.dims() : List.of(count));
        if (hasAxis) {
            dims.set(axis, count);
        }
        ctx.output(0, ctx.type(0), Shape.of(dims));
        ctx.output(1, DataType.INT64, Shape.of(List.of(count)));
        Dim all = hasAxis ? x.dim(axis) : DimMath.product(x.dims());
        ctx.output(2, DataType.INT64, Shape.of(List.of(all)));
        ctx.output(3, DataType.INT64, Shape.of(List.of(count)));
    }

    private static long distinctSlices(Value v, int axis) {
        long[] shape = v.shape();
        if (axis < 0) {
            return java.util.Arrays.stream(v.doubles()).distinct().count();
        }
        long[] strides = Indexing.strides(shape);
        long[] sliceShape = shape.clone();
        sliceShape[axis] = 1;
        java.util.Set<List<Double>> seen = new java.util.HashSet<>();
        for (long i = 0; i < shape[axis]; i++) {
            int[] idx = Indexing.strided(sliceShape, strides, i * strides[axis]);
            List<Double> slice = new ArrayList<>();
            for (int k : idx) {
                slice.add(v.doubleAt(k));
            }
            seen.add(slice);
        }
        return seen.size();
    }
}
