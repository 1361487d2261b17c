package dev.edgewise.core.report;

import java.util.List;
import java.util.Objects;

/**
 * Results of running the model on a device (or under emulation): the device, the run settings,
 * latency statistics and per-iteration times, per-layer times, power and energy, sensor traces
 * and throttling. Each part carries its own origin because a run can time with a real clock yet
 * have no power sensor (then power comes from the energy model, labelled estimated).
 */
public record DeviceSection(DeviceInfo device, RunSettings run, LatencyStats latency, List<Double> iterationMs,
                            List<LayerTime> layerTimes, Origin layerTimesOrigin, PowerSummary power,
                            List<Trace> traces, List<ThrottleFlag> throttling) {
    public DeviceSection {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(run, "run");
        iterationMs = List.copyOf(iterationMs == null ? List.of() : iterationMs);
        layerTimes = List.copyOf(layerTimes == null ? List.of() : layerTimes);
        traces = List.copyOf(traces == null ? List.of() : traces);
        throttling = List.copyOf(throttling == null ? List.of() : throttling);
        if (!layerTimes.isEmpty()) {
            Objects.requireNonNull(layerTimesOrigin, "layerTimesOrigin");
        }
    }

    /** What the device reported about itself; strings come from the device and are untrusted. */
    public record DeviceInfo(String model, String cpu, int cores, List<String> cpuFeatures, String os,
                             String transport, String agentVersion, List<String> sensors) {
        public DeviceInfo {
            model = ModelSummary.nonNull(model);
            cpu = ModelSummary.nonNull(cpu);
            cpuFeatures = List.copyOf(cpuFeatures == null ? List.of() : cpuFeatures);
            os = ModelSummary.nonNull(os);
            transport = ModelSummary.nonNull(transport);
            agentVersion = ModelSummary.nonNull(agentVersion);
            sensors = List.copyOf(sensors == null ? List.of() : sensors);
        }
    }

    /** How the run was made; a benchmark figure means little without these. */
    public record RunSettings(int warmup, int iterations, int threads, String affinity, String governor,
                              String runtimeVersion) {
        public RunSettings {
            affinity = ModelSummary.nonNull(affinity);
            governor = ModelSummary.nonNull(governor);
            runtimeVersion = ModelSummary.nonNull(runtimeVersion);
        }
    }

    /** Mean time of one layer over the measured iterations, and its share of the summed layer times. */
    public record LayerTime(String layer, String op, double meanMs, double share) {
        public LayerTime {
            layer = ModelSummary.nonNull(layer);
            op = ModelSummary.nonNull(op);
        }
    }

    /**
     * Average power during the run, energy per inference and efficiency; any of them null when not
     * known. The origin says whether a sensor measured it (and which) or the energy model estimated it.
     */
    public record PowerSummary(Double averageW, Double energyPerInferenceMj, Double inferencesPerSecondPerWatt,
                               Origin origin) {
        public PowerSummary {
            Objects.requireNonNull(origin, "power origin");
        }
    }

    /** A sampled signal over the run: power, a temperature, a CPU frequency. */
    public record Trace(String name, String unit, List<TracePoint> points, Origin origin) {
        public Trace {
            name = ModelSummary.nonNull(name);
            unit = ModelSummary.nonNull(unit);
            points = List.copyOf(points == null ? List.of() : points);
            Objects.requireNonNull(origin, "origin of trace " + name);
        }
    }

    /** One sample: seconds since the run started, and the value in the trace's unit. */
    public record TracePoint(double seconds, double value) {
    }

    /** A throttling observation, e.g. ("thermal", "cpu4 capped at 1.8 GHz after 12 s"). */
    public record ThrottleFlag(String kind, String detail, double atSeconds) {
        public ThrottleFlag {
            kind = ModelSummary.nonNull(kind);
            detail = ModelSummary.nonNull(detail);
        }
    }
}
