package dev.edgewise.core.optimize;

import dev.edgewise.core.eval.Dataset;
import dev.edgewise.core.eval.Evaluation;
import dev.edgewise.core.eval.Job;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-layer sensitivity: each weight layer alone pruned at several sparsity levels, and alone in
 * full int8, scored on the data by accuracy (labels) or top-1 agreement with the float model (no
 * labels). Layers are ranked by their mean loss; a recommendation for an accuracy budget then
 * picks, largest layer first, the highest sparsity whose combined effect (with int8 where it is
 * affordable) stays within the budget, verified by evaluating the combination.
 */
public final class SensitivityAnalysis {
    public static final double[] DEFAULT_LEVELS = {0.5, 0.7, 0.8, 0.9, 0.95};

    private SensitivityAnalysis() {
    }

    public record Options(double[] levels, boolean int8, String calibrationMethod, double budgetPoints, int threads) {
        public static Options defaults(double budgetPoints) {
            return new Options(DEFAULT_LEVELS, true, "minmax", budgetPoints, Parallel.threads());
        }
    }

    /** Scores are fractions (0..1); drops are in percentage points. */
    public record LayerSensitivity(String layer, String op, long params, Map<Double, Double> pruneScores, Double int8Score,
                                   double meanDropPoints) {
    }

    public record Result(String metric, double baselineScore, List<LayerSensitivity> ranked, double budgetPoints,
                         Map<String, Double> recommendedSparsity, List<String> excludeFromPruning, List<String> keepFloat,
                         double recommendedScore, boolean randomData) {
        public OptimizationSettings recommendedSettings(boolean int8) {
            Map<String, String> precision = new TreeMap<>();
            keepFloat.forEach(l -> precision.put(l, "float"));
            return OptimizationSettings.none().withPrune(null, recommendedSparsity, excludeFromPruning)
                .withQuantize(int8 ? "int8" : "float", precision);
        }
    }

    public static Job<Result> start(Graph g, Dataset data, Dataset calibration, Options o, Job.ProgressListener listener) {
        return Job.start("sensitivity", ctx -> run(g, data, calibration, o, ctx), listener);
    }

