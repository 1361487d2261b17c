package dev.edgewise.core.optimize;

import dev.edgewise.core.eval.Dataset;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Applies {@link OptimizationSettings} to an original graph: pruning, then quantization (full int8
 * calibrated on the pruned model, so ranges match the weights that will run). Returns the new graph,
 * per-layer statistics and the settings completed with the calibrated ranges.
 */
public final class Optimizer {
    private Optimizer() {
    }

    public record Outcome(Graph graph, List<LayerStats> layers, OptimizationSettings settings) {
    }

    public static Outcome optimize(Graph original, OptimizationSettings s, Dataset calibration,
                                   Consumer<String> progress) throws EdgewiseException {
        try {
            return run(original, s, calibration, progress);
        } catch (IllegalArgumentException e) {
            throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, original.name() + ": " + e.getMessage(), e);
        }
    }

    private static Outcome run(Graph original, OptimizationSettings s, Dataset calibration,
                               Consumer<String> progress) throws EdgewiseException {
        checkLayerNames(original, s);
        Graph g = original;
        List<LayerStats> stats = List.of();
        if (s.structuredFraction() != null) {
            progress.accept("removing filters (structured pruning)");
            StructuredPruning.Norm norm = "l2".equalsIgnoreCase(s.structuredNorm()) ? StructuredPruning.Norm.L2
                : StructuredPruning.Norm.L1;
            g = StructuredPruning.apply(g, s.structuredFraction(), norm).graph();
        }
        if (s.prunes()) {
            progress.accept("pruning");
            Set<String> names = new HashSet<>();
            Set<String> categories = new HashSet<>();
            for (String e : s.excludeFromPruning()) {
                (e.equals("conv") || e.equals("linear") ? categories : names).add(e);
            }
            PassResult p = MagnitudePruning.apply(g, new PruneSpec(s.pruneSparsity(), s.layerSparsity(), names, categories));
            g = p.graph();
            stats = p.layers();
        }
        Map<String, Precision> precision = precisions(g, s);
        if (precision.values().stream().allMatch(p -> p == Precision.FLOAT)) {
            return new Outcome(g, stats.isEmpty() ? Quantization.apply(g, precision, Map.of(), stats).layers() : stats, s);
        }
        Map<String, double[]> ranges = s.activationRanges();
        List<String> needed = Calibration.activationInputs(g, precision);
        if (!needed.isEmpty() && (ranges == null || !ranges.keySet().containsAll(needed))) {
            if (calibration == null) {
                throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, original.name()
                    + ": full int8 needs calibration data (--calibration FILE.csv|FILE.npy) or saved activation ranges");
            }
            progress.accept("calibrating (" + s.calibrationMethod() + ") on " + calibration.size() + " samples");
            ranges = Calibration.ranges(g, needed, calibration, Calibration.Method.parse(s.calibrationMethod()),
                s.calibrationPercentile() == null ? 99.99 : s.calibrationPercentile());
            s = s.withCalibration(s.calibrationMethod(), s.calibrationPercentile(), calibration.source(),
                calibration.size(), ranges);
        }
        progress.accept("quantizing");
        PassResult q = Quantization.apply(g, precision, ranges == null ? Map.of() : ranges, stats);
        return new Outcome(q.graph(), q.layers(), s);
    }

    static Map<String, Precision> precisions(Graph g, OptimizationSettings s) {
        Precision all = Precision.parse(s.quantize());
        Map<String, Precision> out = new LinkedHashMap<>();
        for (WeightLayer l : WeightLayer.find(g)) {
            String override = s.layerPrecision().get(l.name());
            out.put(l.name(), override == null ? all : Precision.parse(override));
        }
        return out;
    }

    private static void checkLayerNames(Graph g, OptimizationSettings s) throws EdgewiseException {
        Set<String> known = new HashSet<>();
        WeightLayer.find(g).forEach(l -> known.add(l.name()));
        for (String name : concat(s.layerSparsity().keySet(), s.layerPrecision().keySet())) {
            if (!known.contains(name)) {
                throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, g.name() + ": no weight layer named '" + name
                    + "' (weight layers: " + String.join(", ", known) + ")");
            }
        }
        for (String e : s.excludeFromPruning()) {
            if (!known.contains(e) && !e.equals("conv") && !e.equals("linear")) {
                throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, g.name() + ": cannot exclude '" + e
                    + "' from pruning: not a weight layer nor a category (conv, linear)");
            }
        }
    }

    private static Set<String> concat(Set<String> a, Set<String> b) {
        Set<String> s = new java.util.LinkedHashSet<>(a);
        s.addAll(b);
        return s;
    }
}
