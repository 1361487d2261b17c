package dev.edgewise.app.gui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.app.gui.charts.ChartsViewModel;
import dev.edgewise.app.gui.fixtures.FixtureService;
import dev.edgewise.app.gui.fixtures.Models;
import dev.edgewise.app.gui.prefs.RecentFiles;
import dev.edgewise.app.gui.prefs.Settings;
import dev.edgewise.app.gui.task.UiTaskExecutor;
import dev.edgewise.viewer.table.LayerRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The whole main window under headless Monocle: open a model file, select, sort, search. */
@ExtendWith(ApplicationExtension.class)
class MainViewFxTest {
    private static Models.Built model;
    private static Path file;

    private MainViewModel vm;
    private MainView view;
    private UiTaskExecutor tasks;

    @BeforeAll
    static void writeModel() throws Exception {
        model = Models.resnetTiny();
        file = FixtureService.writeModel(model, Files.createTempDirectory("edgewise-fx"));
    }

    @Start
    void start(Stage stage) {
        tasks = new UiTaskExecutor(2);
        vm = new MainViewModel(new FixtureService(model.analysis()), tasks, new RecentFiles(Settings.inMemory(), 5));
        view = new MainView(vm, new ChartsViewModel(), tasks, new SimpleObjectProperty<>(Theme.LIGHT), () -> { });
        Scene scene = new Scene(view.root(), 1280, 800);
        scene.getStylesheets().setAll(Theme.LIGHT.stylesheets());
        view.installShortcuts(scene);
        stage.setScene(scene);
        stage.show();
    }

    @AfterEach
    void stop() {
        tasks.close();
    }

    private void openModel(FxRobot robot) throws Exception {
        robot.interact(() -> vm.open(file));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> vm.analysisProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(vm.lastErrorProperty().get()).isNull();
    }

    private TableView<LayerRow> table(FxRobot robot) {
        return robot.lookup("#layerTable").queryTableView();
    }

    @Test
    void openingShowsTheGraphTheTableAndTheSummary(FxRobot robot) throws Exception {
        openModel(robot);
        assertThat(table(robot).getItems()).hasSize(52);
        assertThat(robot.lookup("#statusSummary").queryLabeled().getText()).startsWith("resnet_tiny.onnx · 52 layers");
        assertThat(view.graphView().localCenterOf("conv1")).isPresent();
    }

    @Test
    void clickingANodeSelectsItsTableRowAndShowsItsDetails(FxRobot robot) throws Exception {
        openModel(robot);
        robot.interact(() -> view.graphView().reveal("conv4"));
        WaitForAsyncUtils.waitForFxEvents();
        Point2D p = view.graphView().localToScreen(view.graphView().localCenterOf("conv4").orElseThrow());
        robot.clickOn(p, MouseButton.PRIMARY);
        assertThat(vm.selectedLayerProperty().get()).isEqualTo("conv4");
        assertThat(table(robot).getSelectionModel().getSelectedItem().name()).isEqualTo("conv4");
        assertThat(robot.lookup("#detailsTitle").queryLabeled().getText()).isEqualTo("conv4");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
            () -> robot.lookup(n -> "weightStats-conv4.weight".equals(n.getId())).tryQuery().isPresent());
    }

    @Test
    void selectingARowSelectsTheNodeInTheGraph(FxRobot robot) throws Exception {
        openModel(robot);
        robot.interact(() -> table(robot).scrollTo(50));
        robot.clickOn("fc52");
        assertThat(vm.selectedLayerProperty().get()).isEqualTo("fc52");
        assertThat(view.graphView().selectedLayerProperty().get()).isEqualTo("fc52");
        Point2D c = view.graphView().localCenterOf("fc52").orElseThrow();
        assertThat(c.getY()).as("graph scrolled to the selection").isBetween(0.0, view.graphView().getHeight());
    }

    @Test
    void sortingByMacsPutsTheLargestLayerFirst(FxRobot robot) throws Exception {
        openModel(robot);
        robot.clickOn(robot.lookup("#layerTable #col-macs").queryAs(javafx.scene.Node.class));
        List<LayerRow> ascending = List.copyOf(table(robot).getItems());
        assertThat(ascending.get(0).cost().macs()).isZero();
        robot.clickOn(robot.lookup("#layerTable #col-macs").queryAs(javafx.scene.Node.class));
        List<LayerRow> rows = table(robot).getItems();
        long maxMacs = model.analysis().layers().stream().mapToLong(l -> l.macs()).max().orElseThrow();
        assertThat(rows.get(0).cost().macs()).isEqualTo(maxMacs);
        for (int i = 1; i < rows.size(); i++) {
            assertThat(rows.get(i).cost().macs()).isLessThanOrEqualTo(rows.get(i - 1).cost().macs());
        }
    }

    @Test
    void searchFromTheKeyboardFindsAndSelectsLayers(FxRobot robot) throws Exception {
        openModel(robot);
        robot.clickOn("#graphView");
        robot.press(KeyCode.CONTROL, KeyCode.F).release(KeyCode.F, KeyCode.CONTROL);
        assertThat(robot.lookup("#searchField").queryTextInputControl().isFocused()).isTrue();
        robot.write("gemm");
        assertThat(robot.lookup("#searchStatus").queryLabeled().getText()).isEqualTo("1 match");
        robot.type(KeyCode.ENTER);
        assertThat(vm.selectedLayerProperty().get()).isEqualTo("fc52");
        assertThat(view.graphView().highlightedLayersProperty().get()).containsExactly("fc52");
    }

    @Test
    void filterNarrowsTheTable(FxRobot robot) throws Exception {
        openModel(robot);
        robot.clickOn("#filterField").write("activation");
        assertThat(table(robot).getItems()).isNotEmpty()
            .allSatisfy(r -> assertThat(r.cost().category()).isEqualTo("activation"));
    }

    @Test
    void plainFFitsTheGraphButNotWhileTypingInAField(FxRobot robot) throws Exception {
        openModel(robot);
        robot.interact(() -> view.graphView().zoomAt(6, 0, 0));
        double zoomed = view.graphView().scale();
        robot.clickOn("#searchField").write("f");
        assertThat(view.graphView().scale()).as("typing 'f' in the search field").isEqualTo(zoomed);
        robot.clickOn("#graphView");
        robot.type(KeyCode.F);
        assertThat(view.graphView().scale()).isLessThan(zoomed);
    }

    @Test
    void dividerPositionsRoundTripThroughTheirSavedForm(FxRobot robot) {
        robot.interact(() -> view.restoreDividers("0.6000;0.5000"));
        String saved = view.dividerState();
        String[] p = saved.split(";");
        // a split pane snaps its divider to whole pixels
        assertThat(Double.parseDouble(p[0])).isCloseTo(0.6, org.assertj.core.api.Assertions.within(0.005));
        assertThat(Double.parseDouble(p[1])).isCloseTo(0.5, org.assertj.core.api.Assertions.within(0.005));
        robot.interact(() -> view.restoreDividers("garbage"));
        assertThat(view.dividerState()).isEqualTo(saved);
    }
}
