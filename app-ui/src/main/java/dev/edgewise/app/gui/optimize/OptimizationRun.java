package dev.edgewise.app.gui.optimize;

import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.eval.Dataset;
import dev.edgewise.core.eval.Evaluation;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.optimize.Calibration;
import dev.edgewise.core.optimize.ModelSize;
import dev.edgewise.core.optimize.OptimizationSettings;
import dev.edgewise.core.optimize.OptimizationSummary;
import dev.edgewise.core.optimize.Optimizer;
import dev.edgewise.core.optimize.Precision;
import dev.edgewise.core.optimize.WeightLayer;
import dev.edgewise.core.report.OptimizationSection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The work behind the Optimize panel, free of JavaFX: the live preview (counts and the energy
 * estimate of the model the settings would produce) and the evaluated run (calibrated, measured in
 * ONNX Runtime). Both go through {@link Optimizer} and {@link OptimizationSummary}, the same code as
 * {@code edgewise optimize}, so the panel and the command line cannot disagree.
 */
public final class OptimizationRun {
    /** Analyses a graph the way the main window does (same dimension bindings). */
    @FunctionalInterface
    public interface GraphAnalyzer {
        ModelAnalysis analyze(Graph g) throws EdgewiseException;
    }

    /**
     * One optimization and its figures. {@code calibrated} is false for a preview: full int8 there
     * uses stand-in activation ranges, which change no count, so its graph must not be run or saved.
     */
    public record Result(OptimizationSettings requested, Optimizer.Outcome outcome, ModelAnalysis after,
                         OptimizationSection section, Evaluation.Result evaluation, boolean calibrated) {
    }

    private OptimizationRun() {
    }

    /** Counts only: prunes and quantizes exactly as the optimizer does, without calibration or ONNX Runtime. */
    public static Result preview(Graph original, ModelAnalysis before, OptimizationSettings s, GraphAnalyzer analyzer)
            throws EdgewiseException {
        OptimizationSettings counting = s.withCalibration(s.calibrationMethod(), s.calibrationPercentile(),
            s.calibrationData(), s.calibrationSamples(), standInRanges(original, s));
        Optimizer.Outcome outcome = Optimizer.optimize(original, counting, null, m -> { });
        ModelAnalysis after = analyzer.analyze(outcome.graph());
        return new Result(s, outcome, after, section(original, before, after, outcome, null), null, false);
    }

    /** Calibrates (when int8 needs it), optimizes, evaluates both models on {@code data}, counts. */
    public static Result evaluate(Graph original, ModelAnalysis before, OptimizationSettings s, Dataset calibration,
                                  Dataset data, GraphAnalyzer analyzer, Consumer<String> progress) throws EdgewiseException {
        Optimizer.Outcome outcome = Optimizer.optimize(original, s, calibration, progress);
        progress.accept("evaluating baseline and optimized on " + data.size() + " samples");
        Evaluation.Result eval = Evaluation.compare(original, outcome.graph(), data, true);
        progress.accept("counting the optimized model");
        ModelAnalysis after = analyzer.analyze(outcome.graph());
        return new Result(s, outcome, after, section(original, before, after, outcome, eval), eval, true);
    }

    private static OptimizationSection section(Graph original, ModelAnalysis before, ModelAnalysis after,
                                               Optimizer.Outcome outcome, Evaluation.Result eval) {
        OptimizationSection full = OptimizationSummary.section(new OptimizationSummary.Inputs(before, after,
            ModelSize.of(original, original, List.of()), ModelSize.of(original, outcome.graph(), outcome.layers()),
            0, 0, outcome, eval));
        // the file size needs an export; the panel offers the export separately and does not show a guess
        return new OptimizationSection(full.settings(), full.comparisons().stream()
            .filter(c -> !c.metric().startsWith("ONNX file size")).toList(), full.layers(), full.evaluation(),
            full.layerErrorOrigin());
    }

    /** Activation ranges for every tensor full int8 would quantize: saved ones where present, else [0, 1]. */
    static Map<String, double[]> standInRanges(Graph original, OptimizationSettings s) {
        Map<String, Precision> precision = new LinkedHashMap<>();
        Precision all = Precision.parse(s.quantize());
        for (WeightLayer l : WeightLayer.find(original)) {
            String override = s.layerPrecision().get(l.name());
            precision.put(l.name(), override == null ? all : Precision.parse(override));
        }
        Map<String, double[]> ranges = new TreeMap<>();
        Map<String, double[]> saved = s.activationRanges() == null ? Map.of() : s.activationRanges();
        for (String t : Calibration.activationInputs(original, precision)) {
            ranges.put(t, saved.getOrDefault(t, new double[] {0, 1}));
        }
        return ranges;
    }
}
