package dev.edgewise.bridge.session;

/** Latency over the measured iterations (warm-up excluded), in seconds, as the agent computed it. */
public record TimingStatistics(int count, double min, double mean, double p50, double p90, double p99,
                               double std, double max) {
}
