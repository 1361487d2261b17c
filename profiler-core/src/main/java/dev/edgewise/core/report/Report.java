package dev.edgewise.core.report;

import java.util.List;
import java.util.Objects;

/**
 * Everything one report shows, fed unchanged to every writer. {@code optimization} and
 * {@code device} are null when the run had no optimization or no device part. Immutable; the
 * {@code with...} methods return new reports.
 */
public record Report(int reportVersion, String title, String generator, String createdAt, ModelSummary model,
                     ReportTotals totals, CategoryBreakdown categories, LayerTable layers, List<String> warnings,
                     String energyModel, OptimizationSection optimization, DeviceSection device) {
    /** The JSON layout version written by this code; readers refuse newer ones. */
    public static final int CURRENT_VERSION = 1;

    public Report {
        title = ModelSummary.nonNull(title);
        generator = ModelSummary.nonNull(generator);
        createdAt = ModelSummary.nonNull(createdAt);
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(totals, "totals");
        Objects.requireNonNull(categories, "categories");
        Objects.requireNonNull(layers, "layers");
        warnings = List.copyOf(warnings == null ? List.of() : warnings);
        energyModel = ModelSummary.nonNull(energyModel);
    }

    public Report withOptimization(OptimizationSection section) {
        return new Report(reportVersion, title, generator, createdAt, model, totals, categories, layers, warnings,
            energyModel, section, device);
    }

    public Report withDevice(DeviceSection section) {
        return new Report(reportVersion, title, generator, createdAt, model, totals, categories, layers, warnings,
            energyModel, optimization, section);
    }

    public Report withTitle(String newTitle) {
        return new Report(reportVersion, newTitle, generator, createdAt, model, totals, categories, layers, warnings,
            energyModel, optimization, device);
    }
}
