package dev.edgewise.core.analysis;

import dev.edgewise.core.ir.Graph;
import java.util.List;
import java.util.Map;

/**
 * The analysis of one model: the shape-inferred graph, per-layer costs in topological order,
 * totals, per-category totals (insertion ordered, largest MACs first) and every warning raised
 * while importing, inferring shapes and costing (unknown ops, unresolved dimensions).
 */
public record ModelAnalysis(Graph graph, List<LayerCost> layers, Totals totals,
                            Map<String, CategoryTotals> byCategory, List<String> warnings,
                            String energyModelDescription) {
    public ModelAnalysis {
        layers = List.copyOf(layers);
        byCategory = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(byCategory));
        warnings = List.copyOf(warnings);
    }
}
