package dev.edgewise.core.report;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** Latency statistics over the measured iterations (warm-up excluded), in milliseconds. */
public record LatencyStats(int samples, double minMs, double meanMs, double p50Ms, double p90Ms, double p99Ms,
                           double maxMs, double stdMs, Origin origin) {
    public LatencyStats {
        Objects.requireNonNull(origin, "latency origin");
    }

    /**
     * Statistics of the given iteration times. Percentiles use the nearest-rank method (a value
     * that was actually observed); std is the sample standard deviation (n - 1).
     */
    public static LatencyStats of(List<Double> iterationMs, Origin origin) {
        if (iterationMs.isEmpty()) {
            throw new IllegalArgumentException("no latency samples");
        }
        double[] v = iterationMs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double mean = Arrays.stream(v).average().orElseThrow();
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        double std = v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0.0;
        return new LatencyStats(v.length, v[0], mean, nearestRank(v, 50), nearestRank(v, 90), nearestRank(v, 99),
            v[v.length - 1], std, origin);
    }

    static double nearestRank(double[] sorted, double percentile) {
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
