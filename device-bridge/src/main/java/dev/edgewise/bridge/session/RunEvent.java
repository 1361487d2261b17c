package dev.edgewise.bridge.session;

import java.util.List;

/**
 * What a running session reports while it runs, in arrival order. Device timestamps are seconds
 * on the device's monotonic clock since the run started; they are never mixed with host time.
 */
public sealed interface RunEvent {
    /** A stage change or progress within one ("warmup", "measuring"); total 0 for a timed run. */
    record Progress(String stage, int done, int total) implements RunEvent {
    }

    /** One measured iteration's wall time on the device clock. */
    record IterationTimed(int iteration, double seconds) implements RunEvent {
    }

    /** Per-layer times of one iteration, in plan op order. */
    record LayersTimed(int iteration, List<String> layers, List<Double> seconds) implements RunEvent {
        public LayersTimed {
            layers = List.copyOf(layers);
            seconds = List.copyOf(seconds);
        }
    }

    /** A power reading; {@code source} names the sensor ("rapl:intel-rapl:0/package-0", "battery:battery"). */
    record PowerSampled(double deviceSeconds, String source, double watts) implements RunEvent {
    }

    record ThermalSampled(double deviceSeconds, String zone, double celsius) implements RunEvent {
    }

    record FrequencySampled(double deviceSeconds, int cpu, long khz, String governor) implements RunEvent {
    }

    /**
     * Something went wrong. {@code fatal} means the run ended (the final result then holds what was
     * measured before, marked incomplete); otherwise the run continues.
     */
    record Failed(FailureKind kind, String message, boolean fatal) implements RunEvent {
    }

    enum FailureKind {
        /** The agent answered with an Error message (its code is in the text). */
        AGENT_ERROR,
        /** The agent process exited or crashed mid-run. */
        AGENT_EXITED,
        /** The agent stopped answering (no message within the stall timeout). */
        AGENT_SILENT,
        /** The link to the device dropped (socket closed, device unplugged). */
        CONNECTION_LOST,
        /** Edgewise itself failed (a bug); the message says where. */
        INTERNAL
    }
}
