package dev.edgewise.app.gui.compare;

import dev.edgewise.viewer.graph.GraphLayout;
import dev.edgewise.viewer.graph.GraphPalette;
import dev.edgewise.viewer.graph.GraphView;
import dev.edgewise.viewer.graph.LayerMarks;
import javafx.beans.property.ObjectProperty;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The Compare tab: baseline and optimized figures side by side with their change and source, and
 * the graph with the layers the optimization pruned or requantized coloured by kind.
 */
public final class ComparePanel extends SplitPane {
    private final GraphView diffGraph = new GraphView();
    private final ComparisonTable table;

    public ComparePanel(CompareViewModel vm, ObservableValue<GraphLayout> layout, ObjectProperty<String> selectedLayer,
                        ObservableValue<GraphPalette> palette) {
        getStyleClass().add("compare-panel");
        table = new ComparisonTable(vm.rows(), "Baseline", "Optimized");
        table.setId("compareTable");
        Label summary = new Label();
        summary.setId("compareSummary");
        summary.getStyleClass().add("muted");
        summary.setWrapText(true);
        summary.textProperty().bind(vm.summaryProperty());
        VBox.setVgrow(table, Priority.ALWAYS);
        VBox left = new VBox(4, summary, table);
        left.setPadding(new Insets(6));
        diffGraph.setId("diffGraph");
        diffGraph.graphLayoutProperty().bind(layout);
        diffGraph.paletteProperty().bind(palette);
        diffGraph.selectedLayerProperty().bindBidirectional(selectedLayer);
        diffGraph.layerMarksProperty().bind(vm.layerChangesProperty().map(m ->
            LayerMarks.of("Changed by the optimization (counted)", m, CompareViewModel.CHANGE_KINDS)));
        setOrientation(Orientation.HORIZONTAL);
        getItems().addAll(left, diffGraph);
        setDividerPositions(0.55);
    }

    public GraphView diffGraph() {
        return diffGraph;
    }

    public ComparisonTable table() {
        return table;
    }
}
