package dev.edgewise.core.analysis.cost;

/** Computes the MACs and FLOPs of one layer from its shapes; one implementation per op family. */
@FunctionalInterface
public interface OpCounter {
    Counts count(LayerContext layer);
}
