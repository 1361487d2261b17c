package dev.edgewise.bridge.session;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The end of a run. A cancelled or failed run keeps every iteration and sample measured before it
 * ended; {@code latency} is then computed from those on the host (empty when there were none).
 *
 * @param layerMeanSeconds mean time per plan op over the measured iterations, in plan order
 * @param samples          power, thermal and frequency samples in arrival order
 * @param outputs          the last iteration's outputs by name when asked for (fp32, row-major)
 */
public record RunResult(RunStatus status, Optional<RunEvent.Failed> failure, Optional<TimingStatistics> latency,
                        List<Double> iterationSeconds, Map<String, Double> layerMeanSeconds,
                        Optional<EnergyMeasurement> energy, List<RunEvent> samples, Map<String, OutputTensor> outputs,
                        RunProvenance provenance) {
    public RunResult {
        iterationSeconds = List.copyOf(iterationSeconds);
        layerMeanSeconds = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(layerMeanSeconds));
        samples = List.copyOf(samples);
        outputs = Map.copyOf(outputs);
    }

    /** An output tensor: its dims and fp32 values. */
    public record OutputTensor(String name, List<Integer> dims, float[] values) {
        public OutputTensor {
            dims = List.copyOf(dims);
        }
    }
}
