package dev.edgewise.core.analysis.shapes;

import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Dim;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Ops that produce or rearrange shapes: Shape, Size, Reshape, Flatten, Transpose, Squeeze,
 * Unsqueeze, Expand, Tile, Constant, ConstantOfShape, Range, Identity. They carry small values
 * along so that shape arithmetic exported by PyTorch resolves.
 */
final class ReshapeRules {
    private ReshapeRules() {
    }

    static void register(Map<String, ShapeRule> rules) {
        rules.put("Shape", ReshapeRules::shape);
        rules.put("Size", ReshapeRules::size);
        rules.put("Reshape", ReshapeRules::reshape);
        rules.put("Flatten", ReshapeRules::flatten);
        rules.put("Transpose", ReshapeRules::transpose);
        rules.put("Squeeze", ReshapeRules::squeeze);
        rules.put("Unsqueeze", ReshapeRules::unsqueeze);
        rules.put("Expand", ReshapeRules::expand);
        rules.put("Tile", ReshapeRules::tile);
        rules.put("Constant", ReshapeRules::constant);
        rules.put("ConstantOfShape", ReshapeRules::constantOfShape);
        rules.put("Range", ReshapeRules::range);
        rules.put("Identity", ctx -> ctx.output(0, ctx.type(0), ctx.shape(0), ctx.value(0)));
    }

    /** Axes from the attribute (older opsets) or from a constant input (newer); null if neither. */
    static long[] axes(OpContext ctx, String attr, int input) {
        long[] a = ctx.attrInts(attr);
        if (a != null) {
            return a;
        }
        if (ctx.hasInput(input)) {
            return ctx.requireValue(input, attr).longs();
        }
        return null;
    }

    private static void shape(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        int r = x.rank();
        long start = ctx.attrInt("start", 0);
        long end = ctx.attrInt("end", r);
        int s = (int) Math.min(Math.max(start < 0 ? start + r : start, 0), r);
        int e = (int) Math.min(Math.max(end < 0 ? end + r : end, 0), r);
        List<Dim> dims = x.dims().subList(s, Math.max(s, e));
        ctx.output(0, DataType.INT64, Shape.of(dims.size()), Value.ofDims(DataType.INT64, dims));
    }

    private static void size(OpContext ctx) {
        Shape x = ctx.shape(0);
        Value v = null;
        if (x.hasRank()) {
            Dim n = DimMath.product(x.dims());
            v = Value.ofDims(DataType.INT64, List.of(n)).reshape(new long[0]);
        }
        ctx.output(0, DataType.INT64, Shape.scalar(), v);
    }

    private static void reshape(OpContext ctx) {
        Shape x = ctx.shape(0);
        Value target;
        long[] attrShape = ctx.attrInts("shape");
        if (attrShape != null && !ctx.hasInput(1)) {
            target = Value.ofInts(DataType.INT64, new long[] {attrShape.length}, attrShape);
        } else {
            target = ctx.value(1);
        }
        if (target == null) {
            Shape ts = ctx.shape(1);
            if (ts.hasRank() && ts.rank() == 1 && ts.dim(0).isKnown()) {
                ctx.because("target shape input '" + ctx.node().input(1) + "' is not a constant");
                ctx.output(0, ctx.type(0), Shape.unknownDims((int) ts.dim(0).value()));
                return;
            }
            throw new Unresolved("target shape input '" + ctx.node().input(1) + "' is not a constant");
        }
        boolean allowZero = ctx.attrInt("allowzero", 0) != 0;
        Shape out = reshapedShape(ctx, x, target, allowZero);
        Value in = ctx.value(0);
        ctx.output(0, ctx.type(0), out, in != null && out.isStatic() ? in.reshape(out.toArray()) : null);
    }

