package dev.edgewise.core.report;

import java.util.Objects;

/**
 * Whole-model sums. Everything but {@code energyUj} is counted from the graph; {@code energyUj} is
 * the energy model's estimate for one inference.
 */
public record ReportTotals(long params, long macs, long flops, long weightBytes, long activationBytes,
                           long peakActivationBytes, double energyUj, Origin counts, Origin energy) {
    public ReportTotals {
        Objects.requireNonNull(counts, "counts origin");
        Objects.requireNonNull(energy, "energy origin");
    }
}
