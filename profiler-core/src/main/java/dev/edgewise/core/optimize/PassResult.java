package dev.edgewise.core.optimize;

import dev.edgewise.core.ir.Graph;
import java.util.List;

/** A new graph (the input graph is never changed) and what the pass did per weight layer. */
public record PassResult(Graph graph, List<LayerStats> layers) {
    public PassResult {
        layers = List.copyOf(layers);
    }
}
