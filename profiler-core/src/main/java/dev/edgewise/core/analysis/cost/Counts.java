package dev.edgewise.core.analysis.cost;

/** Multiply-accumulates and floating-point (or integer) operations of one layer. */
public record Counts(long macs, long flops) {
    public static final Counts ZERO = new Counts(0, 0);
}
