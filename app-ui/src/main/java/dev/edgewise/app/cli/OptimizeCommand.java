package dev.edgewise.app.cli;

import dev.edgewise.app.cli.UserErrorHandler.UserInputException;
import dev.edgewise.core.analysis.Analyzer;
import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.eval.Dataset;
import dev.edgewise.core.eval.Evaluation;
import dev.edgewise.core.eval.OrtModel;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.onnx.OnnxExporter;
import dev.edgewise.core.optimize.ModelSize;
import dev.edgewise.core.optimize.OptimizationSettings;
import dev.edgewise.core.optimize.OptimizationSummary;
import dev.edgewise.core.optimize.Optimizer;
import dev.edgewise.core.report.OptimizationSection;
import dev.edgewise.core.report.ReportService;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.util.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code edgewise optimize MODEL ...}: prune and/or quantize, measure, write ONNX and the settings. */
@Command(name = "optimize", mixinStandardHelpOptions = true,
    description = "Prune and/or quantize a model, measure the effect with ONNX Runtime, and write the optimized"
        + " ONNX model plus a settings file (OUT.settings.json) that reproduces it exactly.")
final class OptimizeCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Model file (.onnx).")
    Path model;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.onnx", description = "Optimized model to write.")
    Path output;

    @Option(names = "--prune", paramLabel = "SPARSITY",
        description = "Unstructured magnitude pruning: fraction of weights set to zero, one global threshold (e.g. 0.8).")
    Double prune;

    @Option(names = "--prune-structured", paramLabel = "FRACTION",
        description = "Remove this fraction of each rewirable Conv's filters (lowest norm), so dense MACs drop (e.g. 0.3).")
    Double pruneStructured;

    @Option(names = "--structured-norm", defaultValue = "l1", description = "Filter norm for --prune-structured: l1 or l2.")
    String structuredNorm;

    @Option(names = "--prune-layer", paramLabel = "LAYER=SPARSITY", description = "Per-layer sparsity (repeatable).")
    List<String> pruneLayers = List.of();

    @Option(names = "--exclude", split = ",", paramLabel = "LAYER|conv|linear",
        description = "Layers or categories left dense by pruning.")
    List<String> exclude = List.of();

    @Option(names = "--quantize", paramLabel = "MODE", description = "fp16, int8-weights or int8 (weights and activations).")
    String quantize;

    @Option(names = "--keep-float", split = ",", paramLabel = "LAYER", description = "Layers kept in float32.")
    List<String> keepFloat = List.of();

    @Option(names = "--layer-precision", paramLabel = "LAYER=PRECISION",
        description = "Per-layer precision: float, fp16, int8-weights, int8 (repeatable).")
    List<String> layerPrecision = List.of();

    @Option(names = "--calibration", paramLabel = "PATH", description = "Calibration samples: .csv (label optional), .npy, or a folder of images.")
    Path calibration;

    @Option(names = "--calibration-method", defaultValue = "minmax", description = "minmax, percentile or entropy.")
    String calibrationMethod;

    @Option(names = "--percentile", description = "Percentile for --calibration-method percentile (default 99.99).")
    Double percentile;

    @Option(names = "--random-calibration", paramLabel = "N",
        description = "Calibrate on N seeded random inputs (accuracy figures are then meaningless).")
    Integer randomCalibration;

    @Option(names = "--settings", paramLabel = "FILE", description = "Apply saved settings (options given here override).")
    Path settingsFile;

    @Option(names = "--eval", paramLabel = "PATH", description = "Evaluate baseline and optimized model on these samples (.csv, .npy, or a folder with one"
            + " image subfolder per class).")
    Path eval;

    @Option(names = "--per-layer", description = "With --eval: print SQNR and cosine of every intermediate tensor.")
    boolean perLayer;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write a report (.html .pdf .md .csv .json).")
    List<Path> reports = List.of();

    @Option(names = "--verbose", description = "Show stack traces of errors.")
    boolean verbose;

    @Mixin
    ImageOptions images = new ImageOptions();

    @Override
    public Integer call() throws EdgewiseException {
        try {
            return optimize();
        } finally {
            clearProgress();
        }
    }

    private Integer optimize() throws EdgewiseException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ReportService reportService = reports.isEmpty() ? null : ReportCommand.service();
        for (Path r : reports) {
            reportService.writers().forFile(r); // refuse an unknown extension before the work starts
        }
        Analyzer analyzer = Analyzer.withDefaults();
        progress("loading " + model.getFileName());
        Graph original = analyzer.importers().load(model, ImportOptions.DEFAULT);
        OptimizationSettings settings = settings(original);
        Dataset calib = calibrationData(original, settings, err);
        Optimizer.Outcome outcome = Optimizer.optimize(original, settings, calib, this::progress);
        byte[] bytes = OnnxExporter.toBytes(outcome.graph());
        Path settingsOut = output.resolveSibling(output.getFileName() + ".settings.json");
        try {
            if (output.toAbsolutePath().getParent() != null) {
                Files.createDirectories(output.toAbsolutePath().getParent());
            }
            AtomicFiles.write(output, o -> o.write(bytes));
            AtomicFiles.writeString(settingsOut, outcome.settings().toJson());
        } catch (IOException e) {
            throw new UserInputException(output + ": cannot write: " + e.getMessage());
        }
        Evaluation.Result result = null;
        if (eval != null) {
            Dataset data = Dataset.load(eval, OrtModel.inputShape(original), settings.imagePreprocessing());
            progress("evaluating on " + data.size() + " samples of " + eval.getFileName());
            result = Evaluation.compare(original, outcome.graph(), data, true);
        }
        progress("analyzing");
        ModelAnalysis before = analyzer.analyze(original, DimBindings.NONE);
        ModelAnalysis after = analyzer.analyze(outcome.graph(), DimBindings.NONE);
        OptimizationSection section = OptimizationSummary.section(new OptimizationSummary.Inputs(before, after,
            ModelSize.of(original, original, List.of()), ModelSize.of(original, outcome.graph(), outcome.layers()),
            size(model), bytes.length, outcome, result));
        clearProgress();
        out.print(OptimizationSummary.table(section));
        if (result != null) {
            out.println(result.describe());
            if (perLayer) {
                out.printf("%-48s %-20s %10s %10s %12s%n", "tensor", "op", "SQNR dB", "cosine", "max |err|");
                for (Evaluation.LayerError e : result.layers()) {
                    out.printf(java.util.Locale.ROOT, "%-48s %-20s %10.2f %10.6f %12.4g%n", e.tensor(), e.op(), e.sqnrDb(),
                        e.cosine(), e.maxAbsError());
                }
            }
        }
        out.println("wrote " + output + " and " + settingsOut);
        for (Path r : reports) {
            out.println("wrote " + reportService.write(reportService.fromAnalysis(after).withOptimization(section), r));
        }
        out.flush();
        return 0;
    }

    private OptimizationSettings settings(Graph original) throws EdgewiseException {
        OptimizationSettings s = settingsFile != null ? OptimizationSettings.read(settingsFile) : OptimizationSettings.none();
        if (settingsFile != null && s.sourceModelSha256() != null && !original.metadata().sha256().isEmpty()
                && !s.sourceModelSha256().equals(original.metadata().sha256())) {
            spec.commandLine().getErr().println("warning: " + settingsFile + " was made for a different model (sha256 "
                + s.sourceModelSha256() + ")");
        }
        if (prune != null || !pruneLayers.isEmpty() || !exclude.isEmpty()) {
            Map<String, Double> perLayer = new LinkedHashMap<>();
            AnalyzeCommand.parsePairs(pruneLayers, "--prune-layer").forEach((k, v) -> perLayer.put(k, parseFraction(k, v)));
            s = s.withPrune(prune != null ? prune : s.pruneSparsity(), perLayer.isEmpty() ? s.layerSparsity() : perLayer,
                exclude.isEmpty() ? s.excludeFromPruning() : exclude);
        }
        if (pruneStructured != null) {
            try {
                s = s.withStructured(pruneStructured, structuredNorm);
            } catch (IllegalArgumentException e) {
                throw new UserInputException("--prune-structured: " + e.getMessage());
            }
        }
        if (quantize != null || !keepFloat.isEmpty() || !layerPrecision.isEmpty()) {
            Map<String, String> precision = new LinkedHashMap<>(s.layerPrecision());
            precision.putAll(AnalyzeCommand.parsePairs(layerPrecision, "--layer-precision"));
            keepFloat.forEach(l -> precision.put(l, "float"));
            try {
                s = s.withQuantize(quantize != null ? quantize : s.quantize(), precision);
            } catch (IllegalArgumentException e) {
                throw new UserInputException("--quantize: " + e.getMessage());
            }
        }
        if (calibration != null || randomCalibration != null) {
            s = s.withCalibration(calibrationMethod, percentile, null, null, null);
        }
        if (images.given() || isFolder(calibration) || isFolder(eval)) {
            // stored so that the same folder gives the same inputs when the settings are applied again
            s = s.withImagePreprocessing(images.over(s.imagePreprocessing()));
        }
        return s.withSource(original.metadata().sha256().isEmpty() ? null : original.metadata().sha256());
    }

    private Dataset calibrationData(Graph g, OptimizationSettings s, PrintWriter err) throws EdgewiseException {
        if (calibration != null) {
            return Dataset.load(calibration, OrtModel.inputShape(g), s.imagePreprocessing());
        }
        if (randomCalibration != null) {
            err.println();
            err.println(Dataset.RANDOM_WARNING);
            return Dataset.random(randomCalibration, OrtModel.inputElements(g), 1);
        }
        return null;
    }

    private static boolean isFolder(Path p) {
        return p != null && Files.isDirectory(p);
    }

    private static double parseFraction(String layer, String v) {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UserInputException("--prune-layer " + layer + "=" + v + ": not a number");
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }

    private void clearProgress() {
        PrintWriter err = spec.commandLine().getErr();
        err.print("\r" + " ".repeat(70) + "\r");
        err.flush();
    }

    private void progress(String message) {
        PrintWriter err = spec.commandLine().getErr();
        err.print("\r[optimize] " + String.format("%-58s", message));
        err.flush();
    }
}
