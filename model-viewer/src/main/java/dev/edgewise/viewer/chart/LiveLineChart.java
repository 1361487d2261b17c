package dev.edgewise.viewer.chart;

import dev.edgewise.core.analysis.Provenance;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.geometry.Pos;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/**
 * A line chart for values that stream in while a run goes on (latency per iteration, power,
 * temperature, CPU frequency). It draws whatever {@link SeriesData} it is given, so the caller
 * decides how many points to keep and how often to redraw; the chart itself never animates.
 * A heading names the quantity, a badge says where the numbers come from (measured with the clock
 * or sensor named, or emulated), and a placeholder explains an empty chart ("no power sensor").
 */
public final class LiveLineChart extends VBox {
    private final NumberAxis xAxis = new NumberAxis();
    private final NumberAxis yAxis = new NumberAxis();
    private final LineChart<Number, Number> chart = new LineChart<>(xAxis, yAxis);
    private final Label heading = new Label();
    private final Label badge = new Label();
    private final Label note = new Label();
    private final Label placeholder = new Label();
    private final Map<String, XYChart.Series<Number, Number>> byName = new HashMap<>();
    private final ObjectProperty<List<SeriesData>> series = new SimpleObjectProperty<>(this, "series", List.of());
    private final ObjectProperty<Provenance> provenance = new SimpleObjectProperty<>(this, "provenance");
    private final StringProperty source = new SimpleStringProperty(this, "source", "");
    private final StringProperty emptyText = new SimpleStringProperty(this, "emptyText", "No data yet");

    public LiveLineChart(String title, String xLabel, String yLabel) {
        getStyleClass().add("live-line-chart");
        heading.setText(title);
        heading.getStyleClass().add("chart-heading");
        badge.getStyleClass().add("provenance-badge");
        badge.setVisible(false);
        note.getStyleClass().add("muted");
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox header = new HBox(6, heading, badge, spacer, note);
        header.setAlignment(Pos.CENTER_LEFT);
        xAxis.setLabel(xLabel);
        xAxis.setForceZeroInRange(false);
        yAxis.setLabel(yLabel);
        yAxis.setForceZeroInRange(false);
        chart.setAnimated(false);
        chart.setCreateSymbols(false);
        chart.setLegendVisible(false);
        chart.setMinHeight(90);
        placeholder.getStyleClass().addAll("placeholder", "chart-placeholder");
        placeholder.setWrapText(true);
        placeholder.textProperty().bind(emptyText);
        placeholder.setMouseTransparent(true);
        StackPane body = new StackPane(chart, placeholder);
        VBox.setVgrow(body, Priority.ALWAYS);
        getChildren().addAll(header, body);
        setSpacing(2);
        series.addListener((o, a, b) -> redraw(b == null ? List.of() : b));
        provenance.addListener((o, a, b) -> updateBadge());
        source.addListener((o, a, b) -> updateBadge());
        redraw(List.of());
    }

    /** The lines to draw; setting a new list replaces all points (callers coalesce updates). */
    public ObjectProperty<List<SeriesData>> seriesProperty() {
        return series;
    }

    public ObjectProperty<Provenance> provenanceProperty() {
        return provenance;
    }

    /** The clock or sensor named on the badge, e.g. "CLOCK_MONOTONIC" or "rapl:package-0". */
    public StringProperty sourceProperty() {
        return source;
    }

    /** Shown over the chart while it has no points. */
    public StringProperty emptyTextProperty() {
        return emptyText;
    }

    public void setForceZeroInRange(boolean force) {
        yAxis.setForceZeroInRange(force);
    }

    /** Number of points drawn now, over all lines (tests and tools). */
    public int pointCount() {
        return chart.getData().stream().mapToInt(s -> s.getData().size()).sum();
    }

    public Label badge() {
        return badge;
    }

    private void updateBadge() {
        Provenance p = provenance.get();
        badge.getStyleClass().removeIf(c -> c.startsWith("provenance-") && !c.equals("provenance-badge"));
        if (p == null) {
            badge.setVisible(false);
            return;
        }
        badge.getStyleClass().add("provenance-" + p.key());
        String s = source.get() == null ? "" : source.get();
        badge.setText(p.key() + (s.isEmpty() ? "" : " · " + s));
        badge.setTooltip(new Tooltip(p.label() + (s.isEmpty() ? "" : "\nsource: " + s)));
        badge.setVisible(true);
    }

    private void redraw(List<SeriesData> lines) {
        List<XYChart.Series<Number, Number>> keep = new ArrayList<>();
        long received = 0;
        int shown = 0;
        for (SeriesData d : lines) {
            XYChart.Series<Number, Number> s = byName.computeIfAbsent(d.name(), n -> {
                XYChart.Series<Number, Number> created = new XYChart.Series<>();
                created.setName(n);
                return created;
            });
            List<XYChart.Data<Number, Number>> points = new ArrayList<>(d.size());
            for (int i = 0; i < d.size(); i++) {
                points.add(new XYChart.Data<>(d.x(i), d.y(i)));
            }
            s.getData().setAll(points);
            keep.add(s);
            received += d.received();
            shown += d.size();
        }
        byName.values().retainAll(keep);
        if (!chart.getData().equals(keep)) {
            chart.getData().setAll(keep);
        }
        chart.setLegendVisible(keep.size() > 1);
        placeholder.setVisible(shown == 0);
        note.setText(received > shown ? String.format(Locale.ROOT, "newest %,d of %,d points", shown, received) : "");
    }
}
