package dev.edgewise.app.gui.compare;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.ObservableList;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import java.util.function.Function;

/** Baseline | optimized | change | source, one row per figure; changes for the worse are marked. */
public final class ComparisonTable extends TableView<CompareViewModel.Row> {
    public ComparisonTable(ObservableList<CompareViewModel.Row> rows, String baselineHeader, String optimizedHeader) {
        super(rows);
        getStyleClass().add("comparison-table");
        setColumnResizePolicy(CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        getColumns().add(column("", CompareViewModel.Row::metric, 250, "col-metric"));
        getColumns().add(column(baselineHeader, CompareViewModel.Row::baseline, 100, "col-baseline"));
        getColumns().add(column(optimizedHeader, CompareViewModel.Row::optimized, 100, "col-optimized"));
        getColumns().add(column("Change", CompareViewModel.Row::delta, 150, "col-delta"));
        getColumns().add(column("Source", CompareViewModel.Row::source, 150, "col-source"));
        setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(CompareViewModel.Row item, boolean empty) {
                super.updateItem(item, empty);
                getStyleClass().remove("regressed");
                setTooltip(null);
                if (item != null && !empty) {
                    if (item.regressed()) {
                        getStyleClass().add("regressed");
                    }
                    setTooltip(new Tooltip(item.metric() + ": " + item.source()));
                }
            }
        });
        setPlaceholder(new javafx.scene.control.Label("Nothing to compare yet."));
    }

    private static TableColumn<CompareViewModel.Row, String> column(String title, Function<CompareViewModel.Row, String> f,
                                                                 double width, String id) {
        TableColumn<CompareViewModel.Row, String> c = new TableColumn<>(title);
        c.setId(id);
        c.setPrefWidth(width);
        c.setSortable(false);
        c.setCellValueFactory(d -> new ReadOnlyStringWrapper(f.apply(d.getValue())));
        return c;
    }
}
