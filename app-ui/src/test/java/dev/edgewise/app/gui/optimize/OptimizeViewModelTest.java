package dev.edgewise.app.gui.optimize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.app.gui.fixtures.DirectRunner;
import dev.edgewise.core.analysis.Analyzer;
import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.eval.Dataset;
import dev.edgewise.core.eval.Evaluation;
import dev.edgewise.core.eval.OrtModel;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.onnx.OnnxExporter;
import dev.edgewise.core.optimize.ModelSize;
import dev.edgewise.core.optimize.OptimizationSettings;
import dev.edgewise.core.optimize.Optimizer;
import dev.edgewise.core.optimize.Precision;
import dev.edgewise.core.optimize.SensitivityAnalysis;
import dev.edgewise.core.optimize.WeightLayer;
import dev.edgewise.core.report.OptimizationSection;
import dev.edgewise.core.spi.ImportOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Optimize panel's view model without a screen, on the trained digits CNN and its real data. */
class OptimizeViewModelTest {
    static final Path SAMPLES = Path.of(System.getProperty("edgewise.samples", "../samples"));
    static final Path MODEL = SAMPLES.resolve("models/digits_cnn.onnx");
    static final Path CALIB = SAMPLES.resolve("data/digits_calib.csv");
    static final Path TEST = SAMPLES.resolve("data/digits_test.csv");

    static Analyzer analyzer;
    static Graph graph;
    static ModelAnalysis baseline;

    @TempDir
    Path dir;

    private final DirectRunner runner = new DirectRunner();

    @BeforeAll
    static void load() throws Exception {
        analyzer = Analyzer.withDefaults();
        graph = analyzer.importers().load(MODEL, ImportOptions.DEFAULT);
        baseline = analyzer.analyze(graph, DimBindings.NONE);
    }

    private OptimizeViewModel vm() {
        OptimizeViewModel vm = new OptimizeViewModel(runner, g -> analyzer.analyze(g, DimBindings.NONE),
            SampleData.folder(SAMPLES.resolve("data")), Runnable::run);
        vm.setModel(MODEL, graph, baseline);
        return vm;
    }

    private static double after(OptimizationRun.Result r, String metricPrefix) {
        return comparison(r.section(), metricPrefix).after();
    }

    private static OptimizationSection.Comparison comparison(OptimizationSection s, String metricPrefix) {
        return s.comparisons().stream().filter(c -> c.metric().startsWith(metricPrefix)).findFirst().orElseThrow();
    }

    @Test
    void aNewModelGetsOneRowPerWeightLayerAndTheDigitsDataByDefault() {
        OptimizeViewModel vm = vm();
        assertThat(vm.layers()).extracting(LayerSetting::name)
            .containsExactlyElementsOf(WeightLayer.find(graph).stream().map(WeightLayer::name).toList());
        assertThat(vm.calibrationDataProperty().get()).isEqualTo(CALIB);
        assertThat(vm.evaluationDataProperty().get()).isEqualTo(TEST);
        OptimizationRun.Result r = vm.previewProperty().get();
        assertThat(after(r, "Weight bytes")).isEqualTo(comparison(r.section(), "Weight bytes").before());
    }

    @Test
    void movingTheSliderChangesTheCountsExactlyAsTheOptimizerDoes() throws Exception {
        OptimizeViewModel vm = vm();
        double denseParams = after(vm.previewProperty().get(), "Parameters (non-zero)");
        vm.sparsityProperty().set(0.5);
        OptimizationRun.Result pruned = vm.previewProperty().get();
        // independent count: the zeros actually present in the pruned weights
        long zeros = 0;
        for (WeightLayer l : WeightLayer.find(pruned.outcome().graph())) {
            for (float v : pruned.outcome().graph().initializer(l.weight()).toFloats()) {
                zeros += v == 0f ? 1 : 0;
            }
        }
        long weights = vm.layers().stream().mapToLong(LayerSetting::params).sum();
        assertThat(zeros).isBetween((long) (0.5 * weights) - 1, (long) (0.5 * weights) + 1);
        assertThat(denseParams - after(pruned, "Parameters (non-zero)")).isEqualTo(zeros);

        vm.precisionProperty().set(Precision.INT8);
        OptimizationRun.Result preview = vm.previewProperty().get();
        // the same settings through the optimizer directly, calibrated on the real data
        Dataset calib = Dataset.load(CALIB, OrtModel.inputShape(graph), null);
        Optimizer.Outcome direct = Optimizer.optimize(graph, vm.settings(), calib, m -> { });
        ModelAnalysis after = analyzer.analyze(direct.graph(), DimBindings.NONE);
        assertThat(after(preview, "Weight bytes")).isEqualTo(ModelSize.of(graph, direct.graph(), direct.layers()).weightBytes());
        assertThat(after(preview, "All parameter bytes")).isEqualTo(ModelSize.of(graph, direct.graph(), direct.layers()).totalBytes());
        assertThat(after(preview, "MACs (dense)")).isEqualTo(after.totals().macs());
        assertThat(after(preview, "Energy per inference")).isEqualTo(after.totals().energyUjEstimate());
        assertThat(after(preview, "Energy per inference")).isLessThan(after(pruned, "Energy per inference"));
        assertThat(after(preview, "Weight bytes")).isLessThan(after(pruned, "Weight bytes"));
        assertThat(after(preview, "Parameters (non-zero)")).isEqualTo(after(pruned, "Parameters (non-zero)"));
        assertThat(preview.calibrated()).isFalse();
    }

