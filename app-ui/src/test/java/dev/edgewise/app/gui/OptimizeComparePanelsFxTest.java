package dev.edgewise.app.gui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.app.gui.charts.ChartsViewModel;
import dev.edgewise.app.gui.compare.CompareViewModel;
import dev.edgewise.app.gui.optimize.OptimizeViewModel;
import dev.edgewise.app.gui.prefs.RecentFiles;
import dev.edgewise.app.gui.prefs.Settings;
import dev.edgewise.app.gui.task.UiTaskExecutor;
import dev.edgewise.core.eval.Dataset;
import dev.edgewise.core.eval.Evaluation;
import dev.edgewise.core.eval.OrtModel;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.optimize.Precision;
import dev.edgewise.core.report.Origin;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.Scene;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The Optimize and Compare tabs under headless Monocle, on the trained digits CNN through the real pipeline. */
@ExtendWith(ApplicationExtension.class)
class OptimizeComparePanelsFxTest {
    static final Path SAMPLES = Path.of(System.getProperty("edgewise.samples", "../samples"));

    private MainViewModel vm;
    private MainView view;
    private UiTaskExecutor tasks;

    @Start
    void start(Stage stage) {
        tasks = new UiTaskExecutor(2);
        vm = new MainViewModel(ModelService.standard(), tasks, new RecentFiles(Settings.inMemory(), 5));
        view = new MainView(vm, new ChartsViewModel(), tasks, new SimpleObjectProperty<>(Theme.LIGHT), () -> { });
        Scene scene = new Scene(view.root(), 1400, 900);
        scene.getStylesheets().setAll(Theme.LIGHT.stylesheets());
        view.installShortcuts(scene);
        stage.setScene(scene);
        stage.show();
    }

    @AfterEach
    void stop() {
        tasks.close();
    }

