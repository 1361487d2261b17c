package dev.edgewise.core.analysis.shapes;

import dev.edgewise.core.ir.DataType;
import java.util.function.DoubleUnaryOperator;

/**
 * Evaluates elementwise ops on small known values, with ONNX's integer semantics for integer
 * tensors (truncating Div, sign-of-divisor Mod). Symbolic elements survive the identities that
 * shape arithmetic relies on (x*1, x/1, x+0, x-0); anything else involving them becomes unknown.
 */
public final class ValueEval {
    private ValueEval() {
    }

    /** Binary op over broadcast operands; null when the op is not one this evaluator knows. */
    public static Value binary(String op, Value a, Value b, DataType outType, boolean fmod) {
        long[] shape = DimMath.broadcastStatic(a.shape(), b.shape());
        if (DimMath.numElements(shape) > Value.MAX_ELEMENTS) {
            return null;
        }
        int[] ia = DimMath.broadcastIndex(shape, a.shape());
        int[] ib = DimMath.broadcastIndex(shape, b.shape());
        boolean integerMath = !a.isFloat() && !b.isFloat() && !outType.isFloatingPoint();
        if (!integerMath) {
            double[] out = new double[ia.length];
            for (int i = 0; i < out.length; i++) {
                if (!a.isKnown(ia[i]) || !b.isKnown(ib[i])) {
                    return null;
                }
                out[i] = roundToType(floatOp(op, a.doubleAt(ia[i]), b.doubleAt(ib[i]), fmod), outType);
            }
            if (!outType.isFloatingPoint()) {
                return Value.ofFloats(DataType.DOUBLE, shape, out).cast(outType);
            }
            return Value.ofFloats(outType, shape, out);
        }
        long[] out = new long[ia.length];
        String[] symbols = new String[ia.length];
        for (int i = 0; i < out.length; i++) {
            int x = ia[i];
            int y = ib[i];
            Long compared;
            if (a.isKnown(x) && b.isKnown(y)) {
                out[i] = intOp(op, a.longAt(x), b.longAt(y), fmod);
            } else if ((compared = symbolicCompare(op, a, x, b, y)) != null) {
                out[i] = compared;
            } else {
                symbols[i] = symbolicIdentity(op, a, x, b, y);
            }
        }
        return Value.build(outType, shape, out, symbols);
    }

    /**
     * Comparisons a named dim decides although its value is unknown: a dim is never negative, and
     * equals itself. PyTorch's export of expand(-1, ...) compares a shape with -1 this way.
     */
    private static Long symbolicCompare(String op, Value a, int x, Value b, int y) {
        String sa = a.isKnown(x) ? null : a.rawSymbol(x);
        String sb = b.isKnown(y) ? null : b.rawSymbol(y);
        if (sa != null && sa.equals(sb) && !sa.isEmpty()) {
            return switch (op) {
                case "Equal", "LessOrEqual", "GreaterOrEqual" -> 1L;
                case "Less", "Greater" -> 0L;
                default -> null;
            };
        }
        boolean flipped = sa == null;
        String symbol = flipped ? sb : sa;
        Value other = flipped ? a : b;
        int k = flipped ? x : y;
        if (symbol == null || symbol.isEmpty() || !other.isKnown(k) || other.longAt(k) >= 0) {
            return null;
        }
        // symbol >= 0 > constant
        return switch (op) {
            case "Equal" -> 0L;
            case "Greater", "GreaterOrEqual" -> flipped ? 0L : 1L;
            case "Less", "LessOrEqual" -> flipped ? 1L : 0L;
            default -> null;
        };
    }

    private static String symbolicIdentity(String op, Value a, int x, Value b, int y) {
        String unknown = Value.unknownMarker();
        boolean bKnown = b.isKnown(y);
        boolean aKnown = a.isKnown(x);
        switch (op) {
            case "Mul" -> {
                if (bKnown && b.longAt(y) == 1) {
                    return a.rawSymbol(x);
                }
                if (aKnown && a.longAt(x) == 1) {
                    return b.rawSymbol(y);
                }
            }
            case "Div" -> {
                if (bKnown && b.longAt(y) == 1) {
                    return a.rawSymbol(x);
                }
            }
            case "Add" -> {
                if (bKnown && b.longAt(y) == 0) {
                    return a.rawSymbol(x);
                }
                if (aKnown && a.longAt(x) == 0) {
                    return b.rawSymbol(y);
                }
            }
            case "Sub" -> {
                if (bKnown && b.longAt(y) == 0) {
                    return a.rawSymbol(x);
                }
            }
            case "Max", "Min" -> {
                if (!aKnown && !bKnown && a.rawSymbol(x).equals(b.rawSymbol(y)) && !a.rawSymbol(x).isEmpty()) {
                    return a.rawSymbol(x);
                }
            }
            default -> {
                return unknown;
            }
        }
        return unknown;
    }

    static long intOp(String op, long a, long b, boolean fmod) {
        try {
            return exactIntOp(op, a, b, fmod);
        } catch (ArithmeticException e) {
            throw new Unresolved("integer overflow in shape arithmetic (" + op + " of " + a + " and " + b + ")");
        }
    }

