package dev.edgewise.viewer.chart;

import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.viewer.graph.GraphPalette;
import dev.edgewise.viewer.metric.LayerMetric;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Pane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.util.Duration;

/**
 * Horizontal bars of one per-layer metric for the largest layers: name, bar, value on each row.
 * A 600-layer model has too many bars to read, so the chart keeps the top N and says so. Bars take
 * their layer's category colour; clicking a row selects the layer.
 */
public final class LayerBarChart extends VBox {
    private final Label title = new Label();
    private final GridPane rows = new GridPane();
    private final ObjectProperty<LayerMetric> metric = new SimpleObjectProperty<>(this, "metric");
    private final ObjectProperty<ModelAnalysis> analysis = new SimpleObjectProperty<>(this, "analysis");
    private final ObjectProperty<String> selectedLayer = new SimpleObjectProperty<>(this, "selectedLayer");
    private final ObjectProperty<GraphPalette> palette = new SimpleObjectProperty<>(this, "palette", GraphPalette.light());
    private final IntegerProperty limit = new SimpleIntegerProperty(this, "limit", 25);
    private final List<Row> shown = new ArrayList<>();

    private record Row(String layer, Label name, Region bar, Label value) {
    }

    public LayerBarChart() {
        getStyleClass().add("layer-bar-chart");
        setSpacing(6);
        title.getStyleClass().add("chart-heading");
        rows.setHgap(8);
        rows.setVgap(3);
        ColumnConstraints nameCol = new ColumnConstraints();
        nameCol.setMaxWidth(170);
        nameCol.setHalignment(javafx.geometry.HPos.RIGHT);
        ColumnConstraints barCol = new ColumnConstraints();
        barCol.setHgrow(Priority.ALWAYS);
        barCol.setMinWidth(40);
        ColumnConstraints valueCol = new ColumnConstraints();
        valueCol.setMinWidth(60);
        rows.getColumnConstraints().addAll(nameCol, barCol, valueCol);
        getChildren().addAll(title, rows);
        metric.addListener((o, a, b) -> rebuild());
        analysis.addListener((o, a, b) -> rebuild());
        palette.addListener((o, a, b) -> rebuild());
        limit.addListener((o, a, b) -> rebuild());
        selectedLayer.addListener((o, a, b) -> highlight());
    }

    public ObjectProperty<LayerMetric> metricProperty() {
        return metric;
    }

    public ObjectProperty<ModelAnalysis> analysisProperty() {
        return analysis;
    }

    public ObjectProperty<String> selectedLayerProperty() {
        return selectedLayer;
    }

    public ObjectProperty<GraphPalette> paletteProperty() {
        return palette;
    }

    public IntegerProperty limitProperty() {
        return limit;
    }

    /** Layer names in the order shown (largest first). */
    public List<String> shownLayers() {
        return shown.stream().map(Row::layer).toList();
    }

    /** The layers shown, largest first, at most {@code limit}; layers without a value or with zero are left out. */
    public static List<Map.Entry<String, Double>> topLayers(LayerMetric m, int limit) {
        List<Map.Entry<String, Double>> l = new ArrayList<>();
        for (Map.Entry<String, Double> e : m.values().entrySet()) {
            if (e.getValue() != null && e.getValue() > 0) {
                l.add(Map.entry(e.getKey(), e.getValue()));
            }
        }
        l.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()));
        return l.size() > limit ? l.subList(0, limit) : l;
    }

    private void rebuild() {
        rows.getChildren().clear();
        shown.clear();
        LayerMetric m = metric.get();
        if (m == null) {
            title.setText("");
            return;
        }
        List<Map.Entry<String, Double>> top = topLayers(m, limit.get());
        long withValue = m.values().values().stream().filter(v -> v != null && v > 0).count();
        title.setText((top.size() < withValue ? "Top " + top.size() + " of " + withValue + " layers" : "All layers")
            + " by " + m.label() + " (" + m.provenance().key() + ")");
        double max = top.isEmpty() ? 1 : top.get(0).getValue();
        Map<String, String> categories = categoriesOf(analysis.get());
        for (int i = 0; i < top.size(); i++) {
            String layer = top.get(i).getKey();
            double v = top.get(i).getValue();
            Label name = new Label(layer);
            name.setMinWidth(0);
            name.setMaxWidth(170);
            // ONNX exporters prefix names with long scopes; the end of the name is the informative part
            name.setTextOverrun(javafx.scene.control.OverrunStyle.LEADING_ELLIPSIS);
            Pane track = new Pane();
            Region bar = new Region();
            bar.setStyle("-fx-background-color: " + web(palette.get().categoryColor(categories.get(layer))) + ";"
                + "-fx-background-radius: 0 3 3 0;");
            bar.setPrefHeight(14);
            bar.prefWidthProperty().bind(track.widthProperty().multiply(v / max));
            bar.resize(0, 14);
            track.getChildren().add(bar);
            track.setMinHeight(14);
            bar.layoutYProperty().set(1);
            bar.setManaged(true);
            Label value = new Label(m.unit().format(v));
            value.getStyleClass().add("bar-value");
            Tooltip tip = new Tooltip(layer + "\n" + m.label() + ": " + m.format(layer) + " (" + m.provenance().label()
                + ")\ncategory: " + categories.getOrDefault(layer, "?"));
            tip.setShowDelay(Duration.millis(150));
            for (javafx.scene.Node n : List.of(name, track, value)) {
                Tooltip.install(n, tip);
                n.setOnMouseClicked(e -> selectedLayer.set(layer));
            }
            rows.addRow(i, name, track, value);
            GridPane.setFillHeight(track, true);
            rows.setAlignment(Pos.TOP_LEFT);
            shown.add(new Row(layer, name, bar, value));
        }
        highlight();
    }

    private void highlight() {
        String sel = selectedLayer.get();
        for (Row r : shown) {
            boolean on = r.layer().equals(sel);
            r.bar().setOpacity(sel == null || on ? 1.0 : 0.6);
            r.name().setStyle(on ? "-fx-font-weight: bold;" : "");
        }
    }

    static Map<String, String> categoriesOf(ModelAnalysis a) {
        Map<String, String> m = new HashMap<>();
        if (a != null) {
            a.layers().forEach(c -> m.put(c.name(), c.category()));
        }
        return m;
    }

    static String web(Color c) {
        return String.format("#%02x%02x%02x", (int) Math.round(c.getRed() * 255), (int) Math.round(c.getGreen() * 255),
            (int) Math.round(c.getBlue() * 255));
    }
}