    private OptimizeViewModel openDigits(FxRobot robot) throws Exception {
        robot.interact(() -> vm.open(SAMPLES.resolve("models/digits_cnn.onnx")));
        OptimizeViewModel o = view.optimizeViewModel();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> o.previewProperty().get() != null);
        robot.interact(() -> {
            o.calibrationDataProperty().set(SAMPLES.resolve("data/digits_calib.csv"));
            o.evaluationDataProperty().set(SAMPLES.resolve("data/digits_test.csv"));
            view.tabs().getSelectionModel().select(tab(view, "optimizeTab"));
        });
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(vm.lastErrorProperty().get()).isNull();
        return o;
    }

    private static String cell(TableView<CompareViewModel.Row> t, String metricPrefix, boolean optimized) {
        CompareViewModel.Row r = t.getItems().stream().filter(x -> x.metric().startsWith(metricPrefix)).findFirst()
            .orElseThrow(() -> new AssertionError("no row " + metricPrefix + " in " + t.getItems()));
        return optimized ? r.optimized() : r.baseline();
    }

    @SuppressWarnings("unchecked")
    private TableView<CompareViewModel.Row> table(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(TableView.class);
    }

    @Test
    void movingTheSparsitySliderChangesTheNumbers(FxRobot robot) throws Exception {
        OptimizeViewModel o = openDigits(robot);
        TableView<CompareViewModel.Row> figures = table(robot, "#optimizeFigures");
        String dense = cell(figures, "Parameters (non-zero)", true);
        assertThat(dense).isEqualTo(cell(figures, "Parameters (non-zero)", false));
        robot.clickOn("#sparsitySlider");
        robot.interact(() -> robot.lookup("#sparsitySlider").query().requestFocus());
        for (int i = 0; i < 10; i++) {
            robot.type(KeyCode.RIGHT);
        }
        double s = o.sparsityProperty().get();
        assertThat(s).isGreaterThan(0.3);
        assertThat(robot.lookup("#sparsityValue").queryLabeled().getText())
            .isEqualTo(String.format(Locale.ROOT, "%.1f%%", 100 * s));
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !cell(figures, "Parameters (non-zero)", true).equals(dense)
            && o.previewProperty().get().requested().pruneSparsity() == Math.round(s * 1000) / 1000.0);
        long weights = o.layers().stream().mapToLong(l -> l.params()).sum();
        long before = Long.parseLong(cell(figures, "Parameters (non-zero)", false).replace(",", ""));
        long after = Long.parseLong(cell(figures, "Parameters (non-zero)", true).replace(",", ""));
        assertThat((double) (before - after)).isCloseTo(Math.round(s * 1000) / 1000.0 * weights,
            org.assertj.core.api.Assertions.within(1.0));
    }

    @Test
    void evaluationOnDigitsShowsBothAccuraciesAndTheCompareTabShowsDeltas(FxRobot robot) throws Exception {
        OptimizeViewModel o = openDigits(robot);
        robot.interact(() -> o.precisionProperty().set(Precision.INT8));
        robot.clickOn("#evaluateButton");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> o.evaluationProperty().get() != null
            || o.lastErrorProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(o.lastErrorProperty().get()).isNull();
        Graph g = o.original();
        Dataset test = Dataset.load(SAMPLES.resolve("data/digits_test.csv"), OrtModel.inputShape(g), null);
        String expected = String.format(Locale.ROOT, "%.2f%%", 100 * Evaluation.accuracy(g, test));
        TableView<CompareViewModel.Row> figures = table(robot, "#optimizeFigures");
        assertThat(cell(figures, "Accuracy", false)).isEqualTo(expected);
        assertThat(cell(figures, "Accuracy", true)).isEqualTo(String.format(Locale.ROOT, "%.2f%%",
            100 * Evaluation.accuracy(o.evaluationProperty().get().outcome().graph(), test)));
        assertThat(robot.lookup("#optimizeStatus").queryLabeled().getText()).startsWith("Evaluated: 450 samples");
        MainViewModel.ColorChoice error = vm.colorChoices().stream()
            .filter(c -> c.metric() != null && c.metric().id().equals("quantization-error")).findFirst().orElseThrow();
        var worst = o.evaluationProperty().get().evaluation().layers().stream()
            .filter(l -> Double.isFinite(l.sqnrDb())).min(java.util.Comparator.comparingDouble(l -> l.sqnrDb())).orElseThrow();
        assertThat(error.metric().max()).isEqualTo(Math.pow(10, -worst.sqnrDb() / 10));
        assertThat(error.metric().provenance()).isEqualTo(dev.edgewise.core.analysis.Provenance.MEASURED);

        robot.interact(() -> view.tabs().getSelectionModel().select(tab(view, "compareTab")));
        TableView<CompareViewModel.Row> compare = table(robot, "#compareTable");
        assertThat(cell(compare, "Accuracy", false)).isEqualTo(expected);
        CompareViewModel.Row bytes = compare.getItems().stream().filter(r -> r.metric().startsWith("Weight bytes"))
            .findFirst().orElseThrow();
        assertThat(bytes.delta()).contains("x smaller");
        assertThat(cell(compare, "Latency", true)).isEqualTo(CompareViewModel.NOT_MEASURED);
        assertThat(view.comparePanel().diffGraph().layerMarksProperty().get().kindByLayer())
            .hasSize(o.layers().size()).containsValue("int8");
        robot.interact(() -> view.compareViewModel().setMeasured(CompareViewModel.Side.BASELINE,
            new CompareViewModel.Measured(1.25, null, Origin.emulated("qemu-aarch64"))));
        assertThat(cell(table(robot, "#compareTable"), "Latency", false)).isEqualTo("1.250 ms");
    }

    @Test
    void cancellingTheSensitivityAnalysisStopsItWithoutAResult(FxRobot robot) throws Exception {
        OptimizeViewModel o = openDigits(robot);
        // 20 copies of the test rows: long enough (24 evaluations of 9,000 samples) that Cancel comes first
        java.util.List<String> rows = java.nio.file.Files.readAllLines(SAMPLES.resolve("data/digits_test.csv"));
        java.util.List<String> many = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            many.addAll(rows);
        }
        Path big = java.nio.file.Files.createTempFile("digits-x20", ".csv");
        java.nio.file.Files.write(big, many);
        robot.interact(() -> o.evaluationDataProperty().set(big));
        robot.clickOn("#sensitivityButton");
        assertThat(o.jobRunningProperty().get()).isTrue();
        assertThat(robot.lookup("#cancelOptimizeJob").query().isVisible()).isTrue();
        robot.clickOn("#cancelOptimizeJob");
        assertThat(o.jobRunningProperty().get()).isFalse();
        assertThat(robot.lookup("#optimizeStatus").queryLabeled().getText()).isEqualTo("Cancelled.");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> tasks.runningCount() == 0);
        WaitForAsyncUtils.waitForFxEvents();
        Thread.sleep(1000);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(o.sensitivityProperty().get()).isNull();
        assertThat(o.lastErrorProperty().get()).isNull();
        java.nio.file.Files.delete(big);
    }

    private static javafx.scene.control.Tab tab(dev.edgewise.app.gui.MainView v, String id) {
        return v.tabs().getTabs().stream().filter(t -> id.equals(t.getId())).findFirst().orElseThrow();
    }
}
