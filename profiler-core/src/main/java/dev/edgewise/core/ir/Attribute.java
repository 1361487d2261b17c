package dev.edgewise.core.ir;

import java.util.List;
import java.util.Objects;

/**
 * A node attribute. The value is one of: {@code Long}, {@code Double}, {@code String},
 * {@link TensorData}, {@link Graph}, or an unmodifiable list of those.
 */
public record Attribute(String name, Kind kind, Object value) {
    public enum Kind { INT, FLOAT, STRING, TENSOR, GRAPH, INTS, FLOATS, STRINGS, TENSORS, GRAPHS, OTHER }

    public Attribute {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        if (value instanceof List<?> l) {
            value = List.copyOf(l);
        }
    }

    public static Attribute ofInt(String name, long v) {
        return new Attribute(name, Kind.INT, v);
    }

    public static Attribute ofFloat(String name, double v) {
        return new Attribute(name, Kind.FLOAT, v);
    }

    public static Attribute ofString(String name, String v) {
        return new Attribute(name, Kind.STRING, v);
    }

    public static Attribute ofInts(String name, long... v) {
        List<Long> l = new java.util.ArrayList<>(v.length);
        for (long x : v) {
            l.add(x);
        }
        return new Attribute(name, Kind.INTS, l);
    }

    public static Attribute ofFloats(String name, double... v) {
        List<Double> l = new java.util.ArrayList<>(v.length);
        for (double x : v) {
            l.add(x);
        }
        return new Attribute(name, Kind.FLOATS, l);
    }

    public static Attribute ofTensor(String name, TensorData t) {
        return new Attribute(name, Kind.TENSOR, t);
    }

    public long asInt() {
        return ((Number) value).longValue();
    }

    public double asFloat() {
        return ((Number) value).doubleValue();
    }

    public String asString() {
        return (String) value;
    }

    public TensorData asTensor() {
        return (TensorData) value;
    }

    public long[] asInts() {
        List<?> l = (List<?>) value;
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) l.get(i)).longValue();
        }
        return out;
    }

    public double[] asFloats() {
        List<?> l = (List<?>) value;
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) l.get(i)).doubleValue();
        }
        return out;
    }

    /** Short human form for views and reports; tensors and graphs are summarised, not dumped. */
    public String displayValue() {
        return switch (kind) {
            case TENSOR -> "tensor " + asTensor().shape();
            case GRAPH -> "graph";
            case TENSORS -> "tensors[" + ((List<?>) value).size() + "]";
            case GRAPHS -> "graphs[" + ((List<?>) value).size() + "]";
            default -> String.valueOf(value);
        };
    }
}
