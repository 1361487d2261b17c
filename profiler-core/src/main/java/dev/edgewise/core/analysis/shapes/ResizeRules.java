package dev.edgewise.core.analysis.shapes;

import dev.edgewise.core.ir.Dim;
import dev.edgewise.core.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Ops that grow or shrink spatial axes: Pad, Resize, Upsample, DepthToSpace, SpaceToDepth. */
final class ResizeRules {
    private ResizeRules() {
    }

    static void register(Map<String, ShapeRule> rules) {
        rules.put("Pad", ResizeRules::pad);
        rules.put("Resize", ResizeRules::resize);
        rules.put("Upsample", ResizeRules::upsample);
        rules.put("DepthToSpace", ctx -> blocks(ctx, true));
        rules.put("SpaceToDepth", ctx -> blocks(ctx, false));
    }

    /** Pads from the attribute (opset < 11) or the second input, optionally over axes (opset 18). */
    private static void pad(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        long[] pads = ctx.attrInts("pads");
        if (pads == null) {
            pads = ctx.requireValue(1, "pads").longs();
        }
        int r = x.rank();
        int[] axes = new int[r];
        if (ctx.hasInput(3)) {
            long[] a = ctx.requireValue(3, "axes").longs();
            axes = new int[a.length];
            for (int i = 0; i < a.length; i++) {
                axes[i] = ctx.axis(a[i], r);
            }
        } else {
            for (int i = 0; i < r; i++) {
                axes[i] = i;
            }
        }
        if (pads.length != 2 * axes.length) {
            throw new Unresolved("pads has " + pads.length + " values for " + axes.length + " axes");
        }
        List<Dim> dims = new ArrayList<>(x.dims());
        for (int i = 0; i < axes.length; i++) {
            Dim d = dims.get(axes[i]);
            long grow = pads[i] + pads[i + axes.length];
            dims.set(axes[i], d.isKnown() ? ctx.dim(d.value() + grow, "padded axis " + axes[i])
                : grow == 0 ? d : Dim.unknown());
        }
        ctx.output(0, ctx.type(0), Shape.of(dims));
    }

    /**
     * Opset 10: (X, scales). Opset 11+: (X, roi, scales, sizes) with sizes winning when non-empty;
     * opset 18 adds axes and keep_aspect_ratio_policy. Scaled sizes are floor(in * scale) in float32.
     */
    private static void resize(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        boolean opset10 = ctx.inputCount() == 2 || ctx.opset() == 10;
        int scalesInput = opset10 ? 1 : 2;
        int[] axes = resizeAxes(ctx, x.rank());
        Value sizes = opset10 ? null : ctx.value(3);
        Value scales = ctx.value(scalesInput);
        boolean haveSizes = ctx.hasInput(3) && !opset10;
        if (haveSizes && sizes == null || !haveSizes && scales == null) {
            int operand = haveSizes ? 3 : scalesInput;
            ctx.because((haveSizes ? "sizes" : "scales") + " input '" + ctx.node().input(operand) + "' is not a constant");
            ctx.output(0, ctx.type(0), Shape.unknownDims(x.rank()));
            return;
        }
        if (haveSizes && sizes.size() == 0) {
            haveSizes = false;
            scales = ctx.requireValue(scalesInput, "scales");
        }
        List<Dim> dims = new ArrayList<>(x.dims());
        if (haveSizes) {
            applySizes(ctx, x, axes, sizes, dims);
        } else {
            if (scales.size() != axes.length) {
                throw new Unresolved("scales has " + scales.size() + " values for " + axes.length + " axes");
            }
            for (int i = 0; i < axes.length; i++) {
                dims.set(axes[i], scaled(ctx, x.dim(axes[i]), scales.doubleAt(i), axes[i]));
            }
        }
        ctx.output(0, ctx.type(0), Shape.of(dims));
    }

