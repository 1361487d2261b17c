package dev.edgewise.viewer.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.viewer.TestAnalyses;
import javafx.scene.Scene;
import javafx.scene.control.TableColumn;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

@ExtendWith(ApplicationExtension.class)
class LayerTableFxTest {
    private LayerTable table;

    @Start
    void start(Stage stage) {
        table = new LayerTable();
        table.analysisProperty().set(TestAnalyses.threeLayers());
        stage.setScene(new Scene(table, 1200, 400));
        stage.show();
    }

    @Test
    void clickingTheMacsHeaderSortsByValueWithUncountedLayersLast(FxRobot robot) {
        assertThat(names()).containsExactly("conv1", "mystery", "fc");
        robot.clickOn(robot.lookup("#layerTable #col-macs").queryAs(javafx.scene.Node.class));
        assertThat(names()).containsExactly("fc", "conv1", "mystery");
        robot.clickOn(robot.lookup("#layerTable #col-macs").queryAs(javafx.scene.Node.class));
        assertThat(names().get(0)).isEqualTo("conv1");
    }

    @Test
    void filterMatchesNameOpOrCategoryAndTotalsStayForTheWholeModel(FxRobot robot) {
        robot.interact(() -> table.filterTextProperty().set("gemm"));
        assertThat(names()).containsExactly("fc");
        robot.interact(() -> table.filterTextProperty().set("CONV"));
        assertThat(names()).containsExactly("conv1");
        robot.interact(() -> table.filterTextProperty().set(""));
        assertThat(names()).hasSize(3);
        assertThat(robot.lookup("#layerTotals").queryTableView().getItems()).singleElement()
            .satisfies(r -> assertThat(((LayerRow) r).cost().macs()).isEqualTo(1_774_592));
    }

    @Test
    void selectionFollowsTheLayerPropertyBothWays(FxRobot robot) throws Exception {
        robot.interact(() -> table.selectedLayerProperty().set("fc"));
        assertThat(table.tableView().getSelectionModel().getSelectedItem().name()).isEqualTo("fc");
        robot.clickOn("conv1");
        assertThat(table.selectedLayerProperty().get()).isEqualTo("conv1");
        String tsv = WaitForAsyncUtils.asyncFx(table::copySelection).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(tsv.split("\r\n")).hasSize(2);
        assertThat(tsv).contains("\tconv1\t");
    }

    @Test
    void everyColumnHeaderExplainsWhereItsNumbersComeFrom() {
        for (TableColumn<LayerRow, ?> c : table.tableView().getColumns()) {
            javafx.scene.control.Label header = (javafx.scene.control.Label) c.getGraphic();
            assertThat(header.getTooltip()).as("tooltip of " + header.getText()).isNotNull();
            if (java.util.List.of("Params", "MACs", "FLOPs", "Weights", "Activations", "Intensity")
                .contains(header.getText())) {
                assertThat(header.getTooltip().getText()).contains("counted");
            }
        }
        javafx.scene.control.Label energy = (javafx.scene.control.Label) table.tableView().getColumns().stream()
            .filter(c -> "Energy (est.)".equals(c.getUserData())).findFirst().orElseThrow().getGraphic();
        assertThat(energy.getTooltip().getText()).contains("estimated");
    }

    private java.util.List<String> names() {
        return table.visibleRows().stream().map(LayerRow::name).toList();
    }
}
