package dev.edgewise.viewer.metric;

import dev.edgewise.core.analysis.LayerCost;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.analysis.Provenance;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The metrics an analysis offers. Unresolved layers get no value rather than a misleading zero. */
public final class LayerMetrics {
    public static final String MACS = "macs";
    public static final String PARAMS = "params";
    public static final String FLOPS = "flops";
    public static final String ACTIVATION_BYTES = "activation-bytes";
    public static final String WEIGHT_BYTES = "weight-bytes";
    public static final String ENERGY = "energy";

    private LayerMetrics() {
    }

    public static List<LayerMetric> fromAnalysis(ModelAnalysis analysis) {
        String energySource = analysis.energyModelDescription() == null || analysis.energyModelDescription().isBlank()
            ? "energy model" : analysis.energyModelDescription();
        return List.of(
            of(analysis, MACS, "MACs", MetricUnit.COUNT, Provenance.COUNTED, "cost model", LayerCost::macs),
            of(analysis, PARAMS, "Parameters", MetricUnit.COUNT, Provenance.COUNTED, "cost model", LayerCost::params),
            of(analysis, FLOPS, "FLOPs", MetricUnit.COUNT, Provenance.COUNTED, "cost model", LayerCost::flops),
            of(analysis, ACTIVATION_BYTES, "Activation bytes", MetricUnit.BYTES, Provenance.COUNTED, "cost model",
                LayerCost::activationBytes),
            of(analysis, WEIGHT_BYTES, "Weight bytes", MetricUnit.BYTES, Provenance.COUNTED, "cost model",
                LayerCost::weightBytes),
            of(analysis, ENERGY, "Energy estimate", MetricUnit.MICROJOULES, Provenance.ESTIMATED, energySource,
                LayerCost::energyUjEstimate));
    }

    private static LayerMetric of(ModelAnalysis a, String id, String label, MetricUnit unit, Provenance p,
                                  String source, ToDoubleFunction<LayerCost> f) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (LayerCost c : a.layers()) {
            if (c.resolved()) {
                values.put(c.name(), f.applyAsDouble(c));
            }
        }
        return new LayerMetric(id, label, unit, p, source, values);
    }
}
