package dev.edgewise.viewer.table;

import dev.edgewise.core.analysis.LayerCost;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.analysis.Provenance;
import dev.edgewise.viewer.format.Units;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.collections.transformation.SortedList;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

/**
 * Every layer with its analysis numbers: sortable by any column, filtered by a text (name, op or
 * category), a totals row pinned underneath, human units in the cells and raw values in copies.
 * Each column header's tooltip says whether its numbers are counted or estimated.
 */
public final class LayerTable extends VBox {
    private final TableView<LayerRow> table = new TableView<>();
    private final TableView<LayerRow> totals = new TableView<>();
    private final ObservableList<LayerRow> rows = FXCollections.observableArrayList();
    private final FilteredList<LayerRow> filtered = new FilteredList<>(rows);
    private final SortedList<LayerRow> sorted = new SortedList<>(filtered);
    private final StringProperty filterText = new SimpleStringProperty(this, "filterText", "");
    private final ObjectProperty<String> selectedLayer = new SimpleObjectProperty<>(this, "selectedLayer");
    private final ObjectProperty<ModelAnalysis> analysis = new SimpleObjectProperty<>(this, "analysis");
    private String energySource = "energy model";
    private boolean syncing;

    public LayerTable() {
        getStyleClass().add("layer-table");
        table.setId("layerTable");
        totals.setId("layerTotals");
        totals.getStyleClass().add("totals-table");
        sorted.comparatorProperty().bind(table.comparatorProperty());
        table.setItems(sorted);
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        table.setPlaceholder(new Label("No analysis loaded"));
        table.setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        totals.setFixedCellSize(26);
        totals.setPrefHeight(30);
        totals.setMinHeight(30);
        totals.setMaxHeight(30);
        totals.setFocusTraversable(false);
        totals.setSelectionModel(null);
        VBox.setVgrow(table, Priority.ALWAYS);
        getChildren().addAll(table, totals);
        buildColumns();
        filterText.addListener((o, a, b) -> filtered.setPredicate(predicate(b)));
        analysis.addListener((o, a, b) -> show(b));
        table.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (!syncing) {
                syncing = true;
                selectedLayer.set(b == null ? null : b.name());
                syncing = false;
            }
        });
        selectedLayer.addListener((o, a, b) -> {
            if (!syncing) {
                syncing = true;
                selectRow(b);
                syncing = false;
            }
        });
        table.addEventHandler(KeyEvent.KEY_PRESSED, e -> {
            if (e.isShortcutDown() && e.getCode() == KeyCode.C) {
                copySelection();
                e.consume();
            }
        });
    }

    private void buildColumns() {
        List<ColumnSpec> specs = columnSpecs();
        for (ColumnSpec s : specs) {
            TableColumn<LayerRow, Object> main = s.create();
            TableColumn<LayerRow, Object> foot = s.create();
            foot.setSortable(false);
            foot.setId("total-" + main.getId());
            foot.prefWidthProperty().bind(main.widthProperty());
            table.getColumns().add(main);
            totals.getColumns().add(foot);
        }
    }

    private List<ColumnSpec> columnSpecs() {
        String counted = Provenance.COUNTED.label();
        List<ColumnSpec> l = new ArrayList<>();
        l.add(ColumnSpec.text("#", "Position in topological order", 46, r -> r.total() ? null : r.index(),
            v -> v == null ? "" : v.toString()));
        l.add(ColumnSpec.text("Layer", "Node name in the model file", 200, LayerRow::name, Object::toString));
        l.add(ColumnSpec.text("Op", "Operator type", 110, r -> r.cost().op(), Object::toString));
        l.add(ColumnSpec.text("Category", "Operator category used for the breakdowns", 90,
            r -> r.cost().category(), Object::toString));
        l.add(ColumnSpec.text("Output shape", "Inferred output shape(s)", 130, LayerRow::outputShapes, Object::toString));
        l.add(ColumnSpec.number("Params", "Parameters (weights and biases): " + counted, LayerCost::params, Units::count));
        l.add(ColumnSpec.number("MACs", "Multiply-accumulates per inference: " + counted, LayerCost::macs, Units::count));
        l.add(ColumnSpec.number("FLOPs", "Floating-point operations per inference: " + counted, LayerCost::flops,
            Units::count));
        l.add(ColumnSpec.number("Weights", "Bytes of constant weights in their stored type: " + counted,
            LayerCost::weightBytes, Units::bytes));
        l.add(ColumnSpec.number("Activations", "Bytes of the layer's output activations: " + counted,
            LayerCost::activationBytes, Units::bytes));
        l.add(ColumnSpec.number("Intensity", "FLOPs per byte moved (weights + activations): " + counted,
            LayerCost::arithmeticIntensity, Units::intensity));
        l.add(new ColumnSpec("Energy (est.)", "Energy per inference, " + Provenance.ESTIMATED.label(), 100, true,
            r -> r.hasCounts() ? (Object) r.cost().energyUjEstimate() : null,
            v -> Units.microjoules(((Number) v).doubleValue()), () -> energySource));
        l.add(ColumnSpec.rowNumber("MAC share", "This layer's share of all MACs: " + counted, LayerRow::macShare,
            Units::percent));
        return l;
    }

    private void show(ModelAnalysis a) {
        syncing = true;
        try {
            if (a == null) {
                rows.clear();
                totals.getItems().clear();
                table.setPlaceholder(new Label("No analysis loaded"));
                return;
            }
            energySource = a.energyModelDescription() == null ? "energy model" : a.energyModelDescription();
            rows.setAll(LayerRow.rowsOf(a));
            totals.getItems().setAll(LayerRow.totalOf(a));
            table.setPlaceholder(new Label("No layer matches the filter"));
        } finally {
            syncing = false;
        }
        selectRow(selectedLayer.get());
    }

    private static java.util.function.Predicate<LayerRow> predicate(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String q = text.trim().toLowerCase(Locale.ROOT);
        return r -> r.name().toLowerCase(Locale.ROOT).contains(q)
            || r.cost().op().toLowerCase(Locale.ROOT).contains(q)
            || r.cost().category().toLowerCase(Locale.ROOT).contains(q);
    }

    private void selectRow(String layer) {
        if (layer == null) {
            table.getSelectionModel().clearSelection();
            return;
        }
        for (int i = 0; i < sorted.size(); i++) {
            if (sorted.get(i).name().equals(layer)) {
                table.getSelectionModel().clearAndSelect(i);
                table.scrollTo(Math.max(0, i - 3));
                return;
            }
        }
        table.getSelectionModel().clearSelection();
    }

    /** Copies the selected rows (or all visible rows when none is selected) as tab-separated text. */
    public String copySelection() {
        String tsv = LayerCsv.toTabSeparated(selectedOrVisibleRows());
        ClipboardContent content = new ClipboardContent();
        content.putString(tsv);
        Clipboard.getSystemClipboard().setContent(content);
        return tsv;
    }

    /** The selected rows in their on-screen order, or every row that passes the filter. */
    public List<LayerRow> selectedOrVisibleRows() {
        List<LayerRow> selected = new ArrayList<>(table.getSelectionModel().getSelectedItems());
        if (selected.isEmpty()) {
            return List.copyOf(sorted);
        }
        selected.sort(Comparator.comparingInt(sorted::indexOf));
        return selected;
    }

    public ObjectProperty<ModelAnalysis> analysisProperty() {
        return analysis;
    }

    public StringProperty filterTextProperty() {
        return filterText;
    }

    public ObjectProperty<String> selectedLayerProperty() {
        return selectedLayer;
    }

    public TableView<LayerRow> tableView() {
        return table;
    }

    /** Rows as shown (filtered and sorted). */
    public List<LayerRow> visibleRows() {
        return List.copyOf(sorted);
    }

    /** How one column reads, formats and explains its values; used for the table and its totals row. */
    private record ColumnSpec(String title, String help, double width, boolean numeric,
                              Function<LayerRow, Object> value, Function<Object, String> format,
                              java.util.function.Supplier<String> sourceNote) {

        static ColumnSpec text(String title, String help, double width, Function<LayerRow, Object> value,
                               Function<Object, String> format) {
            return new ColumnSpec(title, help, width, false, value, format, null);
        }

        static ColumnSpec number(String title, String help, ToDoubleFunction<LayerCost> f, DoubleFunction<String> fmt) {
            return new ColumnSpec(title, help, 92, true, r -> r.hasCounts() ? (Object) f.applyAsDouble(r.cost()) : null,
                v -> fmt.apply(((Number) v).doubleValue()), null);
        }

        static ColumnSpec rowNumber(String title, String help, ToDoubleFunction<LayerRow> f,
                                    DoubleFunction<String> fmt) {
            return new ColumnSpec(title, help, 84, true, r -> r.hasCounts() ? (Object) f.applyAsDouble(r) : null,
                v -> fmt.apply(((Number) v).doubleValue()), null);
        }

        TableColumn<LayerRow, Object> create() {
            TableColumn<LayerRow, Object> c = new TableColumn<>();
            Label header = new Label(title);
            Tooltip tip = new Tooltip(help);
            tip.setShowDelay(Duration.millis(300));
            if (sourceNote != null) {
                header.setOnMouseEntered(e -> tip.setText(help + "\nSource: " + sourceNote.get()));
            }
            header.setTooltip(tip);
            c.setGraphic(header);
            c.setId("col-" + title.toLowerCase(Locale.ROOT).replaceAll("[^a-z]+", "-"));
            c.setUserData(title);
            c.setPrefWidth(width);
            c.setCellValueFactory(cd -> new ReadOnlyObjectWrapper<>(value.apply(cd.getValue())));
            if (numeric) {
                c.setComparator((a, b) -> compareNumbers(a, b, c.getSortType() == TableColumn.SortType.DESCENDING));
            }
            c.setCellFactory(col -> new FormattedCell(format, numeric, help));
            return c;
        }
    }

    /**
     * Numbers sort by value with missing values (unresolved layers) last in both directions; the
     * table reverses the comparator for descending order, so the null rule is pre-reversed here.
     */
    static int compareNumbers(Object a, Object b, boolean descending) {
        if (a == null || b == null) {
            int nullsLast = a == null ? (b == null ? 0 : 1) : -1;
            return descending ? -nullsLast : nullsLast;
        }
        return Double.compare(((Number) a).doubleValue(), ((Number) b).doubleValue());
    }

    private static final class FormattedCell extends TableCell<LayerRow, Object> {
        private final Function<Object, String> format;
        private final String help;

        FormattedCell(Function<Object, String> format, boolean numeric, String help) {
            this.format = format;
            this.help = help;
            if (numeric) {
                setAlignment(Pos.CENTER_RIGHT);
                getStyleClass().add("numeric-cell");
            }
        }

        @Override
        protected void updateItem(Object item, boolean empty) {
            super.updateItem(item, empty);
            LayerRow row = empty ? null : getTableRow() == null ? null : getTableRow().getItem();
            if (empty || row == null) {
                setText(null);
                setTooltip(null);
                return;
            }
            if (item == null) {
                setText(row.hasCounts() ? "" : "—");
                setTooltip(row.hasCounts() ? null : new Tooltip("Not counted: " + row.cost().note()));
                return;
            }
            setText(format.apply(item));
            setTooltip(new Tooltip(help + "\nExact value: " + item));
        }
    }
}
