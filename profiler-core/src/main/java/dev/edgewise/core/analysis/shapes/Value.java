package dev.edgewise.core.analysis.shapes;

import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Dim;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import java.util.Arrays;
import java.util.List;

/**
 * The contents of a small tensor known while inferring shapes: an initializer, a Constant, or the
 * result of shape arithmetic (Shape -> Gather -> Div -> Concat ...). Integer elements may be
 * symbolic (a dim such as {@code batch_size} read by Shape) or unknown, so that a symbolic batch
 * survives a PyTorch flatten chain. Immutable; at most {@link #MAX_ELEMENTS} elements.
 */
public final class Value {
    /** Larger tensors are weights or activations, never shape arithmetic; they are not evaluated. */
    public static final int MAX_ELEMENTS = 1024;
    /** Marks an integer element whose value is not known at all (neither a number nor a symbol). */
    private static final String UNKNOWN = "";

    private final DataType type;
    private final long[] shape;
    private final long[] ints;
    /** Per element: null for a known integer, a dim symbol, or {@link #UNKNOWN}. Null when all known. */
    private final String[] symbols;
    private final double[] floats;

    private Value(DataType type, long[] shape, long[] ints, String[] symbols, double[] floats) {
        this.type = type;
        this.shape = shape;
        this.ints = ints;
        this.symbols = symbols != null && Arrays.stream(symbols).allMatch(s -> s == null) ? null : symbols;
        this.floats = floats;
    }

    public static Value ofInts(DataType type, long[] shape, long[] values) {
        return new Value(type, shape.clone(), values.clone(), null, null);
    }

    public static Value ofFloats(DataType type, long[] shape, double[] values) {
        return new Value(type, shape.clone(), null, null, values.clone());
    }

    public static Value scalarLong(long v) {
        return ofInts(DataType.INT64, new long[0], new long[] {v});
    }

    /** A 1-D int64 tensor holding a shape's dims; symbolic and unknown dims stay so. */
    public static Value ofDims(DataType type, List<Dim> dims) {
        long[] v = new long[dims.size()];
        String[] s = new String[dims.size()];
        for (int i = 0; i < v.length; i++) {
            Dim d = dims.get(i);
            if (d.isKnown()) {
                v[i] = d.value();
            } else {
                s[i] = d.isSymbolic() ? d.symbolName() : UNKNOWN;
            }
        }
        return new Value(type, new long[] {v.length}, v, s, null);
    }

    /** Reads a constant tensor when it is small and numeric; null otherwise (big weights stay untouched). */
    public static Value fromTensor(TensorData t) {
        long n = t.numElements();
        if (n > MAX_ELEMENTS) {
            return null;
        }
        DataType type = t.dataType();
        if (type.isInteger() && type.bits() >= 8 || type == DataType.BOOL) {
            return new Value(type, t.shape().toArray(), t.toLongs(), null, null);
        }
        if (type == DataType.FLOAT || type == DataType.DOUBLE || type == DataType.FLOAT16 || type == DataType.BFLOAT16) {
            float[] f = t.toFloats();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            return new Value(type, t.shape().toArray(), null, null, d);
        }
        return null;
    }

    public DataType type() {
        return type;
    }

    public long[] shape() {
        return shape.clone();
    }

    public Shape shapeAsShape() {
        return Shape.of(shape);
    }

    public int rank() {
        return shape.length;
    }

    public int size() {
        return ints != null ? ints.length : floats.length;
    }

    public boolean isFloat() {
        return floats != null;
    }

    /** True when every element is a known number. */
    public boolean isFullyKnown() {
        return symbols == null;
    }

    public boolean isKnown(int i) {
        return floats != null || symbols == null || symbols[i] == null;
    }

    /** Element i as an integer; throws {@link Unresolved} when it is symbolic or unknown. */
    public long longAt(int i) {
        if (!isKnown(i)) {
            throw new Unresolved("element " + i + " of a shape value is not known ("
                + (symbols[i].isEmpty() ? "?" : symbols[i]) + ")");
        }
        return ints != null ? ints[i] : (long) floats[i];
    }

    public double doubleAt(int i) {
        if (floats != null) {
            return floats[i];
        }
        return longAt(i);
    }

