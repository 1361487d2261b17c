package dev.edgewise.bridge.session;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to run a plan on a device; mirrors the agent's Run message (bridge-protocol.md).
 *
 * @param warmup             iterations run first and never counted
 * @param iterations         measured iterations; 0 means run for {@code durationSeconds}
 * @param durationSeconds    used when iterations is 0
 * @param threads            worker threads on the device (>= 1)
 * @param cpus               CPU affinity, thread i pinned to cpus[i % n]; empty = no pinning
 * @param perLayer           stream per-layer timings
 * @param sensorRateHz       power/thermal/frequency sampling rate; 0 = no sampling
 * @param inputs             input tensors by name (fp32, row-major); missing ones are zero-filled
 * @param returnOutputs      bring the last iteration's outputs back in the result
 * @param idleBaselineSeconds idle sampling before warm-up when sampling (0 = the agent's 0.3 s; at most 60)
 */
public record RunOptions(int warmup, int iterations, double durationSeconds, int threads, List<Integer> cpus,
                         boolean perLayer, double sensorRateHz, Map<String, float[]> inputs, boolean returnOutputs,
                         double idleBaselineSeconds) {
    /** Without an idle baseline of its own (the agent's default 0.3 s when sampling). */
    public RunOptions(int warmup, int iterations, double durationSeconds, int threads, List<Integer> cpus,
                      boolean perLayer, double sensorRateHz, Map<String, float[]> inputs, boolean returnOutputs) {
        this(warmup, iterations, durationSeconds, threads, cpus, perLayer, sensorRateHz, inputs, returnOutputs, 0);
    }

    public RunOptions {
        if (!(idleBaselineSeconds >= 0 && idleBaselineSeconds <= 60)) {
            throw new IllegalArgumentException("idle baseline " + idleBaselineSeconds + " s outside [0, 60]");
        }
        if (warmup < 0 || iterations < 0 || threads < 1 || sensorRateHz < 0 || durationSeconds < 0) {
            throw new IllegalArgumentException("run options out of range: warmup " + warmup + ", iterations "
                + iterations + ", threads " + threads + ", sensor rate " + sensorRateHz);
        }
        if (iterations == 0 && durationSeconds <= 0) {
            throw new IllegalArgumentException("give a number of iterations or a duration");
        }
        cpus = List.copyOf(cpus == null ? List.of() : cpus);
        inputs = Map.copyOf(inputs == null ? Map.of() : inputs);
        Objects.requireNonNull(inputs);
    }

    /** 10 warm-up, 50 measured iterations, 1 thread, sensors at 50 Hz, no per-layer timing. */
    public static RunOptions defaults() {
        return new RunOptions(10, 50, 0, 1, List.of(), false, 50, Map.of(), false);
    }
}