    private static Shape reshapedShape(OpContext ctx, Shape x, Value target, boolean allowZero) {
        int n = target.size();
        List<Dim> dims = new ArrayList<>(n);
        int inferred = -1;
        for (int i = 0; i < n; i++) {
            if (!target.isKnown(i)) {
                dims.add(target.dimAt(i));
                continue;
            }
            long v = target.longAt(i);
            if (v == -1) {
                if (inferred >= 0) {
                    throw new Unresolved("target shape has more than one -1");
                }
                inferred = i;
                dims.add(Dim.unknown());
            } else if (v == 0 && !allowZero) {
                if (!x.hasRank() || i >= x.rank()) {
                    throw new Unresolved("target dim " + i + " is 0 (copy) but the input rank is unknown or smaller");
                }
                dims.add(x.dim(i));
            } else if (v < -1) {
                throw new InvalidDimension("reshape target has dimension " + v);
            } else {
                dims.add(ctx.dim(v, "reshape target axis " + i));
            }
        }
        if (inferred >= 0) {
            dims.set(inferred, inferMinusOne(x, dims, inferred));
        }
        return Shape.of(dims);
    }

    /** Solves -1: input elements over the other target dims, cancelling symbols present on both sides. */
    private static Dim inferMinusOne(Shape x, List<Dim> target, int inferred) {
        if (!x.hasRank()) {
            return Dim.unknown();
        }
        List<Dim> num = new ArrayList<>(x.dims());
        List<Dim> den = new ArrayList<>(target);
        den.remove(inferred);
        for (int i = den.size() - 1; i >= 0; i--) {
            Dim d = den.get(i);
            if (!d.isKnown() && d.isSymbolic() && num.remove(d)) {
                den.remove(i);
            }
        }
        Dim p = DimMath.product(num);
        Dim q = DimMath.product(den);
        if (!q.isKnown()) {
            return p.isSymbolic() && q.equals(p) ? Dim.of(1) : Dim.unknown();
        }
        if (q.value() == 0) {
            return p.isKnown() && p.value() == 0 ? Dim.of(0) : Dim.unknown();
        }
        if (!p.isKnown()) {
            return p.isSymbolic() && q.value() == 1 ? p : Dim.unknown();
        }
        if (p.value() % q.value() != 0) {
            throw new InvalidDimension("cannot reshape " + x + " into " + Shape.of(target)
                + ": " + p.value() + " elements are not a multiple of " + q.value());
        }
        return Dim.of(p.value() / q.value());
    }

    private static void flatten(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        long axis = ctx.attrInt("axis", 1);
        int a = (int) (axis < 0 ? axis + x.rank() : axis);
        if (a < 0 || a > x.rank()) {
            throw new Unresolved("axis " + axis + " is out of range for rank " + x.rank());
        }
        Dim outer = DimMath.product(x.dims().subList(0, a));
        Dim inner = DimMath.product(x.dims().subList(a, x.rank()));
        Shape out = Shape.of(List.of(outer, inner));
        Value in = ctx.value(0);
        ctx.output(0, ctx.type(0), out, in != null && out.isStatic() ? in.reshape(out.toArray()) : null);
    }

    private static void transpose(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        int r = x.rank();
        long[] perm = ctx.attrInts("perm");
        if (perm == null) {
            perm = new long[r];
            for (int i = 0; i < r; i++) {
                perm[i] = r - 1 - i;
            }
        }
        if (perm.length != r) {
            throw new Unresolved("perm has " + perm.length + " entries for rank " + r);
        }
        List<Dim> dims = new ArrayList<>();
        for (long p : perm) {
            dims.add(x.dim(ctx.axis(p, r)));
        }
        Shape out = Shape.of(dims);
        Value in = ctx.value(0);
        Value v = null;
        if (in != null) {
            v = in.select(Indexing.transposeIndices(in.shape(), perm), out.toArray());
        }
        ctx.output(0, ctx.type(0), out, v);
    }

    private static void squeeze(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        long[] axes = axes(ctx, "axes", 1);
        boolean[] drop = new boolean[x.rank()];
        if (axes == null) {
            for (int i = 0; i < x.rank(); i++) {
                Dim d = x.dim(i);
                if (!d.isKnown()) {
                    throw new Unresolved("Squeeze without axes needs every dim known, got " + x);
                }
                drop[i] = d.value() == 1;
            }
        } else {
            for (long a : axes) {
                drop[ctx.axis(a, x.rank())] = true;
            }
        }
        List<Dim> dims = new ArrayList<>();
        for (int i = 0; i < x.rank(); i++) {
            if (!drop[i]) {
                dims.add(x.dim(i));
            }
        }
        reshapeValue(ctx, Shape.of(dims));
    }

