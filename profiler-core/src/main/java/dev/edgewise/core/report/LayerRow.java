package dev.edgewise.core.report;

import java.util.List;

/**
 * One row of the per-layer table. Counts (params, MACs, FLOPs, bytes, intensity) come from the
 * table's counting origin, {@code energyUj} from its estimating origin; an unresolved layer counts
 * zero and says why in {@code note}.
 */
public record LayerRow(int index, String name, String op, String category, List<String> outputShapes,
                       long params, long macs, long flops, long weightBytes, long activationBytes,
                       double arithmeticIntensity, double energyUj, boolean resolved, String note) {
    public LayerRow {
        name = ModelSummary.nonNull(name);
        op = ModelSummary.nonNull(op);
        category = ModelSummary.nonNull(category);
        outputShapes = List.copyOf(outputShapes == null ? List.of() : outputShapes);
        note = ModelSummary.nonNull(note);
    }

    public String outputShapesText() {
        return String.join(", ", outputShapes);
    }
}
