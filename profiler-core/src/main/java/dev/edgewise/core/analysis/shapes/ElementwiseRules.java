package dev.edgewise.core.analysis.shapes;

import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Dim;
import dev.edgewise.core.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Unary and broadcasting elementwise ops, activations, normalizations and type casts. */
final class ElementwiseRules {
    private ElementwiseRules() {
    }

    /** Ops whose single output has the type and shape of input 0 (values are not propagated). */
    private static final List<String> SAME_AS_INPUT = List.of(
        "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Erf", "Gelu", "Elu", "Selu",
        "Celu", "Softplus", "Softsign", "Mish", "ThresholdedRelu", "Shrink", "Softmax", "LogSoftmax",
        "Hardmax", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh",
        "BitwiseNot", "Clip", "LRN", "InstanceNormalization", "MeanVarianceNormalization",
        "GroupNormalization", "LpNormalization", "CumSum", "Trilu", "ReverseSequence", "Scatter",
        "ScatterElements", "ScatterND");

    /** Unary ops whose small values are evaluated (shape arithmetic uses them). */
    private static final List<String> EVALUATED_UNARY = List.of(
        "Neg", "Abs", "Floor", "Ceil", "Round", "Sqrt", "Reciprocal", "Exp", "Log", "Sign", "Not", "Identity");

    private static final List<String> BROADCAST = List.of(
        "Add", "Sub", "Mul", "Div", "Pow", "Mod", "And", "Or", "Xor", "BitShift", "BitwiseAnd", "BitwiseOr",
        "BitwiseXor", "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual");

    private static final List<String> COMPARISONS = List.of(
        "Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor");

    static void register(Map<String, ShapeRule> rules) {
        for (String op : SAME_AS_INPUT) {
            rules.put(op, ctx -> ctx.outputLike(0, 0));
        }
        for (String op : EVALUATED_UNARY) {
            rules.put(op, ElementwiseRules::evaluatedUnary);
        }
        rules.put("IsNaN", ctx -> ctx.output(0, DataType.BOOL, ctx.shape(0)));
        rules.put("IsInf", ctx -> ctx.output(0, DataType.BOOL, ctx.shape(0)));
        rules.put("Relu", ElementwiseRules::evaluatedUnary);
        for (String op : BROADCAST) {
            rules.put(op, ElementwiseRules::binary);
        }
        for (String op : List.of("Sum", "Mean", "Min", "Max")) {
            rules.put(op, ElementwiseRules::variadic);
        }
        for (String op : List.of("Bernoulli", "RandomUniformLike", "RandomNormalLike")) {
            rules.put(op, ElementwiseRules::randomLike);
        }
        for (String op : List.of("RandomNormal", "RandomUniform")) {
            rules.put(op, ctx -> {
                long[] shape = ctx.attrInts("shape");
                if (shape == null) {
                    throw new Unresolved("no shape attribute");
                }
                List<Dim> dims = new ArrayList<>();
                for (int i = 0; i < shape.length; i++) {
                    dims.add(ctx.dim(shape[i], "axis " + i + " of the shape attribute"));
                }
                DataType type = DataType.fromOnnx((int) ctx.attrInt("dtype", 1));
                ctx.output(0, type, Shape.of(dims));
            });
        }
        rules.put("PRelu", ctx -> ctx.outputLike(0, 0));
        rules.put("Where", ElementwiseRules::where);
        rules.put("Dropout", ElementwiseRules::dropout);
        rules.put("Cast", ElementwiseRules::cast);
        rules.put("CastLike", ctx -> castTo(ctx, ctx.type(1)));
        rules.put("BatchNormalization", ElementwiseRules::batchNorm);
        rules.put("LayerNormalization", ElementwiseRules::layerNorm);
    }

    private static void evaluatedUnary(OpContext ctx) {
        String op = ctx.node().opType();
        DataType type = op.equals("Not") ? DataType.BOOL : ctx.type(0);
        Value in = ctx.value(0);
        Value out = null;
        if (in != null) {
            try {
                out = ValueEval.unary(op, in, type);
            } catch (Unresolved e) {
                out = null;
            }
        }
        ctx.output(0, type, ctx.shape(0), out);
    }

