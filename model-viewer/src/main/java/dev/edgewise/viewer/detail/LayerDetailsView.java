package dev.edgewise.viewer.detail;

import dev.edgewise.viewer.format.Units;
import java.util.List;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

/**
 * The side panel for one selected layer: header, numbers with provenance, inputs and outputs,
 * attributes, and weight statistics (filled in later, since they read the weights).
 */
public final class LayerDetailsView extends ScrollPane {
    private final VBox content = new VBox(10);
    private final VBox weightsBox = new VBox(6);

    public LayerDetailsView() {
        getStyleClass().add("layer-details");
        setFitToWidth(true);
        setHbarPolicy(ScrollBarPolicy.NEVER);
        content.setPadding(new Insets(12));
        content.getStyleClass().add("layer-details-content");
        setContent(content);
        showNothing("Select a layer in the graph or the table.");
    }

    public void showNothing(String message) {
        Label l = new Label(message);
        l.getStyleClass().add("muted");
        l.setWrapText(true);
        content.getChildren().setAll(l);
    }

    public void show(LayerDetails d) {
        content.getChildren().clear();
        Label title = new Label(d.name());
        title.getStyleClass().add("details-title");
        title.setWrapText(true);
        title.setId("detailsTitle");
        Label op = new Label(d.op() + (d.domain().isEmpty() ? "" : "  (" + d.domain() + ")")
            + (d.category().isEmpty() ? "" : "  ·  " + d.category()));
        op.getStyleClass().add("details-subtitle");
        content.getChildren().addAll(title, op);
        if (!d.note().isEmpty()) {
            Label note = new Label(d.note());
            note.getStyleClass().add("warning-text");
            note.setWrapText(true);
            content.getChildren().add(note);
        }
        if (!d.figures().isEmpty()) {
            GridPane g = grid();
            int r = 0;
            for (LayerDetails.Figure f : d.figures()) {
                Label value = new Label(f.text());
                value.getStyleClass().add("figure-value");
                Label prov = new Label(f.provenance().key());
                prov.getStyleClass().addAll("provenance-badge", "provenance-" + f.provenance().key());
                Tooltip tip = tip(f.label() + " = " + f.exact() + "\n" + f.provenance().label()
                    + (f.source().isEmpty() ? "" : "\nSource: " + f.source()));
                value.setTooltip(tip);
                prov.setTooltip(tip);
                g.addRow(r++, key(f.label()), value, prov);
            }
            content.getChildren().addAll(section("Numbers"), g);
        }
        content.getChildren().addAll(section("Inputs"), tensors(d.inputs()));
        content.getChildren().addAll(section("Outputs"), tensors(d.outputs()));
        if (!d.attributes().isEmpty()) {
            GridPane g = grid();
            int r = 0;
            for (LayerDetails.AttributeRow a : d.attributes()) {
                Label v = new Label(a.value());
                v.setWrapText(true);
                g.addRow(r++, key(a.name()), v);
            }
            content.getChildren().addAll(section("Attributes"), g);
        }
        weightsBox.getChildren().clear();
        if (!d.weightTensors().isEmpty()) {
            content.getChildren().addAll(section("Weight statistics"), weightsBox);
        }
    }

    public void showWeightStatsLoading() {
        Label l = new Label("computing…");
        l.getStyleClass().add("muted");
        weightsBox.getChildren().setAll(l);
    }

    public void showWeightStatsError(String message) {
        Label l = new Label(message);
        l.getStyleClass().add("warning-text");
        l.setWrapText(true);
        weightsBox.getChildren().setAll(l);
    }

    public void showWeightStats(List<WeightStats> stats) {
        weightsBox.getChildren().clear();
        for (WeightStats s : stats) {
            Label name = new Label(s.tensor() + "  " + s.dataType() + "[" + s.shape() + "]");
            name.getStyleClass().add("tensor-name");
            name.setWrapText(true);
            GridPane g = grid();
            g.setId("weightStats-" + s.tensor());
            g.addRow(0, key("min / max"), new Label(Units.threeDigits(s.min()) + " / " + Units.threeDigits(s.max())));
            g.addRow(1, key("mean ± std"), new Label(Units.threeDigits(s.mean()) + " ± " + Units.threeDigits(s.std())));
            g.addRow(2, key("zeros"), new Label(Units.percent(s.sparsity()) + " of " + Units.count(s.count())));
            Tooltip.install(g, tip("Counted from the tensor's " + s.count() + " stored values"));
            weightsBox.getChildren().addAll(name, g);
        }
    }

    private static Node tensors(List<LayerDetails.TensorRow> rows) {
        GridPane g = grid();
        int r = 0;
        for (LayerDetails.TensorRow t : rows) {
            Label name = new Label(t.name());
            name.setWrapText(true);
            name.getStyleClass().add(t.weight() ? "weight-tensor" : "tensor-name");
            Label shape = new Label(t.dataType() + " [" + t.shape() + "]");
            shape.getStyleClass().add("muted");
            g.addRow(r++, name, shape);
            if (t.weight()) {
                name.setTooltip(tip("constant (initializer)"));
            }
        }
        return g;
    }

    private static GridPane grid() {
        GridPane g = new GridPane();
        g.setHgap(10);
        g.setVgap(3);
        ColumnConstraints c0 = new ColumnConstraints();
        c0.setMinWidth(90);
        ColumnConstraints c1 = new ColumnConstraints();
        c1.setHgrow(Priority.ALWAYS);
        g.getColumnConstraints().addAll(c0, c1);
        return g;
    }

    private static Label key(String s) {
        Label l = new Label(s);
        l.getStyleClass().add("figure-key");
        return l;
    }

    private static Label section(String s) {
        Label l = new Label(s.toUpperCase(java.util.Locale.ROOT));
        l.getStyleClass().add("section-header");
        return l;
    }

    private static Tooltip tip(String s) {
        Tooltip t = new Tooltip(s);
        t.setShowDelay(Duration.millis(250));
        return t;
    }
}
