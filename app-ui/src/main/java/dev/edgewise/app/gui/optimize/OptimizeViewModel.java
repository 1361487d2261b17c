package dev.edgewise.app.gui.optimize;

import dev.edgewise.app.gui.task.TaskRunner;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.eval.Dataset;
import dev.edgewise.core.eval.Job;
import dev.edgewise.core.eval.OrtModel;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.onnx.OnnxExporter;
import dev.edgewise.core.optimize.OptimizationSettings;
import dev.edgewise.core.optimize.Precision;
import dev.edgewise.core.optimize.SensitivityAnalysis;
import dev.edgewise.core.optimize.WeightLayer;
import dev.edgewise.core.util.AtomicFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.beans.value.ChangeListener;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State and logic of the Optimize panel: global sparsity and precision, per-layer overrides, data
 * files, the live preview (recomputed in the background after every change; changes arriving
 * while one runs are coalesced into one more run with the newest settings), evaluation and
 * sensitivity as cancellable background jobs, and the settings file. No JavaFX nodes here; all
 * methods are called on the UI thread, and {@code ui} brings job progress back to it.
 */
public final class OptimizeViewModel {
    public static final double MAX_SPARSITY = 0.95;
    public static final List<String> CALIBRATION_METHODS = List.of("minmax", "percentile", "entropy");

    private final TaskRunner runner;
    private final OptimizationRun.GraphAnalyzer analyzer;
    private final SampleData sampleData;
    private final Executor ui;

    private final ObservableList<LayerSetting> layers = FXCollections.observableArrayList();
    private final DoubleProperty sparsity = new SimpleDoubleProperty(this, "sparsity", 0);
    private final ObjectProperty<Precision> precision = new SimpleObjectProperty<>(this, "precision", Precision.FLOAT);
    private final StringProperty calibrationMethod = new SimpleStringProperty(this, "calibrationMethod", "minmax");
    private final ObjectProperty<Path> calibrationData = new SimpleObjectProperty<>(this, "calibrationData");
    private final ObjectProperty<Path> evaluationData = new SimpleObjectProperty<>(this, "evaluationData");
    private final DoubleProperty budgetPoints = new SimpleDoubleProperty(this, "budgetPoints", 1.0);

