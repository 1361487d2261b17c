package dev.edgewise.core.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/** A tensor shape: an ordered list of {@link Dim}s, or an unknown rank. Immutable. */
public final class Shape {
    private static final Shape UNKNOWN_RANK = new Shape(null);
    private static final Shape SCALAR = new Shape(List.of());

    private final List<Dim> dims;

    private Shape(List<Dim> dims) {
        this.dims = dims;
    }

    public static Shape of(List<Dim> dims) {
        return dims.isEmpty() ? SCALAR : new Shape(Collections.unmodifiableList(new ArrayList<>(dims)));
    }

    public static Shape of(long... values) {
        List<Dim> d = new ArrayList<>(values.length);
        for (long v : values) {
            d.add(Dim.of(v));
        }
        return of(d);
    }

    public static Shape scalar() {
        return SCALAR;
    }

    public static Shape unknownRank() {
        return UNKNOWN_RANK;
    }

    /** A shape of the given rank whose every dimension is unknown. */
    public static Shape unknownDims(int rank) {
        return of(Collections.nCopies(rank, Dim.unknown()));
    }

    public boolean hasRank() {
        return dims != null;
    }

    public int rank() {
        if (dims == null) {
            throw new IllegalStateException("shape has unknown rank");
        }
        return dims.size();
    }

    public List<Dim> dims() {
        if (dims == null) {
            throw new IllegalStateException("shape has unknown rank");
        }
        return dims;
    }

    public Dim dim(int i) {
        return dims().get(i < 0 ? dims.size() + i : i);
    }

    public boolean isStatic() {
        return dims != null && dims.stream().allMatch(Dim::isKnown);
    }

    /** Static sizes; only valid when {@link #isStatic()}. */
    public long[] toArray() {
        if (!isStatic()) {
            throw new IllegalStateException("shape is not static: " + this);
        }
        long[] out = new long[dims.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = dims.get(i).value();
        }
        return out;
    }

    /** Number of elements, empty when any dimension is not known. Saturates instead of overflowing. */
    public OptionalLong numElements() {
        if (!isStatic()) {
            return OptionalLong.empty();
        }
        long n = 1;
        for (Dim d : dims) {
            n = saturatingMultiply(n, d.value());
        }
        return OptionalLong.of(n);
    }

    static long saturatingMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
            return lo;
        }
        return Long.MAX_VALUE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && java.util.Objects.equals(s.dims, dims);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hashCode(dims);
    }

    /** {@code 1x3x224x224}, {@code batch_sizex128} for symbols, {@code ?} for unknown rank. */
    @Override
    public String toString() {
        if (dims == null) {
            return "?";
        }
        if (dims.isEmpty()) {
            return "scalar";
        }
        return dims.stream().map(Dim::toString).collect(Collectors.joining("x"));
    }

    /** A JSON-friendly form: numbers for known dims, names for symbols, null for unknown. */
    public List<Object> toJsonList() {
        if (dims == null) {
            return null;
        }
        List<Object> out = new ArrayList<>();
        for (Dim d : dims) {
            out.add(d.isKnown() ? (Object) d.value() : d.symbolName());
        }
        return out;
    }

    public static Shape parse(String text) {
        String t = text.trim();
        if (t.equals("scalar")) {
            return SCALAR;
        }
        String[] parts = t.split("[x,]");
        List<Dim> d = new ArrayList<>();
        for (String p : parts) {
            String s = p.trim();
            if (s.isEmpty()) {
                throw new IllegalArgumentException("empty dimension in shape '" + text + "'");
            }
            if (s.chars().allMatch(Character::isDigit)) {
                d.add(Dim.of(Long.parseLong(s)));
            } else if (s.equals("?")) {
                d.add(Dim.unknown());
            } else if (s.startsWith("-")) {
                throw new IllegalArgumentException("negative dimension " + s + " in shape '" + text + "'");
            } else {
                d.add(Dim.symbol(s));
            }
        }
        return of(d);
    }
}
