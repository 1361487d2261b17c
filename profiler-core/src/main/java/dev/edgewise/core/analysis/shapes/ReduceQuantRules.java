package dev.edgewise.core.analysis.shapes;

import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Dim;
import dev.edgewise.core.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reductions (Reduce*, ArgMax/ArgMin) and quantization ops. */
final class ReduceQuantRules {
    private static final List<String> REDUCTIONS = List.of("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin",
        "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare");

    private ReduceQuantRules() {
    }

    static void register(Map<String, ShapeRule> rules) {
        for (String op : REDUCTIONS) {
            rules.put(op, ReduceQuantRules::reduce);
        }
        rules.put("ArgMax", ReduceQuantRules::argReduce);
        rules.put("ArgMin", ReduceQuantRules::argReduce);
        rules.put("QuantizeLinear", ReduceQuantRules::quantize);
        rules.put("DequantizeLinear", ReduceQuantRules::dequantize);
        rules.put("DynamicQuantizeLinear", ctx -> {
            ctx.output(0, DataType.UINT8, ctx.shape(0));
            ctx.output(1, DataType.FLOAT, Shape.scalar());
            ctx.output(2, DataType.UINT8, Shape.scalar());
        });
    }

    /** Axes from the attribute or (ReduceSum 13+, others 18+) the second input; both are accepted. */
    private static void reduce(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        boolean keep = ctx.attrInt("keepdims", 1) != 0;
        long[] axes = ctx.attrInts("axes");
        if (axes == null && ctx.hasInput(1)) {
            Value v = ctx.value(1);
            if (v == null) {
                if (!keep) {
                    throw new Unresolved("axes input '" + ctx.node().input(1) + "' is not a constant");
                }
                ctx.because("axes input '" + ctx.node().input(1) + "' is not a constant");
                ctx.output(0, ctx.type(0), Shape.unknownDims(x.rank()));
                return;
            }
            axes = v.longs();
        }
        if (axes == null || axes.length == 0) {
            if (ctx.attrInt("noop_with_empty_axes", 0) != 0) {
                ctx.output(0, ctx.type(0), x, ctx.value(0));
                return;
            }
            axes = new long[x.rank()];
            for (int i = 0; i < axes.length; i++) {
                axes[i] = i;
            }
        }
        boolean[] reduced = new boolean[x.rank()];
        for (long a : axes) {
            reduced[ctx.axis(a, x.rank())] = true;
        }
        Shape out = reducedShape(x, reduced, keep);
        ctx.output(0, ctx.type(0), out, reducedValue(ctx, reduced, out));
    }

    private static Shape reducedShape(Shape x, boolean[] reduced, boolean keep) {
        List<Dim> dims = new ArrayList<>();
        for (int i = 0; i < x.rank(); i++) {
            if (!reduced[i]) {
                dims.add(x.dim(i));
            } else if (keep) {
                dims.add(Dim.of(1));
            }
        }
        return Shape.of(dims);
    }

    /** ReduceProd/Sum/Min/Max of a small known tensor to one scalar (element counts in shape code). */
    private static Value reducedValue(OpContext ctx, boolean[] reduced, Shape out) {
        Value in = ctx.value(0);
        String op = ctx.node().opType();
        if (in == null || !in.isFullyKnown() || !out.isStatic() || out.numElements().getAsLong() != 1) {
            return null;
        }
        String binary = switch (op) {
            case "ReduceProd" -> "Mul";
            case "ReduceSum" -> "Sum";
            case "ReduceMin" -> "Min";
            case "ReduceMax" -> "Max";
            default -> null;
        };
        if (binary == null || in.size() == 0) {
            return null;
        }
        if (in.isFloat()) {
            double acc = in.doubleAt(0);
            for (int i = 1; i < in.size(); i++) {
                acc = ValueEval.floatOp(binary, acc, in.doubleAt(i), false);
            }
            return Value.ofFloats(in.type(), out.toArray(), new double[] {acc});
        }
        long acc = in.longAt(0);
        for (int i = 1; i < in.size(); i++) {
            acc = ValueEval.intOp(binary, acc, in.longAt(i), false);
        }
        return Value.ofInts(in.type(), out.toArray(), new long[] {acc});
    }

    private static void argReduce(OpContext ctx) {
        Shape x = ctx.rankedShape(0);
        boolean[] reduced = new boolean[x.rank()];
        reduced[ctx.axis(ctx.attrInt("axis", 0), x.rank())] = true;
        ctx.output(0, DataType.INT64, reducedShape(x, reduced, ctx.attrInt("keepdims", 1) != 0));
    }

    /** Output type: opset 21's output_dtype, else the zero point's type, else uint8. */
    private static void quantize(OpContext ctx) {
        DataType type = DataType.fromOnnx((int) ctx.attrInt("output_dtype", 0));
        if (type == DataType.UNDEFINED) {
            type = ctx.hasInput(2) && ctx.type(2) != DataType.UNDEFINED ? ctx.type(2) : DataType.UINT8;
        }
        ctx.output(0, type, ctx.shape(0));
    }

    /** Output type: opset 19+ follows the scale's type (float, float16, bfloat16); earlier float. */
    private static void dequantize(OpContext ctx) {
        DataType scale = ctx.type(1);
        ctx.output(0, scale.isFloatingPoint() ? scale : DataType.FLOAT, ctx.shape(0));
    }
}
