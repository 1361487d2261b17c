package dev.edgewise.core.optimize;

import java.util.Map;
import java.util.Set;

/**
 * Unstructured magnitude pruning settings. Layers listed in {@code perLayer} get their own
 * sparsity; every other weight layer not excluded shares one global magnitude threshold chosen so
 * that {@code globalSparsity} of their weights (together) become zero. A null global sparsity
 * prunes only the listed layers. Categories are "conv" and "linear".
 */
public record PruneSpec(Double globalSparsity, Map<String, Double> perLayer, Set<String> excludeLayers,
                        Set<String> excludeCategories) {
    public PruneSpec {
        perLayer = Map.copyOf(perLayer == null ? Map.of() : perLayer);
        excludeLayers = Set.copyOf(excludeLayers == null ? Set.of() : excludeLayers);
        excludeCategories = Set.copyOf(excludeCategories == null ? Set.of() : excludeCategories);
        if (globalSparsity != null) {
            checkFraction("global sparsity", globalSparsity);
        }
        perLayer.forEach((k, v) -> checkFraction("sparsity of layer '" + k + "'", v));
    }

    public static PruneSpec global(double sparsity) {
        return new PruneSpec(sparsity, Map.of(), Set.of(), Set.of());
    }

    boolean excluded(WeightLayer l) {
        return excludeLayers.contains(l.name()) || excludeCategories.contains(l.category());
    }

    private static void checkFraction(String what, double v) {
        if (!(v >= 0 && v < 1)) {
            throw new IllegalArgumentException(what + " must be in [0, 1), got " + v);
        }
    }
}
