package dev.edgewise.app.gui.optimize;

import dev.edgewise.core.optimize.Precision;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * One weight layer in the Optimize panel's table: the user's per-layer overrides (editable) and
 * what the last preview, evaluation and sensitivity run said about it (read by the table).
 * A null sparsity follows the global slider; 0 leaves the layer dense (excluded from pruning).
 * A null precision follows the global choice; keep-in-float wins over both.
 */
public final class LayerSetting {
    private final String name;
    private final String op;
    private final String category;
    private final long params;

    private final ObjectProperty<Double> sparsity = new SimpleObjectProperty<>(this, "sparsity");
    private final ObjectProperty<Precision> precision = new SimpleObjectProperty<>(this, "precision");
    private final BooleanProperty keepFloat = new SimpleBooleanProperty(this, "keepFloat");

    private final StringProperty change = new SimpleStringProperty(this, "change", "");
    private final ObjectProperty<Long> nonZeros = new SimpleObjectProperty<>(this, "nonZeros");
    private final ObjectProperty<Double> sqnrDb = new SimpleObjectProperty<>(this, "sqnrDb");
    private final ObjectProperty<Integer> sensitivityRank = new SimpleObjectProperty<>(this, "sensitivityRank");
    private final ObjectProperty<Double> meanDropPoints = new SimpleObjectProperty<>(this, "meanDropPoints");
    private final ObjectProperty<Double> int8DropPoints = new SimpleObjectProperty<>(this, "int8DropPoints");

    public LayerSetting(String name, String op, String category, long params) {
        this.name = name;
        this.op = op;
        this.category = category;
        this.params = params;
    }

    public String name() {
        return name;
    }

    public String op() {
        return op;
    }

    /** "conv" or "linear", as the pruning exclusions name them. */
    public String category() {
        return category;
    }

    public long params() {
        return params;
    }

    public ObjectProperty<Double> sparsityProperty() {
        return sparsity;
    }

    public ObjectProperty<Precision> precisionProperty() {
        return precision;
    }

    public BooleanProperty keepFloatProperty() {
        return keepFloat;
    }

    /** What the optimizer did to the layer in the last preview (counted). */
    public StringProperty changeProperty() {
        return change;
    }

    public ObjectProperty<Long> nonZerosProperty() {
        return nonZeros;
    }

    /** SQNR of the layer's output against the baseline, measured with ONNX Runtime in the last evaluation. */
    public ObjectProperty<Double> sqnrDbProperty() {
        return sqnrDb;
    }

    public ObjectProperty<Integer> sensitivityRankProperty() {
        return sensitivityRank;
    }

    public ObjectProperty<Double> meanDropPointsProperty() {
        return meanDropPoints;
    }

    public ObjectProperty<Double> int8DropPointsProperty() {
        return int8DropPoints;
    }
}
