package dev.edgewise.core.analysis.shapes;

import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Dim;
import dev.edgewise.core.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Convolutions and pooling: output spatial sizes from kernel, strides, dilations, pads, auto_pad
 * and (pooling) ceil_mode, following the formulas of the ONNX operator specifications.
 */
final class ConvPoolRules {
    private ConvPoolRules() {
    }

    static void register(Map<String, ShapeRule> rules) {
        rules.put("Conv", ctx -> conv(ctx, 0, 1, ctx.type(0)));
        rules.put("ConvInteger", ctx -> conv(ctx, 0, 1, DataType.INT32));
        rules.put("QLinearConv", ctx -> conv(ctx, 0, 3, ctx.hasInput(7) ? ctx.type(7) : ctx.type(0)));
        rules.put("ConvTranspose", ConvPoolRules::convTranspose);
        for (String op : List.of("MaxPool", "AveragePool", "LpPool")) {
            rules.put(op, ConvPoolRules::pool);
        }
        rules.put("GlobalAveragePool", ConvPoolRules::globalPool);
        rules.put("GlobalMaxPool", ConvPoolRules::globalPool);
        rules.put("GlobalLpPool", ConvPoolRules::globalPool);
    }

    /** Window geometry of one spatial axis. */
    private record Window(long kernel, long stride, long dilation, long padBegin, long padEnd) {
        long effectiveKernel() {
            return (kernel - 1) * dilation + 1;
        }
    }

    private static List<Window> windows(OpContext ctx, int spatial, long[] kernel) {
        long[] strides = ctx.attrInts("strides");
        long[] dilations = ctx.attrInts("dilations");
        long[] pads = ctx.attrInts("pads");
        List<Window> out = new ArrayList<>(spatial);
        for (int i = 0; i < spatial; i++) {
            long s = strides != null && strides.length > i ? strides[i] : 1;
            long d = dilations != null && dilations.length > i ? dilations[i] : 1;
            long pb = pads != null && pads.length == 2 * spatial ? pads[i] : 0;
            long pe = pads != null && pads.length == 2 * spatial ? pads[i + spatial] : 0;
            if (s <= 0 || d <= 0) {
                throw new Unresolved("strides and dilations must be positive, got stride " + s + ", dilation " + d);
            }
            out.add(new Window(kernel[i], s, d, pb, pe));
        }
        return out;
    }

    /** Kernel sizes from the attribute, or from the weight's trailing dims. */
    private static long[] kernel(OpContext ctx, int weightInput, int spatial) {
        long[] k = ctx.attrInts("kernel_shape");
        if (k != null) {
            if (k.length != spatial) {
                throw new Unresolved("kernel_shape has " + k.length + " entries for " + spatial + " spatial axes");
            }
            return k;
        }
        Shape w = ctx.shape(weightInput);
        if (!w.hasRank() || w.rank() != spatial + 2) {
            throw new Unresolved("kernel size unknown: no kernel_shape attribute and weight shape " + w);
        }
        long[] out = new long[spatial];
        for (int i = 0; i < spatial; i++) {
            Dim d = w.dim(i + 2);
            if (!d.isKnown()) {
                throw new Unresolved("kernel size unknown: weight shape " + w);
            }
            out[i] = d.value();
        }
        return out;
    }

    private static Dim slidingOutput(OpContext ctx, Dim in, Window w, boolean ceilMode, int axis) {
        if (!in.isKnown()) {
            return Dim.unknown();
        }
        String autoPad = ctx.attrString("auto_pad", "NOTSET");
        long size = in.value();
        long out;
        switch (autoPad) {
            case "SAME_UPPER", "SAME_LOWER" -> out = Math.floorDiv(size + w.stride() - 1, w.stride());
            case "VALID" -> out = Math.floorDiv(size - w.effectiveKernel(), w.stride()) + 1;
            default -> {
                long span = size + w.padBegin() + w.padEnd() - w.effectiveKernel();
                if (ceilMode) {
                    out = Math.floorDiv(span + w.stride() - 1, w.stride()) + 1;
                    // The last window must start inside the input or its left padding (ONNX spec, PyTorch).
                    if ((out - 1) * w.stride() >= size + w.padBegin()) {
                        out--;
                    }
                } else {
                    out = Math.floorDiv(span, w.stride()) + 1;
                }
            }
        }
        return ctx.dim(out, "spatial axis " + axis + " (input " + size + ", kernel " + w.kernel() + ", stride "
            + w.stride() + ", dilation " + w.dilation() + ", pads " + w.padBegin() + "+" + w.padEnd() + ")");
    }