    private static int[] resizeAxes(OpContext ctx, int rank) {
        long[] a = ctx.attrInts("axes");
        int[] axes = new int[a == null ? rank : a.length];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = a == null ? i : ctx.axis(a[i], rank);
        }
        return axes;
    }

    private static void applySizes(OpContext ctx, Shape x, int[] axes, Value sizes, List<Dim> dims) {
        if (sizes.size() != axes.length) {
            throw new Unresolved("sizes has " + sizes.size() + " values for " + axes.length + " axes");
        }
        String policy = ctx.attrString("keep_aspect_ratio_policy", "stretch");
        if (policy.equals("stretch")) {
            for (int i = 0; i < axes.length; i++) {
                dims.set(axes[i], sizes.isKnown(i) ? ctx.dim(sizes.longAt(i), "resized axis " + axes[i]) : sizes.dimAt(i));
            }
            return;
        }
        double scale = policy.equals("not_larger") ? Double.MAX_VALUE : 0;
        for (int i = 0; i < axes.length; i++) {
            Dim d = x.dim(axes[i]);
            if (!d.isKnown()) {
                throw new Unresolved("keep_aspect_ratio_policy needs known input dims, got " + x);
            }
            double s = (double) sizes.longAt(i) / d.value();
            scale = policy.equals("not_larger") ? Math.min(scale, s) : Math.max(scale, s);
        }
        for (int axis : axes) {
            dims.set(axis, ctx.dim(Math.round(scale * x.dim(axis).value()), "resized axis " + axis));
        }
    }

    private static Dim scaled(OpContext ctx, Dim d, double scale, int axis) {
        if (!d.isKnown()) {
            return scale == 1.0 ? d : Dim.unknown();
        }
        float product = (float) d.value() * (float) scale;
        return ctx.dim((long) Math.floor(product), "scaled axis " + axis);
    }

    /** Opset 7-8: scales attribute; opset 9: scales input. */
    private static void upsample(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        double[] scales;
        if (ctx.hasAttr("scales")) {
            scales = ctx.attr("scales").asFloats();
        } else {
            Value v = ctx.value(1);
            if (v == null) {
                ctx.because("scales input '" + ctx.node().input(1) + "' is not a constant");
                ctx.output(0, ctx.type(0), Shape.unknownDims(x.rank()));
                return;
            }
            scales = v.doubles();
        }
        if (scales.length != x.rank()) {
            throw new Unresolved("scales has " + scales.length + " values for rank " + x.rank());
        }
        List<Dim> dims = new ArrayList<>();
        for (int i = 0; i < scales.length; i++) {
            dims.add(scaled(ctx, x.dim(i), scales[i], i));
        }
        ctx.output(0, ctx.type(0), Shape.of(dims));
    }

    private static void blocks(OpContext ctx, boolean toSpace) {
        Shape x = ctx.rankedShape(0);
        if (x.rank() != 4) {
            throw new Unresolved("expects a rank-4 input, got " + x);
        }
        long b = ctx.attrInt("blocksize", 0);
        if (b <= 0) {
            throw new Unresolved("blocksize must be positive, got " + b);
        }
        long channelFactor = toSpace ? -b * b : b * b;
        List<Dim> dims = new ArrayList<>(List.of(x.dim(0), scaleDim(ctx, x.dim(1), channelFactor)));
        for (int i = 2; i < 4; i++) {
            dims.add(scaleDim(ctx, x.dim(i), toSpace ? b : -b));
        }
        ctx.output(0, ctx.type(0), Shape.of(dims));
    }

    /** Multiplies by {@code factor}, or divides by -factor when negative. */
    private static Dim scaleDim(OpContext ctx, Dim d, long factor) {
        if (!d.isKnown()) {
            return Dim.unknown();
        }
        long v = factor > 0 ? d.value() * factor : d.value() / -factor;
        return ctx.dim(v, "block-rearranged axis");
    }
}
