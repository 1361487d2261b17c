package dev.edgewise.core.report;

import java.util.List;
import java.util.Objects;

/**
 * What an optimization run did and what it cost: the settings applied, the model before and after
 * (size, params, MACs, estimated energy, accuracy), and the change and output error per layer.
 * Filled by the optimization work; a report without optimization carries none of it.
 */
public record OptimizationSection(List<Setting> settings, List<Comparison> comparisons, List<LayerChange> layers,
                                  String evaluation, Origin layerErrorOrigin) {
    public OptimizationSection {
        settings = List.copyOf(settings == null ? List.of() : settings);
        comparisons = List.copyOf(comparisons == null ? List.of() : comparisons);
        layers = List.copyOf(layers == null ? List.of() : layers);
        evaluation = ModelSummary.nonNull(evaluation);
        Objects.requireNonNull(layerErrorOrigin, "layerErrorOrigin");
    }

    /** One applied setting; {@code scope} is "model" or the layer it applies to. */
    public record Setting(String scope, String key, String value) {
        public Setting {
            scope = ModelSummary.nonNull(scope);
            key = ModelSummary.nonNull(key);
            value = ModelSummary.nonNull(value);
        }
    }

    /**
     * One figure before and after, e.g. ("MACs", "", 1.2e6, 6.0e5, counted). For metrics where
     * lower is better (size, MACs, energy) a negative delta is a gain; {@code higherIsBetter} says
     * which way is good so writers can mark regressions.
     */
    public record Comparison(String metric, String unit, double before, double after, boolean higherIsBetter,
                             Origin origin) {
        public Comparison {
            metric = ModelSummary.nonNull(metric);
            unit = ModelSummary.nonNull(unit);
            Objects.requireNonNull(origin, "origin of " + metric);
        }

        public double delta() {
            return after - before;
        }

        /** Relative change in percent, or NaN when {@code before} is zero. */
        public double deltaPercent() {
            return before == 0 ? Double.NaN : 100.0 * (after - before) / Math.abs(before);
        }

        public boolean regressed() {
            return higherIsBetter ? after < before : after > before;
        }
    }

    /**
     * What changed in one layer ("pruned 50% channels", "int8 per-channel") and the error its output
     * shows against the baseline (SQNR in dB, largest absolute difference); null where not evaluated.
     */
    public record LayerChange(String layer, String op, String change, long paramsBefore, long paramsAfter,
                              long macsBefore, long macsAfter, Double sqnrDb, Double maxAbsError) {
        public LayerChange {
            layer = ModelSummary.nonNull(layer);
            op = ModelSummary.nonNull(op);
            change = ModelSummary.nonNull(change);
        }
    }
}