    private static void conv(OpContext ctx, int dataInput, int weightInput, DataType type) {
        Shape x = ctx.rankedShape(dataInput);
        if (x.rank() < 3) {
            throw new Unresolved("input has rank " + x.rank() + "; a convolution needs N x C x spatial");
        }
        int spatial = x.rank() - 2;
        Shape w = ctx.shape(weightInput);
        List<Dim> dims = new ArrayList<>();
        dims.add(x.dim(0));
        dims.add(w.hasRank() && w.rank() > 0 ? w.dim(0) : Dim.unknown());
        List<Window> win = windows(ctx, spatial, kernel(ctx, weightInput, spatial));
        for (int i = 0; i < spatial; i++) {
            dims.add(slidingOutput(ctx, x.dim(i + 2), win.get(i), false, i + 2));
        }
        ctx.output(0, type, Shape.of(dims));
    }

    private static void pool(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        if (x.rank() < 3) {
            throw new Unresolved("input has rank " + x.rank() + "; pooling needs N x C x spatial");
        }
        int spatial = x.rank() - 2;
        long[] kernel = ctx.attrInts("kernel_shape");
        if (kernel == null || kernel.length != spatial) {
            throw new Unresolved("kernel_shape attribute missing or not of length " + spatial);
        }
        List<Window> win = windows(ctx, spatial, kernel);
        boolean ceil = ctx.attrInt("ceil_mode", 0) != 0;
        List<Dim> dims = new ArrayList<>(x.dims().subList(0, 2));
        for (int i = 0; i < spatial; i++) {
            dims.add(slidingOutput(ctx, x.dim(i + 2), win.get(i), ceil, i + 2));
        }
        Shape out = Shape.of(dims);
        ctx.output(0, ctx.type(0), out);
        ctx.output(1, DataType.INT64, out);
    }

    private static void globalPool(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        List<Dim> dims = new ArrayList<>();
        for (int i = 0; i < x.rank(); i++) {
            dims.add(i < 2 ? x.dim(i) : Dim.of(1));
        }
        ctx.output(0, ctx.type(0), Shape.of(dims));
    }

    /**
     * out = stride * (in - 1) + output_padding + (kernel - 1) * dilation + 1 - pads, unless
     * output_shape is given; SAME auto_pad gives in * stride. Channels are W.dim(1) * group.
     */
    private static void convTranspose(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        if (x.rank() < 3) {
            throw new Unresolved("input has rank " + x.rank() + "; a convolution needs N x C x spatial");
        }
        int spatial = x.rank() - 2;
        Shape w = ctx.shape(1);
        long group = ctx.attrInt("group", 1);
        Dim channels = w.hasRank() && w.rank() > 1 && w.dim(1).isKnown()
            ? ctx.dim(w.dim(1).value() * group, "output channels") : Dim.unknown();
        List<Dim> dims = new ArrayList<>(List.of(x.dim(0), channels));
        long[] outputShape = ctx.attrInts("output_shape");
        if (outputShape != null && outputShape.length >= spatial) {
            for (int i = 0; i < spatial; i++) {
                long v = outputShape[outputShape.length - spatial + i];
                dims.add(ctx.dim(v, "output_shape[" + i + "]"));
            }
            ctx.output(0, ctx.type(0), Shape.of(dims));
            return;
        }
        List<Window> win = windows(ctx, spatial, kernel(ctx, 1, spatial));
        long[] outputPadding = ctx.attrInts("output_padding");
        String autoPad = ctx.attrString("auto_pad", "NOTSET");
        for (int i = 0; i < spatial; i++) {
            Dim in = x.dim(i + 2);
            if (!in.isKnown()) {
                dims.add(Dim.unknown());
                continue;
            }
            Window wi = win.get(i);
            long op = outputPadding != null && outputPadding.length > i ? outputPadding[i] : 0;
            long out;
            if (autoPad.startsWith("SAME")) {
                out = in.value() * wi.stride();
            } else {
                long pads = autoPad.equals("VALID") ? 0 : wi.padBegin() + wi.padEnd();
                out = wi.stride() * (in.value() - 1) + op + wi.effectiveKernel() - pads;
            }
            dims.add(ctx.dim(out, "spatial axis " + (i + 2) + " of the transposed convolution"));
        }
        ctx.output(0, ctx.type(0), Shape.of(dims));
    }
}