    private static long exactIntOp(String op, long a, long b, boolean fmod) {
        return switch (op) {
            case "Add", "Sum" -> Math.addExact(a, b);
            case "Sub" -> Math.subtractExact(a, b);
            case "Mul" -> Math.multiplyExact(a, b);
            case "Div" -> {
                if (b == 0) {
                    throw new Unresolved("integer division by zero in shape arithmetic");
                }
                yield a / b;
            }
            case "Mod" -> {
                if (b == 0) {
                    throw new Unresolved("integer modulo by zero in shape arithmetic");
                }
                long r = a % b;
                yield !fmod && r != 0 && ((r < 0) != (b < 0)) ? r + b : r;
            }
            case "Pow" -> (long) Math.pow(a, b);
            case "Min" -> Math.min(a, b);
            case "Max" -> Math.max(a, b);
            case "Equal" -> a == b ? 1 : 0;
            case "Less" -> a < b ? 1 : 0;
            case "LessOrEqual" -> a <= b ? 1 : 0;
            case "Greater" -> a > b ? 1 : 0;
            case "GreaterOrEqual" -> a >= b ? 1 : 0;
            case "And" -> (a != 0 && b != 0) ? 1 : 0;
            case "Or" -> (a != 0 || b != 0) ? 1 : 0;
            case "Xor" -> ((a != 0) ^ (b != 0)) ? 1 : 0;
            default -> throw new Unresolved("cannot evaluate " + op + " on integers");
        };
    }

    static double floatOp(String op, double a, double b, boolean fmod) {
        return switch (op) {
            case "Add", "Sum" -> a + b;
            case "Sub" -> a - b;
            case "Mul" -> a * b;
            case "Div" -> a / b;
            case "Mod" -> fmod ? a % b : a - Math.floor(a / b) * b;
            case "Pow" -> Math.pow(a, b);
            case "Min" -> Math.min(a, b);
            case "Max" -> Math.max(a, b);
            case "Equal" -> a == b ? 1 : 0;
            case "Less" -> a < b ? 1 : 0;
            case "LessOrEqual" -> a <= b ? 1 : 0;
            case "Greater" -> a > b ? 1 : 0;
            case "GreaterOrEqual" -> a >= b ? 1 : 0;
            default -> throw new Unresolved("cannot evaluate " + op + " on floats");
        };
    }

    /** float32 results are rounded to float32 so that Floor/Ceil after them match a runtime. */
    private static double roundToType(double v, DataType type) {
        return type == DataType.FLOAT ? (double) (float) v : v;
    }

    /** Unary op on a fully known value; null when not evaluable. */
    public static Value unary(String op, Value a, DataType outType) {
        if (!a.isFloat() && !outType.isFloatingPoint()) {
            return unaryInt(op, a, outType);
        }
        DoubleUnaryOperator f = switch (op) {
            case "Neg" -> x -> -x;
            case "Abs" -> Math::abs;
            case "Floor" -> Math::floor;
            case "Ceil" -> Math::ceil;
            case "Round" -> Math::rint;
            case "Sqrt" -> Math::sqrt;
            case "Reciprocal" -> x -> 1 / x;
            case "Exp" -> Math::exp;
            case "Log" -> Math::log;
            case "Relu" -> x -> Math.max(x, 0);
            case "Sign" -> Math::signum;
            case "Identity" -> x -> x;
            default -> null;
        };
        if (f == null || !a.isFullyKnown()) {
            return null;
        }
        double[] in = a.doubles();
        double[] out = new double[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = roundToType(f.applyAsDouble(in[i]), outType);
        }
        return Value.ofFloats(outType, a.shape(), out);
    }

    private static Value unaryInt(String op, Value a, DataType outType) {
        int n = a.size();
        long[] out = new long[n];
        String[] symbols = new String[n];
        for (int i = 0; i < n; i++) {
            if (!a.isKnown(i)) {
                symbols[i] = op.equals("Identity") || op.equals("Abs") ? a.rawSymbol(i) : Value.unknownMarker();
                continue;
            }
            long x = a.longAt(i);
            out[i] = switch (op) {
                case "Neg" -> -x;
                case "Abs" -> Math.abs(x);
                case "Not" -> x == 0 ? 1 : 0;
                case "Relu" -> Math.max(x, 0);
                case "Sign" -> Long.signum(x);
                case "Floor", "Ceil", "Round", "Identity" -> x;
                default -> throw new Unresolved("cannot evaluate " + op + " on integers");
            };
        }
        return Value.build(outType, a.shape(), out, symbols);
    }

    /** Where(cond, x, y) over broadcast operands. */
    public static Value where(Value c, Value x, Value y, DataType outType) {
        long[] shape = DimMath.broadcastStatic(c.shape(), x.shape(), y.shape());
        if (DimMath.numElements(shape) > Value.MAX_ELEMENTS || !c.isFullyKnown()) {
            return null;
        }
        int[] ic = DimMath.broadcastIndex(shape, c.shape());
        int[] ix = DimMath.broadcastIndex(shape, x.shape());
        int[] iy = DimMath.broadcastIndex(shape, y.shape());
        if (x.isFloat() || y.isFloat()) {
            double[] out = new double[ic.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = c.longAt(ic[i]) != 0 ? x.doubleAt(ix[i]) : y.doubleAt(iy[i]);
            }
            return Value.ofFloats(outType, shape, out);
        }
        long[] out = new long[ic.length];
        String[] symbols = new String[ic.length];
        for (int i = 0; i < out.length; i++) {
            Value src = c.longAt(ic[i]) != 0 ? x : y;
            int k = c.longAt(ic[i]) != 0 ? ix[i] : iy[i];
            if (src.isKnown(k)) {
                out[i] = src.longAt(k);
            } else {
                symbols[i] = src.rawSymbol(k);
            }
        }
        return Value.build(outType, shape, out, symbols);
    }
}
