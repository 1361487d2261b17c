package dev.edgewise.core.analysis;

import dev.edgewise.core.ir.Shape;
import java.util.List;

/**
 * The cost of one layer (node). Counts are exact (provenance COUNTED) when {@code resolved};
 * an unresolved layer (unknown shapes or op) counts zero and says why in {@code note}.
 * {@code energyUjEstimate} is an estimate (provenance ESTIMATED), in microjoules.
 */
public record LayerCost(
        String name,
        String op,
        String domain,
        String category,
        List<String> inputs,
        List<String> outputs,
        List<Shape> outputShapes,
        long params,
        long macs,
        long flops,
        long weightBytes,
        long activationBytes,
        double arithmeticIntensity,
        double energyUjEstimate,
        boolean resolved,
        String note) {
    public LayerCost {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        outputShapes = List.copyOf(outputShapes);
        note = note == null ? "" : note;
    }
}
