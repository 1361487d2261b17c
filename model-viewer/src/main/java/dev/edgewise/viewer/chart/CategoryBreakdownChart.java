package dev.edgewise.viewer.chart;

import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.viewer.format.Units;
import dev.edgewise.viewer.graph.GraphPalette;
import dev.edgewise.viewer.table.CategoryShares;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

/**
 * Where the weights are vs where the work is: two 100% stacked bars (parameters and MACs by
 * category) with a legend of shares. Compact enough to sit under the per-layer bars, and the
 * conv vs fully-connected split reads at a glance.
 */
public final class CategoryBreakdownChart extends VBox {
    private final ObjectProperty<ModelAnalysis> analysis = new SimpleObjectProperty<>(this, "analysis");
    private final ObjectProperty<GraphPalette> palette = new SimpleObjectProperty<>(this, "palette", GraphPalette.light());

    public CategoryBreakdownChart() {
        getStyleClass().add("category-breakdown");
        setSpacing(4);
        setPadding(new Insets(4, 0, 4, 0));
        analysis.addListener((o, a, b) -> rebuild());
        palette.addListener((o, a, b) -> rebuild());
    }

    public ObjectProperty<ModelAnalysis> analysisProperty() {
        return analysis;
    }

    public ObjectProperty<GraphPalette> paletteProperty() {
        return palette;
    }

    private void rebuild() {
        getChildren().clear();
        ModelAnalysis a = analysis.get();
        if (a == null) {
            return;
        }
        List<CategoryShares> shares = CategoryShares.of(a);
        addBar("Parameters by category (counted) · " + Units.count(a.totals().params()) + " total", shares,
            CategoryShares::paramShare, s -> Units.count(s.params()) + " params");
        addBar("MACs by category (counted) · " + Units.count(a.totals().macs()) + " total", shares,
            CategoryShares::macShare, s -> Units.count(s.macs()) + " MACs");
    }

    private void addBar(String title, List<CategoryShares> shares, ToDoubleFunction<CategoryShares> share,
                        Function<CategoryShares, String> amount) {
        Label heading = new Label(title);
        heading.getStyleClass().add("breakdown-title");
        HBox bar = new HBox();
        bar.getStyleClass().add("breakdown-bar");
        bar.setMinHeight(18);
        bar.setPrefHeight(18);
        FlowPane legend = new FlowPane(12, 2);
        for (CategoryShares s : shares) {
            double v = share.applyAsDouble(s);
            if (v <= 0) {
                continue;
            }
            String colour = LayerBarChart.web(palette.get().categoryColor(s.category()));
            Region segment = new Region();
            segment.setStyle("-fx-background-color: " + colour + ";");
            segment.setMinWidth(1);
            segment.prefWidthProperty().bind(bar.widthProperty().multiply(v));
            HBox.setHgrow(segment, Priority.NEVER);
            Tooltip tip = new Tooltip(s.category() + ": " + amount.apply(s) + " in " + s.layers() + " layers ("
                + Units.percent(v) + ", counted)");
            tip.setShowDelay(Duration.millis(150));
            Tooltip.install(segment, tip);
            bar.getChildren().add(segment);
            Region swatch = new Region();
            swatch.setStyle("-fx-background-color: " + colour + ";");
            swatch.setMinSize(10, 10);
            swatch.setMaxSize(10, 10);
            Label l = new Label(s.category() + " " + Units.percent(v), swatch);
            l.getStyleClass().add("breakdown-legend");
            l.setTooltip(tip);
            legend.getChildren().add(l);
        }
        getChildren().addAll(heading, bar, legend);
    }
}
