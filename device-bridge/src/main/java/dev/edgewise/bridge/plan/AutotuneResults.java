package dev.edgewise.bridge.plan;

import dev.edgewise.bridge.plan.proto.KernelId;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Times measured on a device for candidate kernels of conv layers (for example from
 * {@code edgewise-run --profile} over plans that force each candidate). Per layer name, the
 * measured milliseconds per kernel; the compiler picks the fastest legal candidate.
 *
 * @param device where the times were measured (shown in the decision's reason)
 */
public record AutotuneResults(String device, Map<String, Map<KernelId, Double>> millisByLayer) {
    public static final AutotuneResults NONE = new AutotuneResults("none", Map.of());

    public AutotuneResults {
        Map<String, Map<KernelId, Double>> copy = new HashMap<>();
        millisByLayer.forEach((k, v) -> copy.put(k, Map.copyOf(new EnumMap<>(v))));
        millisByLayer = Map.copyOf(copy);
    }

    /** The fastest measured kernel for a layer among the allowed ones, if any was measured. */
    public Optional<Map.Entry<KernelId, Double>> fastest(String layer, java.util.Collection<KernelId> allowed) {
        Map<KernelId, Double> m = millisByLayer.get(layer);
        if (m == null) {
            return Optional.empty();
        }
        return m.entrySet().stream().filter(e -> allowed.contains(e.getKey()) && e.getValue() != null && e.getValue() >= 0)
            .min(Map.Entry.comparingByValue());
    }
}
