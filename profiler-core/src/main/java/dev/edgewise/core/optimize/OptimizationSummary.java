package dev.edgewise.core.optimize;

import dev.edgewise.core.analysis.LayerCost;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.eval.Evaluation;
import dev.edgewise.core.report.OptimizationSection;
import dev.edgewise.core.report.OptimizationSection.Comparison;
import dev.edgewise.core.report.OptimizationSection.LayerChange;
import dev.edgewise.core.report.OptimizationSection.Setting;
import dev.edgewise.core.report.Origin;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The before/after figures of an optimization, for the CLI summary and the report's optimization
 * section. Params and MACs are counted (MACs after pruning count only non-zero weights: what a
 * sparse kernel executes; dense MACs are unchanged by unstructured pruning); sizes are counted
 * ({@link ModelSize}, file bytes); energy is the cost model's estimate; accuracy and error are
 * measured with ONNX Runtime.
 */
public final class OptimizationSummary {
    private OptimizationSummary() {
    }

    public record Inputs(ModelAnalysis before, ModelAnalysis after, ModelSize sizeBefore, ModelSize sizeAfter,
                         long fileBytesBefore, long fileBytesAfter, Optimizer.Outcome outcome, Evaluation.Result evaluation) {
    }

    public static OptimizationSection section(Inputs in) {
        Map<String, LayerStats> stats = new HashMap<>();
        in.outcome().layers().forEach(s -> stats.put(s.layer(), s));
        long zeros = in.outcome().layers().stream().mapToLong(s -> s.params() - s.nonZeros()).sum();
        long effectiveMacs = 0;
        List<LayerChange> changes = new ArrayList<>();
        Map<String, Evaluation.LayerError> errors = new HashMap<>();
        if (in.evaluation() != null) {
            in.evaluation().layers().forEach(e -> errors.put(e.layer(), e));
        }
        Map<String, LayerCost> beforeByName = new HashMap<>();
        in.before().layers().forEach(l -> beforeByName.put(l.name(), l));
        // the optimized graph keeps the original layer names, so its costs line up with the baseline's
        for (LayerCost l : in.after().layers()) {
            LayerStats s = stats.get(l.name());
            double density = s == null || s.params() == 0 ? 1 : (double) s.nonZeros() / s.params();
            long macsAfter = Math.round(l.macs() * density);
            effectiveMacs += macsAfter;
            if (s != null) {
                Evaluation.LayerError e = errors.get(l.name());
                LayerCost b = beforeByName.getOrDefault(l.name(), l);
                changes.add(new LayerChange(l.name(), l.op(), s.change(), b.params(), l.params() - (s.params() - s.nonZeros()),
                    b.macs(), macsAfter, e == null ? null : finite(e.sqnrDb()), e == null ? null : e.maxAbsError()));
            }
        }
        Origin counted = Origin.counted();
        Origin estimated = Origin.estimated(in.before().energyModelDescription());
        List<Comparison> c = new ArrayList<>();
        c.add(new Comparison("Parameters (non-zero)", "", in.before().totals().params(),
            in.after().totals().params() - zeros, false, counted));
        c.add(new Comparison("MACs (dense)", "", in.before().totals().macs(), in.after().totals().macs(), false, counted));
        c.add(new Comparison("MACs (non-zero weights)", "", in.before().totals().macs(), effectiveMacs, false, counted));
        c.add(new Comparison("Weight bytes (dense or CSR, + scales)", "B", in.sizeBefore().weightBytes(),
            in.sizeAfter().weightBytes(), false, counted));
        c.add(new Comparison("All parameter bytes", "B", in.sizeBefore().totalBytes(), in.sizeAfter().totalBytes(), false,
            counted));
        c.add(new Comparison("ONNX file size", "B", in.fileBytesBefore(), in.fileBytesAfter(), false, counted));
        c.add(new Comparison("Energy per inference (estimate, dense)", "uJ", in.before().totals().energyUjEstimate(),
            in.after().totals().energyUjEstimate(), false, estimated));
        String eval = "";
        Origin measured = Origin.measured("ONNX Runtime");
        if (in.evaluation() != null) {
            Evaluation.Result r = in.evaluation();
            if (r.baselineAccuracy() != null) {
                c.add(new Comparison("Accuracy", "%", 100 * r.baselineAccuracy(), 100 * r.optimizedAccuracy(), true, measured));
            }
            c.add(new Comparison("Top-1 agreement with baseline", "%", 100, 100 * r.top1Agreement(), true, measured));
            eval = r.describe();
        }
        return new OptimizationSection(settings(in.outcome().settings()), c, changes, eval, measured);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    static List<Setting> settings(OptimizationSettings s) {
        List<Setting> out = new ArrayList<>();
        if (s.pruneSparsity() != null) {
            out.add(new Setting("model", "prune (unstructured, global magnitude)", pct(s.pruneSparsity())));
        }
        s.layerSparsity().forEach((l, v) -> out.add(new Setting(l, "prune", pct(v))));
        s.excludeFromPruning().forEach(l -> out.add(new Setting(l, "prune", "excluded")));
        out.add(new Setting("model", "quantize", s.quantize()));
        s.layerPrecision().forEach((l, v) -> out.add(new Setting(l, "quantize", v)));
        if (s.activationRanges() != null && !s.activationRanges().isEmpty()) {
            out.add(new Setting("model", "calibration", s.calibrationMethod() + " on " + s.calibrationSamples()
                + " samples of " + s.calibrationData()));
        }
        return out;
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    /** The comparisons as an aligned text table, with where each figure came from. */
    public static String table(OptimizationSection s) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%-40s %16s %16s %9s  %s%n", "", "before", "after",
            "change", "source"));
        for (Comparison c : s.comparisons()) {
            String change = Double.isNaN(c.deltaPercent()) ? "" : String.format(Locale.ROOT, "%+.1f%%", c.deltaPercent());
            if (c.unit().equals("%")) {
                change = String.format(Locale.ROOT, "%+.2f pt", c.after() - c.before());
            } else if (c.unit().equals("B") && c.after() > 0) {
                change = String.format(Locale.ROOT, "%.2fx", c.before() / c.after());
            }
            b.append(String.format(Locale.ROOT, "%-40s %16s %16s %9s  %s%n", c.metric(), num(c.before(), c.unit()),
                num(c.after(), c.unit()), change, source(c.origin())));
        }
        return b.toString();
    }

    /** Short label; long model descriptions (the energy model's) go to the report, not the terminal. */
    private static String source(Origin o) {
        String kind = o.provenance().name().toLowerCase(Locale.ROOT);
        String src = o.source();
        if (src.isEmpty() || src.equals("graph")) {
            return kind;
        }
        return kind + " (" + (src.length() > 40 ? "cost model, see the report" : src) + ")";
    }

    private static String num(double v, String unit) {
        if (unit.equals("%")) {
            return String.format(Locale.ROOT, "%.2f%%", v);
        }
        if (unit.equals("uJ")) {
            return String.format(Locale.ROOT, "%.2f uJ", v);
        }
        return String.format(Locale.ROOT, "%,.0f%s", v, unit.isEmpty() ? "" : " " + unit);
    }
}