    @Test
    void slideMovesDuringAPreviewAreCoalescedIntoOneMoreRunWithTheNewestValue() {
        HeldRunner held = new HeldRunner();
        OptimizeViewModel vm = new OptimizeViewModel(held, g -> analyzer.analyze(g, DimBindings.NONE),
            g -> java.util.Optional.empty(), Runnable::run);
        vm.setModel(MODEL, graph, baseline);
        held.runAll();
        int before = held.started;
        held.hold = true;
        vm.sparsityProperty().set(0.1);
        for (double s = 0.11; s < 0.6; s += 0.01) {
            vm.sparsityProperty().set(s);
        }
        vm.sparsityProperty().set(0.6);
        assertThat(held.started - before).as("one preview running while the slider moves").isEqualTo(1);
        held.runAll();
        assertThat(held.started - before).as("then one more with the newest value").isEqualTo(2);
        assertThat(vm.previewProperty().get().requested().pruneSparsity()).isEqualTo(0.6);
    }

    @Test
    void settingsRoundTripThroughTheFileAndTheCommandLineFormat() throws Exception {
        OptimizeViewModel vm = vm();
        List<LayerSetting> rows = vm.layers();
        vm.sparsityProperty().set(0.3);
        vm.precisionProperty().set(Precision.INT8);
        vm.calibrationMethodProperty().set("percentile");
        rows.get(0).sparsityProperty().set(0.0);
        rows.get(1).sparsityProperty().set(0.7);
        rows.get(2).keepFloatProperty().set(true);
        rows.get(3).precisionProperty().set(Precision.FP16);
        OptimizationSettings shown = vm.settings();
        assertThat(shown.excludeFromPruning()).containsExactly(rows.get(0).name());
        assertThat(shown.layerSparsity()).containsExactly(Map.entry(rows.get(1).name(), 0.7));
        assertThat(shown.layerPrecision()).containsEntry(rows.get(2).name(), "float").containsEntry(rows.get(3).name(), "fp16");

        Path file = dir.resolve("s.json");
        vm.saveSettings(file, p -> { });
        assertThat(Files.readString(file)).isEqualTo(shown.toJson());
        assertThat(dir.toFile().list()).containsExactly("s.json");
        OptimizeViewModel again = vm();
        again.loadSettings(file);
        assertThat(again.settings().toJson()).isEqualTo(shown.toJson());
        assertThat(again.layers().get(2).keepFloatProperty().get()).isTrue();
        assertThat(again.layers().get(3).precisionProperty().get()).isEqualTo(Precision.FP16);

        // a file written by `edgewise sensitivity --save-settings` shows and saves unchanged
        OptimizationSettings cli = OptimizationSettings.none()
            .withPrune(null, Map.of(rows.get(1).name(), 0.95), List.of(rows.get(0).name(), rows.get(3).name()))
            .withQuantize("int8", Map.of(rows.get(2).name(), "float"));
        again.applySettings(cli, "cli.json");
        assertThat(again.settings().withSource(null).toJson()).isEqualTo(cli.toJson());
    }