    private static void binary(OpContext ctx) {
        String op = ctx.node().opType();
        Shape shape = DimMath.broadcast(ctx.rankedShape(0), ctx.rankedShape(1));
        DataType type = COMPARISONS.contains(op) ? DataType.BOOL : ctx.type(0);
        Value out = null;
        Value a = ctx.value(0);
        Value b = ctx.value(1);
        if (a != null && b != null) {
            try {
                out = ValueEval.binary(op, a, b, type, ctx.attrInt("fmod", 0) != 0);
            } catch (Unresolved e) {
                out = null;
            }
        }
        ctx.output(0, type, shape, out);
    }

    private static void variadic(OpContext ctx) {
        String op = ctx.node().opType();
        List<Shape> shapes = new ArrayList<>();
        for (int i = 0; i < ctx.inputCount(); i++) {
            if (ctx.hasInput(i)) {
                shapes.add(ctx.rankedShape(i));
            }
        }
        Shape shape = DimMath.broadcast(shapes);
        Value acc = op.equals("Mean") ? null : ctx.value(0);
        for (int i = 1; i < ctx.inputCount() && acc != null; i++) {
            Value next = ctx.value(i);
            try {
                acc = next == null ? null : ValueEval.binary(op, acc, next, ctx.type(0), false);
            } catch (Unresolved e) {
                acc = null;
            }
        }
        ctx.output(0, ctx.type(0), shape, acc);
    }

    private static void where(OpContext ctx) {
        Shape shape = DimMath.broadcast(List.of(ctx.rankedShape(0), ctx.rankedShape(1), ctx.rankedShape(2)));
        DataType type = ctx.type(1) != DataType.UNDEFINED ? ctx.type(1) : ctx.type(2);
        Value c = ctx.value(0);
        Value x = ctx.value(1);
        Value y = ctx.value(2);
        Value out = c != null && x != null && y != null ? ValueEval.where(c, x, y, type) : null;
        ctx.output(0, type, shape, out);
    }

    /** Random ops shaped like their input; the optional dtype attribute sets the element type. */
    private static void randomLike(OpContext ctx) {
        DataType type = DataType.fromOnnx((int) ctx.attrInt("dtype", 0));
        ctx.output(0, type == DataType.UNDEFINED ? ctx.type(0) : type, ctx.shape(0));
    }

    private static void dropout(OpContext ctx) {
        ctx.output(0, ctx.type(0), ctx.shape(0), ctx.value(0));
        ctx.output(1, DataType.BOOL, ctx.shape(0));
    }

    private static void cast(OpContext ctx) {
        long to = ctx.attrInt("to", -1);
        DataType type = DataType.fromOnnx((int) to);
        if (type == DataType.UNDEFINED) {
            ctx.because("Cast has no valid 'to' attribute");
        }
        castTo(ctx, type);
    }

    private static void castTo(OpContext ctx, DataType type) {
        Value in = ctx.value(0);
        ctx.output(0, type, ctx.shape(0), in == null || type == DataType.UNDEFINED ? null : in.cast(type));
    }

    /** Y like X; the optional running/saved statistics are per channel (dim 1 of X). */
    private static void batchNorm(OpContext ctx) {
        ctx.outputLike(0, 0);
        Shape x = ctx.shape(0);
        Dim channels = ctx.shape(1).hasRank() && ctx.shape(1).rank() == 1 ? ctx.shape(1).dim(0)
            : x.hasRank() && x.rank() > 1 ? x.dim(1) : Dim.unknown();
        DataType statType = ctx.type(3) != DataType.UNDEFINED ? ctx.type(3) : ctx.type(0);
        for (int i = 1; i < ctx.outputCount(); i++) {
            ctx.output(i, statType, Shape.of(List.of(channels)));
        }
    }

    /** Mean and InvStdDev keep the dims before {@code axis} and reduce the rest to 1. */
    private static void layerNorm(OpContext ctx) {
        ctx.outputLike(0, 0);
        if (ctx.outputCount() < 2) {
            return;
        }
        Shape x = ctx.rankedShape(0);
        int axis = ctx.axis(ctx.attrInt("axis", -1), x.rank());
        List<Dim> dims = new ArrayList<>(x.dims());
        for (int i = axis; i < dims.size(); i++) {
            dims.set(i, Dim.of(1));
        }
        DataType stash = DataType.fromOnnx((int) ctx.attrInt("stash_type", 1));
        for (int i = 1; i < ctx.outputCount(); i++) {
            ctx.output(i, stash, Shape.of(dims));
        }
    }
}
