package dev.edgewise.app.gui.charts;

import dev.edgewise.viewer.chart.CategoryBreakdownChart;
import dev.edgewise.viewer.chart.LayerBarChart;
import dev.edgewise.viewer.chart.RooflineChart;
import dev.edgewise.viewer.chart.RooflineDevice;
import dev.edgewise.viewer.graph.GraphPalette;
import dev.edgewise.viewer.metric.LayerMetrics;
import javafx.beans.property.ObjectProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/** Per-layer bars and the category breakdown on the left, the roofline with its device assumptions on the right. */
public final class ChartsPanel extends SplitPane {
    private final LayerBarChart bars = new LayerBarChart();
    private final CategoryBreakdownChart breakdown = new CategoryBreakdownChart();
    private final RooflineChart roofline = new RooflineChart();

    public ChartsPanel(ChartsViewModel vm, ObjectProperty<String> selectedLayer, ObjectProperty<GraphPalette> palette) {
        getStyleClass().add("charts-panel");
        bars.metricProperty().bind(vm.barMetricProperty());
        bars.analysisProperty().bind(vm.analysisProperty());
        bars.selectedLayerProperty().bindBidirectional(selectedLayer);
        bars.paletteProperty().bind(palette);
        breakdown.analysisProperty().bind(vm.analysisProperty());
        breakdown.paletteProperty().bind(palette);
        bars.limitProperty().set(15);
        roofline.analysisProperty().bind(vm.analysisProperty());
        roofline.deviceProperty().bind(vm.deviceProperty());
        roofline.selectedLayerProperty().bindBidirectional(selectedLayer);
        roofline.paletteProperty().bind(palette);

        ToggleGroup group = new ToggleGroup();
        ToggleButton macs = toggle("MACs", LayerMetrics.MACS, group, vm);
        ToggleButton params = toggle("Params", LayerMetrics.PARAMS, group, vm);
        group.selectToggle(LayerMetrics.PARAMS.equals(vm.barMetricIdProperty().get()) ? params : macs);
        HBox barBar = new HBox(6, new Label("Per-layer bars:"), macs, params);
        barBar.setAlignment(Pos.CENTER_LEFT);
        VBox.setVgrow(bars, Priority.ALWAYS);
        VBox left = new VBox(6, barBar, bars, breakdown);
        left.setPadding(new Insets(8));

        ComboBox<RooflineDevice> devices = new ComboBox<>(vm.presets());
        devices.setId("deviceCombo");
        devices.valueProperty().bindBidirectional(vm.presetProperty());
        TextField peak = numberField(vm.peakTextProperty(), "Peak FP32 compute in GFLOP/s (assumption)");
        peak.setId("peakField");
        TextField bw = numberField(vm.bandwidthTextProperty(), "Sustained DRAM bandwidth in GB/s (assumption)");
        bw.setId("bandwidthField");
        devices.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(devices, Priority.ALWAYS);
        HBox deviceBar = new HBox(6, new Label("Roofline device"), devices);
        deviceBar.setAlignment(Pos.CENTER_LEFT);
        HBox figures = new HBox(6, fixed("Peak"), peak, fixed("GFLOP/s"), fixed("   Bandwidth"), bw, fixed("GB/s"));
        figures.setAlignment(Pos.CENTER_LEFT);
        Label assumption = new Label();
        assumption.getStyleClass().add("assumption-note");
        assumption.setWrapText(true);
        assumption.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        assumption.textProperty().bind(vm.deviceProperty().map(d -> "Assumption, not a measurement: " + d.assumption()));
        Label problem = new Label();
        problem.getStyleClass().add("warning-text");
        problem.textProperty().bind(vm.deviceProblemProperty());
        problem.visibleProperty().bind(vm.deviceProblemProperty().isNotEmpty());
        problem.managedProperty().bind(problem.visibleProperty());
        VBox.setVgrow(roofline, Priority.ALWAYS);
        VBox right = new VBox(6, deviceBar, figures, problem, roofline, assumption);
        right.setPadding(new Insets(8));
        getItems().addAll(left, right);
        setDividerPositions(0.42);
    }

    private static Label fixed(String text) {
        Label l = new Label(text);
        l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        return l;
    }

    private static ToggleButton toggle(String text, String metricId, ToggleGroup group, ChartsViewModel vm) {
        ToggleButton b = new ToggleButton(text);
        b.setToggleGroup(group);
        b.setOnAction(e -> {
            vm.barMetricIdProperty().set(metricId);
            b.setSelected(true);
        });
        return b;
    }

    private static TextField numberField(javafx.beans.property.StringProperty p, String help) {
        TextField f = new TextField();
        f.setPrefColumnCount(5);
        f.textProperty().bindBidirectional(p);
        f.setTooltip(new Tooltip(help));
        return f;
    }

    public LayerBarChart bars() {
        return bars;
    }

    public CategoryBreakdownChart breakdown() {
        return breakdown;
    }

    public RooflineChart roofline() {
        return roofline;
    }
}
