package dev.edgewise.core.analysis;

/** Sums over the layers of one category (conv, fc, activation, ...). */
public record CategoryTotals(String category, int layers, long params, long macs, long flops,
                             long weightBytes, double energyUjEstimate) {
}
