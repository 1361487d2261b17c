package dev.edgewise.core.ir;

import java.util.Objects;

/**
 * One dimension of a shape: a known size, a named symbol ({@code batch_size}), or unknown.
 * Immutable.
 */
public final class Dim {
    private static final Dim UNKNOWN = new Dim(-1, null);
    private static final Dim[] SMALL = new Dim[1025];

    static {
        for (int i = 0; i < SMALL.length; i++) {
            SMALL[i] = new Dim(i, null);
        }
    }

    private final long value;
    private final String symbol;

    private Dim(long value, String symbol) {
        this.value = value;
        this.symbol = symbol;
    }

    public static Dim of(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative dimension " + value);
        }
        return value < SMALL.length ? SMALL[(int) value] : new Dim(value, null);
    }

    public static Dim symbol(String name) {
        Objects.requireNonNull(name, "symbol");
        return new Dim(-1, name);
    }

    public static Dim unknown() {
        return UNKNOWN;
    }

    public boolean isKnown() {
        return value >= 0;
    }

    public boolean isSymbolic() {
        return symbol != null;
    }

    /** The size; only valid when {@link #isKnown()}. */
    public long value() {
        if (value < 0) {
            throw new IllegalStateException("dimension is not static: " + this);
        }
        return value;
    }

    public String symbolName() {
        return symbol;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dim d && d.value == value && Objects.equals(d.symbol, symbol);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(value) * 31 + Objects.hashCode(symbol);
    }

    @Override
    public String toString() {
        if (value >= 0) {
            return Long.toString(value);
        }
        return symbol != null ? symbol : "?";
    }
}