    static Result run(Graph g, Dataset data, Dataset calibration, Options o, Job.Context ctx) throws Exception {
        Dataset calib = calibration != null ? calibration : data.first(100);
        int[] reference = data.hasLabels() ? data.labels() : Evaluation.predictions(g, data);
        double base = score(g, data, reference);
        List<WeightLayer> layers = WeightLayer.find(g);
        int total = layers.size() * (o.levels().length + (o.int8() ? 1 : 0));
        AtomicInteger done = new AtomicInteger();
        ctx.progress(0, total, "baseline " + pct(base));
        Map<String, Map<Double, Future<Double>>> prune = new LinkedHashMap<>();
        Map<String, Future<Double>> int8 = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, o.threads()));
        try {
            for (WeightLayer l : layers) {
                Map<Double, Future<Double>> perLevel = new TreeMap<>();
                for (double level : o.levels()) {
                    OptimizationSettings s = OptimizationSettings.none().withPrune(null, Map.of(l.name(), level), null);
                    perLevel.put(level, pool.submit(() -> step(g, s, calib, data, reference, ctx, done, total,
                        l.name() + " pruned " + pct(level))));
                }
                prune.put(l.name(), perLevel);
                if (o.int8()) {
                    OptimizationSettings s = OptimizationSettings.none().withQuantize("float", Map.of(l.name(), "int8"))
                        .withCalibration(o.calibrationMethod(), null, null, null, null);
                    int8.put(l.name(), pool.submit(() -> step(g, s, calib, data, reference, ctx, done, total,
                        l.name() + " int8")));
                }
            }
            List<LayerSensitivity> ranked = new ArrayList<>();
            for (WeightLayer l : layers) {
                Map<Double, Double> scores = new TreeMap<>();
                double dropSum = 0;
                for (var e : prune.get(l.name()).entrySet()) {
                    scores.put(e.getKey(), e.getValue().get());
                    dropSum += 100 * (base - e.getValue().get());
                }
                Double q = o.int8() ? int8.get(l.name()).get() : null;
                ranked.add(new LayerSensitivity(l.name(), l.node().opType(),
                    g.initializer(l.weight()).numElements(), scores, q, dropSum / o.levels().length));
            }
            ranked.sort(Comparator.comparingDouble(LayerSensitivity::meanDropPoints).reversed());
            return recommend(g, data, calib, reference, base, ranked, o, ctx);
        } finally {
            pool.shutdownNow();
        }
    }

    private static double step(Graph g, OptimizationSettings s, Dataset calib, Dataset data, int[] reference,
                               Job.Context ctx, AtomicInteger done, int total, String what) throws EdgewiseException {
        ctx.checkCancelled();
        double v = score(Optimizer.optimize(g, s, calib, m -> { }).graph(), data, reference);
        ctx.progress(done.incrementAndGet(), total, what + ": " + pct(v));
        return v;
    }

    private static Result recommend(Graph g, Dataset data, Dataset calib, int[] reference, double base,
                                    List<LayerSensitivity> ranked, Options o, Job.Context ctx) throws EdgewiseException {
        double budget = o.budgetPoints();
        List<String> keepFloat = new ArrayList<>();
        for (LayerSensitivity l : ranked) {
            if (o.int8() && 100 * (base - l.int8Score()) > budget) {
                keepFloat.add(l.layer());
            }
        }
        Map<String, Double> chosen = new TreeMap<>();
        List<String> exclude = new ArrayList<>();
        List<LayerSensitivity> bySize = new ArrayList<>(ranked);
        bySize.sort(Comparator.comparingLong(LayerSensitivity::params).reversed());
        double current = evaluate(g, data, calib, reference, chosen, keepFloat, o);
        for (LayerSensitivity l : bySize) {
            boolean accepted = false;
            List<Double> levels = new ArrayList<>(l.pruneScores().keySet());
            levels.sort(Comparator.reverseOrder());
            for (double level : levels) {
                if (100 * (base - l.pruneScores().get(level)) > budget) {
                    continue;
                }
                ctx.checkCancelled();
                chosen.put(l.layer(), level);
                double v = evaluate(g, data, calib, reference, chosen, keepFloat, o);
                ctx.progress(-1, -1, "combined with " + l.layer() + " at " + pct(level) + ": " + pct(v));
                if (100 * (base - v) <= budget) {
                    current = v;
                    accepted = true;
                    break;
                }
                chosen.remove(l.layer());
            }
            if (!accepted) {
                exclude.add(l.layer());
            }
        }
        return new Result(data.hasLabels() ? "accuracy" : "top-1 agreement", base, ranked, budget, chosen, exclude,
            keepFloat, current, data.random());
    }

    private static double evaluate(Graph g, Dataset data, Dataset calib, int[] reference, Map<String, Double> sparsity,
                                   List<String> keepFloat, Options o) throws EdgewiseException {
        Map<String, String> precision = new TreeMap<>();
        keepFloat.forEach(l -> precision.put(l, "float"));
        OptimizationSettings s = OptimizationSettings.none().withPrune(null, sparsity, null)
            .withQuantize(o.int8() ? "int8" : "float", precision).withCalibration(o.calibrationMethod(), null, null, null, null);
        return score(Optimizer.optimize(g, s, calib, m -> { }).graph(), data, reference);
    }

    private static double score(Graph g, Dataset data, int[] reference) throws EdgewiseException {
        int[] p = Evaluation.predictions(g, data);
        int same = 0;
        for (int i = 0; i < p.length; i++) {
            same += p[i] == reference[i] ? 1 : 0;
        }
        return (double) same / p.length;
    }

    private static String pct(double v) {
        return String.format(java.util.Locale.ROOT, "%.2f%%", 100 * v);
    }

    /** The ranking as a text table, most sensitive first. */
    public static String table(Result r) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(java.util.Locale.ROOT, "baseline %s: %s%n", r.metric(), pct(r.baselineScore())));
        s.append(String.format(java.util.Locale.ROOT, "%-4s %-36s %-6s %9s", "rank", "layer", "op", "params"));
        List<Double> levels = r.ranked().isEmpty() ? List.of() : new ArrayList<>(r.ranked().get(0).pruneScores().keySet());
        for (double l : levels) {
            s.append(String.format(java.util.Locale.ROOT, " %8s", "p" + Math.round(100 * l)));
        }
        s.append(String.format(java.util.Locale.ROOT, " %8s %10s%n", "int8", "mean drop"));
        int rank = 1;
        for (LayerSensitivity l : r.ranked()) {
            s.append(String.format(java.util.Locale.ROOT, "%-4d %-36s %-6s %9d", rank++, l.layer(), l.op(), l.params()));
            for (double lv : levels) {
                s.append(String.format(java.util.Locale.ROOT, " %8s", pct(l.pruneScores().get(lv))));
            }
            s.append(String.format(java.util.Locale.ROOT, " %8s %9.2fpt%n", l.int8Score() == null ? "-" : pct(l.int8Score()),
                l.meanDropPoints()));
        }
        s.append(String.format(java.util.Locale.ROOT, "budget %.2f points: sparsity %s, exclude from pruning %s, keep float %s"
            + " -> combined %s %s%n", r.budgetPoints(), r.recommendedSparsity(), r.excludeFromPruning(), r.keepFloat(),
            r.metric(), pct(r.recommendedScore())));
        return s.toString();
    }
}