    private final ReadOnlyObjectWrapper<OptimizationRun.Result> preview = new ReadOnlyObjectWrapper<>(this, "preview");
    private final ReadOnlyObjectWrapper<OptimizationRun.Result> evaluation = new ReadOnlyObjectWrapper<>(this, "evaluation");
    private final ReadOnlyBooleanWrapper evaluationCurrent = new ReadOnlyBooleanWrapper(this, "evaluationCurrent");
    private final ReadOnlyObjectWrapper<SensitivityAnalysis.Result> sensitivity =
        new ReadOnlyObjectWrapper<>(this, "sensitivity");
    private final ReadOnlyBooleanWrapper jobRunning = new ReadOnlyBooleanWrapper(this, "jobRunning");
    private final ReadOnlyDoubleWrapper jobProgress = new ReadOnlyDoubleWrapper(this, "jobProgress", -1);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "Open a model to optimize it.");
    private final ReadOnlyObjectWrapper<String> lastError = new ReadOnlyObjectWrapper<>(this, "lastError");

    private Path modelFile;
    private Graph original;
    private ModelAnalysis baseline;
    /** Fields of a loaded settings file the panel has no control for (structured pruning, images...). */
    private OptimizationSettings base = OptimizationSettings.none();
    private List<String> loadedExclusions = List.of();
    private boolean rangesValid;
    private boolean applying;
    private long modelGeneration;
    private boolean previewRunning;
    private boolean previewDirty;
    private long jobGeneration;
    private TaskRunner.Handle jobHandle;
    private final ChangeListener<Object> edited = (o, a, b) -> settingsEdited();

    public OptimizeViewModel(TaskRunner runner, OptimizationRun.GraphAnalyzer analyzer, SampleData sampleData,
                             Executor ui) {
        this.runner = runner;
        this.analyzer = analyzer;
        this.sampleData = sampleData;
        this.ui = ui;
        sparsity.addListener(edited);
        precision.addListener(edited);
        calibrationMethod.addListener(edited);
    }

    // ---- the model --------------------------------------------------------------------------

    /** A newly analysed model: one row per weight layer, settings reset, default data looked up. */
    public void setModel(Path file, Graph graph, ModelAnalysis analysis) {
        if (graph != null && graph == original && analysis != null) {
            // the same graph analysed again (other dimension bindings): settings stay, figures follow
            baseline = analysis;
            evaluation.set(null);
            updateEvaluationCurrent();
            requestPreview();
            return;
        }
        modelGeneration++;
        cancelJob();
        modelFile = file;
        original = graph;
        baseline = analysis;
        preview.set(null);
        evaluation.set(null);
        sensitivity.set(null);
        lastError.set(null);
        applying = true;
        try {
            layers.clear();
            base = OptimizationSettings.none();
            loadedExclusions = List.of();
            rangesValid = false;
            sparsity.set(0);
            precision.set(Precision.FLOAT);
            calibrationData.set(null);
            evaluationData.set(null);
            if (graph != null) {
                for (WeightLayer l : WeightLayer.find(graph)) {
                    LayerSetting row = new LayerSetting(l.name(), l.node().opType(), l.category(),
                        graph.initializer(l.weight()).numElements());
                    row.sparsityProperty().addListener(edited);
                    row.precisionProperty().addListener(edited);
                    row.keepFloatProperty().addListener(edited);
                    layers.add(row);
                }
            }
        } finally {
            applying = false;
        }
        if (graph == null || analysis == null) {
            status.set("Open a model to optimize it.");
            return;
        }
        status.set(layers.isEmpty() ? graph.name() + " has no Conv, Gemm or MatMul layer with constant weights to optimize"
            : layers.size() + " weight layers can be pruned and quantized");
        findDefaultData(graph, modelGeneration);
        requestPreview();
    }

    private void findDefaultData(Graph graph, long generation) {
        runner.submit("Looking for sample data", p -> sampleData.forModel(graph), found -> {
            if (generation == modelGeneration && found.isPresent()) {
                if (calibrationData.get() == null) {
                    calibrationData.set(found.get().calibration());
                }
                if (evaluationData.get() == null) {
                    evaluationData.set(found.get().evaluation());
                }
            }
        }, error -> report("Could not prepare the sample data: " + messageOf(error)));
    }

    // ---- settings ---------------------------------------------------------------------------

    /** The settings the panel shows, in the settings-file form the command line reads. */
    public OptimizationSettings settings() {
        Map<String, Double> perLayer = new TreeMap<>();
        Set<String> excluded = new LinkedHashSet<>();
        Map<String, String> perLayerPrecision = new TreeMap<>();
        Set<String> rowNames = new LinkedHashSet<>();
        for (LayerSetting row : layers) {
            rowNames.add(row.name());
            Double s = row.sparsityProperty().get();
            if (s != null && s == 0) {
                excluded.add(row.name());
            } else if (s != null) {
                perLayer.put(row.name(), s);
            }
            if (row.keepFloatProperty().get()) {
                perLayerPrecision.put(row.name(), Precision.FLOAT.id());
            } else if (row.precisionProperty().get() != null) {
                perLayerPrecision.put(row.name(), row.precisionProperty().get().id());
            }
        }
        // a loaded file's exclusions keep their order (and categories such as "conv" are kept as they are)
        List<String> exclude = new ArrayList<>();
        for (String e : loadedExclusions) {
            if (!rowNames.contains(e) || excluded.contains(e)) {
                exclude.add(e);
            }
        }
        excluded.stream().filter(e -> !exclude.contains(e)).forEach(exclude::add);
        double global = sparsity.get();
        OptimizationSettings s = base.withPrune(global > 0 ? round(global) : null, perLayer, exclude)
            .withQuantize(precision.get().id(), perLayerPrecision)
            .withCalibration(calibrationMethod.get(), base.calibrationPercentile(),
                rangesValid ? base.calibrationData() : null, rangesValid ? base.calibrationSamples() : null,
                rangesValid ? base.activationRanges() : null);
        String sha = original == null ? "" : original.metadata().sha256();
        return s.withSource(sha.isEmpty() ? base.sourceModelSha256() : sha);
    }

    /** Slider positions carry binary noise; the file stores what the label shows (0.1%). */
    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }

    /** Shows {@code s}; layer names must exist in the open model. Calibrated ranges stay valid until an edit. */
    public void applySettings(OptimizationSettings s, String where) {
        Map<String, LayerSetting> byName = new HashMap<>();
        layers.forEach(r -> byName.put(r.name(), r));
        List<String> unknown = new ArrayList<>();
        for (String n : concat(s.layerSparsity().keySet(), s.layerPrecision().keySet())) {
            if (!byName.containsKey(n)) {
                unknown.add(n);
            }
        }
        if (!unknown.isEmpty()) {
            report(where + " names layers this model does not have: " + String.join(", ", unknown));
            return;
        }
        applying = true;
        try {
            base = s;
            loadedExclusions = s.excludeFromPruning();
            sparsity.set(s.pruneSparsity() == null ? 0 : Math.min(MAX_SPARSITY, s.pruneSparsity()));
            precision.set(Precision.parse(s.quantize()));
            calibrationMethod.set(s.calibrationMethod());
            for (LayerSetting row : layers) {
                Double ls = s.layerSparsity().get(row.name());
                row.sparsityProperty().set(s.excludeFromPruning().contains(row.name()) ? Double.valueOf(0) : ls);
                String p = s.layerPrecision().get(row.name());
                boolean keep = p != null && Precision.parse(p) == Precision.FLOAT;
                row.keepFloatProperty().set(keep);
                row.precisionProperty().set(p == null || keep ? null : Precision.parse(p));
            }
            rangesValid = s.activationRanges() != null;
        } finally {
            applying = false;
        }
        updateEvaluationCurrent();
        requestPreview();
        String sha = original == null ? "" : original.metadata().sha256();
        if (s.sourceModelSha256() != null && !sha.isEmpty() && !sha.equals(s.sourceModelSha256())) {
            report(where + " was made for a different model (sha256 " + s.sourceModelSha256() + "); applied anyway");
        }
    }

    /** Keeps the named layers in float32 (e.g. the most sensitive layers of a ranking) in one step. */
    public void keepInFloat(Collection<String> names) {
        Set<String> wanted = new LinkedHashSet<>(names);
        applying = true;
        try {
            for (LayerSetting row : layers) {
                if (wanted.contains(row.name())) {
                    row.keepFloatProperty().set(true);
                }
            }
        } finally {
            applying = false;
        }
        settingsEdited();
    }

    /** The layers the last sensitivity run says int8 costs more than the budget on. */
    public List<String> recommendedFloatLayers() {
        SensitivityAnalysis.Result r = sensitivity.get();
        return r == null ? List.of() : r.keepFloat();
    }

    /** Applies the last sensitivity recommendation: per-layer sparsities, exclusions, int8 with float layers. */
    public void applyRecommendation() {
        SensitivityAnalysis.Result r = sensitivity.get();
        if (r != null) {
            applySettings(r.recommendedSettings(true).withCalibration(calibrationMethod.get(), null, null, null, null),
                "the sensitivity recommendation");
        }
    }

    private void settingsEdited() {
        if (applying) {
            return;
        }
        rangesValid = false;
        updateEvaluationCurrent();
        requestPreview();
    }

    private void updateEvaluationCurrent() {
        OptimizationRun.Result e = evaluation.get();
        evaluationCurrent.set(e != null && original != null && e.requested().toJson().equals(settings().toJson()));
    }

    // ---- live preview -----------------------------------------------------------------------

    private void requestPreview() {
        if (original == null || baseline == null) {
            return;
        }
        if (previewRunning) {
            previewDirty = true;
            return;
        }
        startPreview();
    }

    private void startPreview() {
        previewRunning = true;
        previewDirty = false;
        long generation = modelGeneration;
        Graph g = original;
        ModelAnalysis before = baseline;
        OptimizationSettings s = settings();
        runner.submit("Counting the optimized model", p -> OptimizationRun.preview(g, before, s, analyzer), r -> {
            previewRunning = false;
            if (generation == modelGeneration) {
                preview.set(r);
                showLayerChanges(r);
                lastError.set(null);
            }
            continuePreview(generation);
        }, error -> {
            previewRunning = false;
            if (generation == modelGeneration) {
                report("Cannot apply these settings to " + g.name() + ": " + messageOf(error));
            }
            continuePreview(generation);
        });
    }

    private void continuePreview(long generation) {
        if (previewDirty && generation == modelGeneration) {
            startPreview();
        }
    }

    private void showLayerChanges(OptimizationRun.Result r) {
        Map<String, dev.edgewise.core.optimize.LayerStats> stats = new HashMap<>();
        r.outcome().layers().forEach(s -> stats.put(s.layer(), s));
        for (LayerSetting row : layers) {
            var s = stats.get(row.name());
            row.changeProperty().set(s == null ? "" : s.change());
            row.nonZerosProperty().set(s == null ? null : s.nonZeros());
        }
    }

    // ---- background jobs --------------------------------------------------------------------

    /** Optimizes with real calibration and measures baseline and optimized in ONNX Runtime. */
    public void evaluate() {
        Path data = evaluationData.get();
        if (!readyForJob("evaluate", data)) {
            return;
        }
        Path calib = calibrationData.get();
        Graph g = original;
        ModelAnalysis before = baseline;
        OptimizationSettings s = settings();
        startJob("Evaluating " + g.name(), p -> {
            long[] shape = OrtModel.inputShape(g);
            p.update("reading " + data.getFileName(), -1);
            Dataset d = Dataset.load(data, shape, s.imagePreprocessing());
            Dataset c = calib == null ? null : Dataset.load(calib, shape, s.imagePreprocessing());
            return OptimizationRun.evaluate(g, before, s, c, d, analyzer, m -> {
                if (p.cancelled()) {
                    throw new CancellationException();
                }
                p.update(m, -1);
            });
        }, (OptimizationRun.Result r) -> {
            evaluation.set(r);
            updateEvaluationCurrent();
            Map<String, Double> sqnr = new HashMap<>();
            r.evaluation().layers().forEach(e -> sqnr.putIfAbsent(e.layer(), e.sqnrDb()));
            layers.forEach(row -> row.sqnrDbProperty().set(sqnr.get(row.name())));
            status.set("Evaluated: " + r.evaluation().describe());
        });
    }

    /** Prunes and quantizes each layer alone, ranks the layers, recommends settings for the budget. */
    public void runSensitivity() {
        Path data = evaluationData.get();
        if (!readyForJob("run the sensitivity analysis", data)) {
            return;
        }
        Path calib = calibrationData.get();
        Graph g = original;
        SensitivityAnalysis.Options o = new SensitivityAnalysis.Options(SensitivityAnalysis.DEFAULT_LEVELS, true,
            calibrationMethod.get(), budgetPoints.get(), Runtime.getRuntime().availableProcessors());
        startJob("Sensitivity of " + g.name(), p -> {
            long[] shape = OrtModel.inputShape(g);
            Dataset d = Dataset.load(data, shape, base.imagePreprocessing());
            Dataset c = calib == null ? null : Dataset.load(calib, shape, base.imagePreprocessing());
            Job<SensitivityAnalysis.Result> job = SensitivityAnalysis.start(g, d, c, o,
                (done, total, msg) -> p.update(msg, total > 0 ? done / (double) total : -1));
            return awaitJob(job, p);
        }, (SensitivityAnalysis.Result r) -> {
            sensitivity.set(r);
            Map<String, Integer> rank = new HashMap<>();
            Map<String, SensitivityAnalysis.LayerSensitivity> byName = new HashMap<>();
            for (int i = 0; i < r.ranked().size(); i++) {
                rank.put(r.ranked().get(i).layer(), i + 1);
                byName.put(r.ranked().get(i).layer(), r.ranked().get(i));
            }
            for (LayerSetting row : layers) {
                SensitivityAnalysis.LayerSensitivity l = byName.get(row.name());
                row.sensitivityRankProperty().set(rank.get(row.name()));
                row.meanDropPointsProperty().set(l == null ? null : l.meanDropPoints());
                row.int8DropPointsProperty().set(l == null || l.int8Score() == null ? null
                    : 100 * (r.baselineScore() - l.int8Score()));
            }
            status.set(String.format(Locale.ROOT, "Sensitivity: baseline %s %.2f%%; within %.2f points: keep float %s",
                r.metric(), 100 * r.baselineScore(), r.budgetPoints(), r.keepFloat().isEmpty() ? "none" : r.keepFloat()));
        });
    }

    private static <T> T awaitJob(Job<T> job, TaskRunner.Progress p) throws Exception {
        while (true) {
            if (p.cancelled()) {
                job.cancel();
                throw new CancellationException("cancelled");
            }
            try {
                return job.future().get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // poll for cancel again
            } catch (InterruptedException e) {
                job.cancel();
                throw new CancellationException("cancelled");
            } catch (ExecutionException e) {
                throw e.getCause() instanceof Exception ex ? ex : e;
            }
        }
    }

    private boolean readyForJob(String what, Path data) {
        if (original == null || baseline == null) {
            report("Open and analyse a model before you " + what + ".");
            return false;
        }
        if (jobRunning.get()) {
            report("Another job is running; cancel it or wait before you " + what + ".");
            return false;
        }
        if (data == null) {
            report("Choose evaluation data (.csv, .npy or a folder of images) to " + what + ".");
            return false;
        }
        return true;
    }

    private <T> void startJob(String title, TaskRunner.Work<T> work, Consumer<T> onSuccess) {
        long generation = ++jobGeneration;
        long model = modelGeneration;
        jobRunning.set(true);
        jobProgress.set(-1);
        status.set(title + "…");
        lastError.set(null);
        AtomicBoolean posted = new AtomicBoolean();
        jobHandle = runner.submit(title, p -> {
            TaskRunner.Progress relay = new TaskRunner.Progress() {
                @Override
                public void update(String message, double fraction) {
                    p.update(message, fraction);
                    if (posted.compareAndSet(false, true)) {
                        ui.execute(() -> {
                            posted.set(false);
                            if (generation == jobGeneration) {
                                status.set(message);
                                jobProgress.set(fraction);
                            }
                        });
                    }
                }

                @Override
                public boolean cancelled() {
                    return p.cancelled();
                }
            };
            try {
                return work.run(relay);
            } finally {
                // runs on cancel too, when neither callback will
                ui.execute(() -> finishJob(generation));
            }
        }, r -> {
            if (model == modelGeneration) {
                onSuccess.accept(r);
            }
        }, error -> {
            if (model == modelGeneration) {
                report(title + " failed: " + messageOf(error));
            }
        });
    }

    private void finishJob(long generation) {
        if (generation == jobGeneration) {
            jobRunning.set(false);
            jobProgress.set(0);
        }
    }

    public void cancelJob() {
        if (jobHandle != null && jobRunning.get()) {
            jobHandle.cancel();
            jobGeneration++;
            jobRunning.set(false);
            jobProgress.set(0);
            status.set("Cancelled.");
        }
        jobHandle = null;
    }

    // ---- files ------------------------------------------------------------------------------

    /**
     * Writes the settings file atomically: after an evaluation of these settings, the calibrated
     * form (which reproduces the model byte for byte without data), else the settings as shown.
     */
    public void saveSettings(Path target, Consumer<Path> onWritten) {
        OptimizationRun.Result e = evaluation.get();
        OptimizationSettings s = e != null && evaluationCurrent.get() ? e.outcome().settings() : settings();
        runner.submit("Saving " + target.getFileName(), p -> {
            AtomicFiles.writeString(target, s.toJson());
            return target;
        }, onWritten, error -> report("Could not write " + target + ": " + messageOf(error)));
    }

    public void loadSettings(Path file) {
        long generation = modelGeneration;
        runner.submit("Reading " + file.getFileName(), p -> OptimizationSettings.read(file), s -> {
            if (generation == modelGeneration) {
                applySettings(s, file.toString());
            }
        }, error -> report(messageOf(error)));
    }

    /** Writes the evaluated (calibrated) model as ONNX plus OUT.settings.json, as {@code edgewise optimize -o} does. */
    public void exportOptimized(Path target, Consumer<Path> onWritten) {
        OptimizationRun.Result e = evaluation.get();
        if (e == null || !evaluationCurrent.get()) {
            report("Evaluate these settings first: the exported model is the calibrated one that was measured.");
            return;
        }
        runner.submit("Writing " + target.getFileName(), p -> {
            byte[] bytes = OnnxExporter.toBytes(e.outcome().graph());
            AtomicFiles.write(target, out -> out.write(bytes));
            AtomicFiles.writeString(target.resolveSibling(target.getFileName() + ".settings.json"),
                e.outcome().settings().toJson());
            return target;
        }, onWritten, error -> report("Could not write " + target + ": " + messageOf(error)));
    }

    // ---- messages ---------------------------------------------------------------------------

    private void report(String message) {
        lastError.set(message);
        status.set(message);
    }

    public void clearError() {
        lastError.set(null);
    }

    static String messageOf(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && (root.getMessage() == null || root instanceof ExecutionException)) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null || m.isBlank() ? root.getClass().getSimpleName() : m;
    }

    private static List<String> concat(Collection<String> a, Collection<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    // ---- properties -------------------------------------------------------------------------

    public Path modelFile() {
        return modelFile;
    }

    public Graph original() {
        return original;
    }

    public ModelAnalysis baseline() {
        return baseline;
    }

    public ObservableList<LayerSetting> layers() {
        return layers;
    }

    public DoubleProperty sparsityProperty() {
        return sparsity;
    }

    public ObjectProperty<Precision> precisionProperty() {
        return precision;
    }

    public StringProperty calibrationMethodProperty() {
        return calibrationMethod;
    }

    public ObjectProperty<Path> calibrationDataProperty() {
        return calibrationData;
    }

    public ObjectProperty<Path> evaluationDataProperty() {
        return evaluationData;
    }

    public DoubleProperty budgetPointsProperty() {
        return budgetPoints;
    }

    /** Counts and estimates of the model the current settings produce (no calibration, not runnable). */
    public ReadOnlyObjectProperty<OptimizationRun.Result> previewProperty() {
        return preview.getReadOnlyProperty();
    }

    /**
     * The last evaluated run: calibrated, measured, runnable ({@code outcome().graph()} is the
     * optimized model a device run should use). Check {@link #evaluationCurrentProperty()}.
     */
    public ReadOnlyObjectProperty<OptimizationRun.Result> evaluationProperty() {
        return evaluation.getReadOnlyProperty();
    }

    /** True while the evaluation was made with the settings shown now. */
    public ReadOnlyBooleanProperty evaluationCurrentProperty() {
        return evaluationCurrent.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<SensitivityAnalysis.Result> sensitivityProperty() {
        return sensitivity.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty jobRunningProperty() {
        return jobRunning.getReadOnlyProperty();
    }

    /** 0..1, or -1 when the job cannot say how far it is. */
    public ReadOnlyDoubleProperty jobProgressProperty() {
        return jobProgress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<String> lastErrorProperty() {
        return lastError.getReadOnlyProperty();
    }
}