    private static void unsqueeze(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        long[] axes = axes(ctx, "axes", 1);
        if (axes == null) {
            throw new Unresolved("Unsqueeze has neither an axes attribute nor an axes input");
        }
        int outRank = x.rank() + axes.length;
        boolean[] inserted = new boolean[outRank];
        for (long a : axes) {
            int k = ctx.axis(a, outRank);
            if (inserted[k]) {
                throw new Unresolved("axis " + a + " is repeated");
            }
            inserted[k] = true;
        }
        List<Dim> dims = new ArrayList<>();
        int j = 0;
        for (int i = 0; i < outRank; i++) {
            dims.add(inserted[i] ? Dim.of(1) : x.dim(j++));
        }
        reshapeValue(ctx, Shape.of(dims));
    }

    /** Output with the input's elements in a new shape (Squeeze, Unsqueeze). */
    private static void reshapeValue(OpContext ctx, Shape out) {
        Value in = ctx.value(0);
        ctx.output(0, ctx.type(0), out, in != null && out.isStatic() ? in.reshape(out.toArray()) : null);
    }

    private static void expand(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        Value target = ctx.value(1);
        if (target == null) {
            throw new Unresolved("shape input '" + ctx.node().input(1) + "' is not a constant");
        }
        List<Dim> td = new ArrayList<>();
        for (int i = 0; i < target.size(); i++) {
            td.add(target.dimAt(i));
        }
        Shape out = DimMath.broadcast(x, Shape.of(td));
        Value in = ctx.value(0);
        Value v = null;
        if (in != null && out.isStatic() && out.numElements().getAsLong() <= Value.MAX_ELEMENTS) {
            long[] os = out.toArray();
            v = in.select(DimMath.broadcastIndex(os, in.shape()), os);
        }
        ctx.output(0, ctx.type(0), out, v);
    }

    private static void tile(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        Value repeats = ctx.requireValue(1, "repeats");
        if (repeats.size() != x.rank()) {
            throw new Unresolved("repeats has " + repeats.size() + " entries for rank " + x.rank());
        }
        List<Dim> dims = new ArrayList<>();
        for (int i = 0; i < x.rank(); i++) {
            long r = repeats.longAt(i);
            Dim d = x.dim(i);
            dims.add(d.isKnown() ? ctx.dim(d.value() * r, "tiled axis " + i) : r == 1 ? d : Dim.unknown());
        }
        ctx.output(0, ctx.type(0), Shape.of(dims));
    }

    private static void constant(OpContext ctx) {
        Attribute value = ctx.attr("value");
        if (value != null && value.kind() == Attribute.Kind.TENSOR) {
            TensorData t = value.asTensor();
            ctx.output(0, t.dataType(), t.shape(), Value.fromTensor(t));
            return;
        }
        if (ctx.hasAttr("value_float")) {
            double f = ctx.attrFloat("value_float", 0);
            ctx.output(0, DataType.FLOAT, Shape.scalar(), Value.ofFloats(DataType.FLOAT, new long[0], new double[] {f}));
        } else if (ctx.hasAttr("value_floats")) {
            double[] f = ctx.attr("value_floats").asFloats();
            ctx.output(0, DataType.FLOAT, Shape.of(f.length), Value.ofFloats(DataType.FLOAT, new long[] {f.length}, f));
        } else if (ctx.hasAttr("value_int")) {
            ctx.output(0, DataType.INT64, Shape.scalar(), Value.scalarLong(ctx.attrInt("value_int", 0)));
        } else if (ctx.hasAttr("value_ints")) {
            long[] v = ctx.attrInts("value_ints");
            ctx.output(0, DataType.INT64, Shape.of(v.length), Value.ofInts(DataType.INT64, new long[] {v.length}, v));
        } else if (ctx.hasAttr("value_string")) {
            ctx.output(0, DataType.STRING, Shape.scalar());
        } else if (ctx.hasAttr("value_strings")) {
            int n = ((List<?>) ctx.attr("value_strings").value()).size();
            ctx.output(0, DataType.STRING, Shape.of(n));
        } else {
            throw new Unresolved("Constant has no readable value attribute (sparse_value is not supported)");
        }
    }

