package dev.edgewise.viewer.metric;

import dev.edgewise.core.analysis.Provenance;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * One per-layer quantity a view can paint (MACs, params, measured latency, quantization error...):
 * a value per layer name plus where the values came from. Any producer (the cost model, a device
 * run, an evaluation) can offer one; the views never need to know which.
 *
 * @param id         stable key, e.g. "macs"
 * @param label      shown to people, e.g. "MACs"
 * @param unit       how values print
 * @param provenance counted / estimated / measured / emulated
 * @param source     what produced the values, e.g. "cost model" or "qemu-aarch64 run 3"
 * @param values     layer name to value; layers without a value are simply absent
 */
public record LayerMetric(String id, String label, MetricUnit unit, Provenance provenance, String source,
                          Map<String, Double> values) {
    public LayerMetric {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(provenance, "provenance");
        source = source == null ? "" : source;
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public OptionalDouble value(String layer) {
        Double v = values.get(layer);
        return v == null || v.isNaN() ? OptionalDouble.empty() : OptionalDouble.of(v);
    }

    public String format(String layer) {
        OptionalDouble v = value(layer);
        return v.isPresent() ? unit.format(v.getAsDouble()) : "—";
    }

    /** "MACs (counted from the graph; cost model)" for legends and tooltips. */
    public String describe() {
        return label + " (" + provenance.label() + (source.isEmpty() ? "" : "; " + source) + ")";
    }

    public double max() {
        return values.values().stream().filter(v -> !v.isNaN()).mapToDouble(Double::doubleValue).max().orElse(0);
    }

    /** Smallest value above zero, the natural lower end of a logarithmic colour scale. */
    public double minPositive() {
        return values.values().stream().filter(v -> v > 0).mapToDouble(Double::doubleValue).min().orElse(0);
    }

    @Override
    public String toString() {
        return label;
    }
}
