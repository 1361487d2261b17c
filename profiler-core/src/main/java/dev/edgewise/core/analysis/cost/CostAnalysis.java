package dev.edgewise.core.analysis.cost;

import dev.edgewise.core.analysis.CategoryTotals;
import dev.edgewise.core.analysis.LayerCost;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.analysis.ShapeInferenceResult;
import dev.edgewise.core.analysis.Totals;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.TensorData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the cost model over a shape-inferred graph: one {@link LayerCost} per node in topological
 * order, whole-model and per-category totals (a constant shared by several layers is counted in
 * every reading layer but once in each total), peak activation memory and warnings.
 */
public final class CostAnalysis {
    private static final int NAMES_IN_SUMMARY = 5;

    private CostAnalysis() {
    }

    private static boolean mentionsLayer(Set<String> warnings, String layer) {
        String tag = "layer '" + layer + "'";
        return warnings.stream().anyMatch(w -> w.contains(tag));
    }

    public static ModelAnalysis run(ShapeInferenceResult inferred, OpMetadata metadata, EnergyModel energy) {
        Graph graph = inferred.graph();
        TensorLookup tensors = new TensorLookup(graph, metadata);
        LayerCoster coster = new LayerCoster(tensors, metadata, energy);
        List<LayerCoster.Result> results = new ArrayList<>(graph.nodes().size());
        Set<String> warnings = new LinkedHashSet<>(graph.warnings());
        warnings.addAll(inferred.warnings());
        List<String> unresolved = new ArrayList<>();
        for (Node node : graph.nodes()) {
            LayerCoster.Result r = coster.cost(node);
            results.add(r);
            // One warning per layer: the importer or shape inference may already have named it.
            r.warning().filter(w -> !mentionsLayer(warnings, node.name())).ifPresent(warnings::add);
            if (!r.cost().resolved() && r.warning().isEmpty()) {
                unresolved.add(r.cost().name());
            }
        }
        if (!unresolved.isEmpty()) {
            warnings.add(unresolved.size() + " layer(s) with unknown shapes counted as zero MACs/FLOPs: "
                    + summarize(unresolved) + " (see each layer's note)");
        }
        Liveness.Result live = Liveness.peak(tensors);
        if (!live.unknownTensors().isEmpty()) {
            warnings.add("peak activation bytes is a lower bound: " + live.unknownTensors().size()
                    + " activation(s) of unknown size counted as 0: " + summarize(live.unknownTensors()));
        }
        List<LayerCost> layers = results.stream().map(LayerCoster.Result::cost).toList();
        return new ModelAnalysis(graph, layers, totals(results, live.peakBytes()),
                byCategory(results, metadata.categories()), new ArrayList<>(warnings), energy.description());
    }

    private static Totals totals(List<LayerCoster.Result> results, long peak) {
        Sums s = new Sums();
        results.forEach(s::add);
        return new Totals(s.params(), s.macs, s.flops, s.weightBytes(), s.activationBytes, peak, s.energyUj);
    }

    /** One entry per category present, largest MACs first (then params, FLOPs, the file's category order). */
    private static Map<String, CategoryTotals> byCategory(List<LayerCoster.Result> results, List<String> order) {
        Map<String, Sums> sums = new HashMap<>();
        for (LayerCoster.Result r : results) {
            sums.computeIfAbsent(r.cost().category(), k -> new Sums()).add(r);
        }
        List<CategoryTotals> list = new ArrayList<>();
        sums.forEach((category, s) -> list.add(new CategoryTotals(category, s.layers, s.params(), s.macs,
                s.flops, s.weightBytes(), s.energyUj)));
        list.sort(Comparator.comparingLong(CategoryTotals::macs).reversed()
                .thenComparing(Comparator.comparingLong(CategoryTotals::params).reversed())
                .thenComparing(Comparator.comparingLong(CategoryTotals::flops).reversed())
                .thenComparingInt(c -> order.indexOf(c.category()) < 0 ? order.size() : order.indexOf(c.category())));
        Map<String, CategoryTotals> out = new LinkedHashMap<>();
        list.forEach(c -> out.put(c.category(), c));
        return out;
    }

    private static String summarize(List<String> names) {
        List<String> shown = names.subList(0, Math.min(NAMES_IN_SUMMARY, names.size()));
        String list = String.join(", ", shown.stream().map(n -> "'" + n + "'").toList());
        return names.size() > shown.size() ? list + " and " + (names.size() - shown.size()) + " more" : list;
    }

    /** Running sums; constants are keyed by tensor name so a shared one is counted once. */
    private static final class Sums {
        final Map<String, TensorData> weights = new HashMap<>();
        int layers;
        long macs;
        long flops;
        long activationBytes;
        double energyUj;

        void add(LayerCoster.Result r) {
            LayerCost c = r.cost();
            layers++;
            macs = LayerContext.add(macs, c.macs());
            flops = LayerContext.add(flops, c.flops());
            activationBytes = LayerContext.add(activationBytes, c.activationBytes());
            energyUj += c.energyUjEstimate();
            weights.putAll(r.weights());
        }

        long params() {
            long n = 0;
            for (TensorData w : weights.values()) {
                n += w.numElements();
            }
            return n;
        }

        long weightBytes() {
            long n = 0;
            for (TensorData w : weights.values()) {
                n += w.byteSize();
            }
            return n;
        }
    }
}
