package dev.edgewise.app.cli;

import dev.edgewise.core.eval.Dataset;
import dev.edgewise.core.eval.ImagePreprocessing;
import dev.edgewise.core.eval.Job;
import dev.edgewise.core.eval.OrtModel;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.optimize.OptimizationSettings;
import dev.edgewise.core.optimize.SensitivityAnalysis;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.spi.ModelImporters;
import dev.edgewise.core.util.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code edgewise sensitivity MODEL --data PATH}: which layers tolerate pruning and int8, and which do not. */
@Command(name = "sensitivity", mixinStandardHelpOptions = true,
    description = "Prune each layer alone at several sparsities and quantize it alone to int8, measure accuracy"
        + " (or top-1 agreement without labels) with ONNX Runtime, rank the layers and recommend settings for a budget.")
final class SensitivityCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Model file (.onnx).")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "PATH", description = "Evaluation samples: .csv, .npy, or a folder with one image subfolder per class.")
    Path data;

    @Option(names = "--calibration", paramLabel = "PATH", description = "Calibration samples for int8 (default: first 100 of --data).")
    Path calibration;

    @Option(names = "--budget", defaultValue = "0.5", paramLabel = "POINTS",
        description = "Accuracy loss allowed, in percentage points (default ${DEFAULT-VALUE}).")
    double budget;

    @Option(names = "--levels", split = ",", paramLabel = "S", description = "Sparsities to try (default 0.5,0.7,0.8,0.9,0.95).")
    List<Double> levels;

    @Option(names = "--no-int8", description = "Skip the int8 sweep.")
    boolean noInt8;

    @Option(names = "--save-settings", paramLabel = "FILE",
        description = "Write the recommended settings (pruning + int8) for edgewise optimize --settings.")
    Path saveSettings;

    @Option(names = "--verbose", description = "Show stack traces of errors.")
    boolean verbose;

    @Mixin
    ImageOptions images = new ImageOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Graph g = ModelImporters.fromClasspath().load(model, ImportOptions.DEFAULT);
        long[] shape = OrtModel.inputShape(g);
        ImagePreprocessing prep = images.over(null);
        Dataset d = Dataset.load(data, shape, prep);
        Dataset c = calibration == null ? null : Dataset.load(calibration, shape, prep);
        double[] lv = levels == null ? SensitivityAnalysis.DEFAULT_LEVELS : levels.stream().mapToDouble(Double::doubleValue).toArray();
        SensitivityAnalysis.Options o = new SensitivityAnalysis.Options(lv, !noInt8, "minmax", budget,
            Runtime.getRuntime().availableProcessors());
        Job<SensitivityAnalysis.Result> job = SensitivityAnalysis.start(g, d, c, o, (done, total, msg) -> {
            synchronized (err) {
                err.print("\r[sensitivity] " + (total > 0 ? done + "/" + total + " " : "") + String.format("%-60.60s", msg));
                err.flush();
            }
        });
        Thread hook = new Thread(job::cancel);
        Runtime.getRuntime().addShutdownHook(hook);
        SensitivityAnalysis.Result r;
        try {
            r = job.await();
        } finally {
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        err.print("\r" + " ".repeat(80) + "\r");
        err.flush();
        out.print(SensitivityAnalysis.table(r));
        if (saveSettings != null) {
            try {
                OptimizationSettings rec = r.recommendedSettings(!noInt8);
                if (java.nio.file.Files.isDirectory(data) || (calibration != null && java.nio.file.Files.isDirectory(calibration))) {
                    rec = rec.withImagePreprocessing(prep);
                }
                AtomicFiles.writeString(saveSettings, rec.toJson());
            } catch (IOException e) {
                throw new EdgewiseException(EdgewiseException.ErrorCode.IO_ERROR, saveSettings + ": cannot write: " + e.getMessage(), e);
            }
            out.println("wrote " + saveSettings);
        }
        out.flush();
        return 0;
    }
}