    @Test
    void evaluationMeasuresBothModelsAndTheSavedSettingsReproduceTheModelWithoutData() throws Exception {
        OptimizeViewModel vm = vm();
        vm.precisionProperty().set(Precision.INT8);
        vm.evaluate();
        OptimizationRun.Result r = vm.evaluationProperty().get();
        assertThat(vm.lastErrorProperty().get()).isNull();
        assertThat(vm.evaluationCurrentProperty().get()).isTrue();
        Dataset test = Dataset.load(TEST, OrtModel.inputShape(graph), null);
        assertThat(r.evaluation().baselineAccuracy()).isEqualTo(Evaluation.accuracy(graph, test));
        assertThat(r.evaluation().optimizedAccuracy()).isEqualTo(Evaluation.accuracy(r.outcome().graph(), test));
        assertThat(comparison(r.section(), "Accuracy").after()).isEqualTo(100 * r.evaluation().optimizedAccuracy());
        assertThat(vm.layers()).allSatisfy(row -> assertThat(row.sqnrDbProperty().get()).isNotNull());
        assertThat(vm.jobRunningProperty().get()).isFalse();

        Path file = dir.resolve("evaluated.json");
        vm.saveSettings(file, p -> { });
        OptimizationSettings saved = OptimizationSettings.read(file);
        assertThat(saved.activationRanges()).isNotEmpty();
        Optimizer.Outcome again = Optimizer.optimize(graph, saved, null, m -> { });
        assertThat(OnnxExporter.toBytes(again.graph())).isEqualTo(OnnxExporter.toBytes(r.outcome().graph()));

        vm.sparsityProperty().set(0.2);
        assertThat(vm.evaluationCurrentProperty().get()).as("settings changed after the evaluation").isFalse();
    }

    @Test
    void keepInFloatFromTheSensitivityRanking() {
        OptimizeViewModel vm = vm();
        vm.budgetPointsProperty().set(1.0);
        vm.runSensitivity();
        SensitivityAnalysis.Result r = vm.sensitivityProperty().get();
        assertThat(r).isNotNull();
        assertThat(vm.layers()).allSatisfy(row -> assertThat(row.sensitivityRankProperty().get()).isNotNull());
        LayerSetting first = vm.layers().stream().filter(row -> row.sensitivityRankProperty().get() == 1).findFirst()
            .orElseThrow();
        assertThat(first.name()).isEqualTo(r.ranked().get(0).layer());

        List<String> mostSensitive = r.ranked().subList(0, 2).stream().map(SensitivityAnalysis.LayerSensitivity::layer).toList();
        vm.precisionProperty().set(Precision.INT8);
        vm.keepInFloat(mostSensitive);
        assertThat(vm.layers()).allSatisfy(row ->
            assertThat(row.keepFloatProperty().get()).isEqualTo(mostSensitive.contains(row.name())));
        assertThat(vm.settings().layerPrecision()).containsOnlyKeys(mostSensitive)
            .allSatisfy((k, v) -> assertThat(v).isEqualTo("float"));
        assertThat(vm.previewProperty().get().outcome().layers()).filteredOn(s -> mostSensitive.contains(s.layer()))
            .allSatisfy(s -> assertThat(s.valueBytes()).isEqualTo(4));

        vm.applyRecommendation();
        assertThat(vm.settings().withSource(null).withCalibration("minmax", null, null, null, null).toJson())
            .isEqualTo(r.recommendedSettings(true).withCalibration("minmax", null, null, null, null).toJson());
    }

    @Test
    void aSettingsFileForOtherLayersIsRefusedWithTheirNames() {
        OptimizeViewModel vm = vm();
        vm.applySettings(OptimizationSettings.none().withPrune(null, Map.of("no_such_layer", 0.5), null), "x.json");
        assertThat(vm.lastErrorProperty().get()).isEqualTo("x.json names layers this model does not have: no_such_layer");
        assertThat(vm.settings().layerSparsity()).isEmpty();
    }

    /** Holds submitted work until {@link #runAll()}, so a test sees what runs while a preview is busy. */
    static final class HeldRunner implements dev.edgewise.app.gui.task.TaskRunner {
        boolean hold;
        int started;
        private final java.util.ArrayDeque<Runnable> queue = new java.util.ArrayDeque<>();

        @Override
        public <T> Handle submit(String title, Work<T> work, java.util.function.Consumer<T> onSuccess,
                                 java.util.function.Consumer<Throwable> onFailure) {
            if (title.startsWith("Counting")) {
                started++;
            }
            Runnable r = () -> new DirectRunner().submit(title, work, onSuccess, onFailure);
            if (hold) {
                queue.add(r);
            } else {
                r.run();
            }
            return () -> { };
        }

        void runAll() {
            hold = false;
            while (!queue.isEmpty()) {
                queue.poll().run();
            }
        }
    }
}