    private static void constantOfShape(OpContext ctx) {
        Value shapeValue = ctx.value(0);
        Attribute valueAttr = ctx.attr("value");
        TensorData fill = valueAttr != null && valueAttr.kind() == Attribute.Kind.TENSOR ? valueAttr.asTensor() : null;
        DataType type = fill == null ? DataType.FLOAT : fill.dataType();
        if (shapeValue == null) {
            Shape s = ctx.shape(0);
            if (s.hasRank() && s.rank() == 1 && s.dim(0).isKnown()) {
                ctx.because("shape input '" + ctx.node().input(0) + "' is not a constant");
                ctx.output(0, type, Shape.unknownDims((int) s.dim(0).value()));
                return;
            }
            throw new Unresolved("shape input '" + ctx.node().input(0) + "' is not a constant");
        }
        List<Dim> dims = new ArrayList<>();
        for (int i = 0; i < shapeValue.size(); i++) {
            if (shapeValue.isKnown(i)) {
                dims.add(ctx.dim(shapeValue.longAt(i), "axis " + i + " of ConstantOfShape"));
            } else {
                dims.add(shapeValue.dimAt(i));
            }
        }
        Shape out = Shape.of(dims);
        ctx.output(0, type, out, filled(out, type, fill));
    }

    private static Value filled(Shape out, DataType type, TensorData fill) {
        if (!out.isStatic() || out.numElements().getAsLong() > Value.MAX_ELEMENTS) {
            return null;
        }
        Value scalar = fill == null ? Value.ofFloats(DataType.FLOAT, new long[0], new double[] {0}) : Value.fromTensor(fill);
        if (scalar == null || scalar.size() != 1) {
            return null;
        }
        long[] os = out.toArray();
        return scalar.select(new int[(int) DimMath.numElements(os)], os);
    }

    private static void range(OpContext ctx) {
        Value start = ctx.value(0);
        Value limit = ctx.value(1);
        Value delta = ctx.value(2);
        DataType type = ctx.type(0);
        if (start == null || limit == null || delta == null || !start.isFullyKnown() || !limit.isFullyKnown()
                || !delta.isFullyKnown()) {
            // Range(0, seq_len, 1) of a symbolic length (position ids in transformers) has that length.
            boolean counting = start != null && delta != null && start.isFullyKnown() && delta.isFullyKnown()
                && start.doubleAt(0) == 0 && delta.doubleAt(0) == 1 && limit != null && !type.isFloatingPoint();
            Dim len = counting ? limit.dimAt(0) : Dim.unknown();
            if (!len.isSymbolic()) {
                ctx.because("start, limit or delta is not a constant");
            }
            ctx.output(0, type, Shape.of(List.of(len)));
            return;
        }
        boolean floats = type.isFloatingPoint();
        double s = start.doubleAt(0);
        double d = delta.doubleAt(0);
        if (d == 0) {
            throw new Unresolved("Range delta is zero");
        }
        long n = Math.max((long) Math.ceil((limit.doubleAt(0) - s) / d), 0);
        Dim len = ctx.dim(n, "Range length");
        Value v = null;
        if (n <= Value.MAX_ELEMENTS) {
            if (floats) {
                double[] out = new double[(int) n];
                for (int i = 0; i < n; i++) {
                    out[i] = s + i * d;
                }
                v = Value.ofFloats(type, new long[] {n}, out);
            } else {
                long[] out = new long[(int) n];
                for (int i = 0; i < n; i++) {
                    out[i] = start.longAt(0) + i * delta.longAt(0);
                }
                v = Value.ofInts(type, new long[] {n}, out);
            }
        }
        ctx.output(0, type, Shape.of(List.of(len)), v);
    }
}