    /** All elements as integers; throws {@link Unresolved} if any is not known. */
    public long[] longs() {
        long[] out = new long[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = longAt(i);
        }
        return out;
    }

    public double[] doubles() {
        double[] out = new double[size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = doubleAt(i);
        }
        return out;
    }

    /**
     * Element i read as a dimension: a known non-negative value, a symbol, or unknown. Negative
     * numbers are returned as unknown; callers that give them a meaning (Reshape's -1) check
     * {@link #longAt} first.
     */
    public Dim dimAt(int i) {
        if (isKnown(i)) {
            long v = longAt(i);
            return v >= 0 ? Dim.of(v) : Dim.unknown();
        }
        return symbols[i].isEmpty() ? Dim.unknown() : Dim.symbol(symbols[i]);
    }

    /** A new value made of the elements at {@code indices} (flat, row-major) with the given shape. */
    public Value select(int[] indices, long[] newShape) {
        if (floats != null) {
            double[] f = new double[indices.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = floats[indices[i]];
            }
            return new Value(type, newShape.clone(), null, null, f);
        }
        long[] v = new long[indices.length];
        String[] s = symbols == null ? null : new String[indices.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = ints[indices[i]];
            if (s != null) {
                s[i] = symbols[indices[i]];
            }
        }
        return new Value(type, newShape.clone(), v, s, null);
    }

    public Value reshape(long[] newShape) {
        return new Value(type, newShape.clone(), ints, symbols, floats);
    }

    /** Same elements and shape under another element type; int to float drops symbolic elements. */
    public Value cast(DataType to) {
        boolean toFloat = to.isFloatingPoint();
        if (toFloat) {
            if (!isFullyKnown()) {
                return null;
            }
            return new Value(to, shape, null, null, doubles());
        }
        if (to == DataType.BOOL) {
            long[] v = new long[size()];
            for (int i = 0; i < v.length; i++) {
                if (!isKnown(i)) {
                    return null;
                }
                v[i] = doubleAt(i) != 0 ? 1 : 0;
            }
            return new Value(to, shape, v, null, null);
        }
        if (ints != null) {
            return new Value(to, shape, ints, symbols, null);
        }
        long[] v = new long[floats.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (long) floats[i];
        }
        return new Value(to, shape, v, null, null);
    }

    /** Concatenation along an axis of values of equal rank. */
    public static Value concat(List<Value> parts, int axis, DataType type) {
        long[] outShape = parts.get(0).shape.clone();
        outShape[axis] = 0;
        for (Value p : parts) {
            outShape[axis] += p.shape[axis];
        }
        long outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= outShape[i];
        }
        boolean anyFloat = parts.stream().anyMatch(Value::isFloat);
        int total = (int) Arrays.stream(outShape).reduce(1, (a, b) -> a * b);
        long[] v = new long[total];
        double[] f = new double[total];
        String[] s = new String[total];
        int k = 0;
        for (long o = 0; o < outer; o++) {
            for (Value p : parts) {
                int block = (int) (p.size() / Math.max(outer, 1));
                for (int j = 0; j < block; j++, k++) {
                    int src = (int) (o * block + j);
                    if (p.isFloat()) {
                        f[k] = p.floats[src];
                    } else {
                        v[k] = p.ints[src];
                        f[k] = p.ints[src];
                        s[k] = p.symbols == null ? null : p.symbols[src];
                    }
                }
            }
        }
        return anyFloat ? new Value(type, outShape, null, null, f) : new Value(type, outShape, v, s, null);
    }

    static Value build(DataType type, long[] shape, long[] ints, String[] symbols) {
        return new Value(type, shape.clone(), ints, symbols, null);
    }

    static String unknownMarker() {
        return UNKNOWN;
    }

    String rawSymbol(int i) {
        return symbols == null ? null : symbols[i];
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(type.displayName()).append(Arrays.toString(shape)).append('{');
        for (int i = 0; i < Math.min(size(), 16); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(isKnown(i) ? (floats != null ? Double.toString(floats[i]) : Long.toString(ints[i]))
                : symbols[i].isEmpty() ? "?" : symbols[i]);
        }
        return b.append(size() > 16 ? ",...}" : "}").toString();
    }
}
