package dev.edgewise.core.analysis;

import dev.edgewise.core.ir.Graph;
import java.util.List;

/**
 * A graph whose value info holds every tensor's inferred type and shape (inputs bound as asked),
 * plus what could not be resolved, per layer ("layer 'x' (Reshape): output shape unknown because ...").
 */
public record ShapeInferenceResult(Graph graph, List<String> warnings) {
    public ShapeInferenceResult {
        warnings = List.copyOf(warnings);
    }
}
