package dev.edgewise.app.gui;

import dev.edgewise.core.analysis.DimBindings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javafx.geometry.Insets;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.stage.Window;

/**
 * Asks for values of the model's symbolic dimensions (batch_size, sequence_length...): the GUI
 * form of {@code --dim NAME=VALUE}. Blank leaves a dimension symbolic.
 */
final class DimBindingsDialog {
    private DimBindingsDialog() {
    }

    /** The texts entered per symbol, or empty when cancelled. */
    static Optional<Map<String, String>> ask(Window owner, List<String> symbols, DimBindings current) {
        Dialog<Map<String, String>> d = new Dialog<>();
        d.initOwner(owner);
        d.setTitle("Bind dimensions");
        d.setHeaderText("Values for the symbolic dimensions of the inputs; the model is analysed again.\n"
            + "Blank leaves a dimension symbolic (its layers are then not counted).");
        GridPane grid = new GridPane();
        grid.setHgap(8);
        grid.setVgap(6);
        grid.setPadding(new Insets(10));
        Map<String, TextField> fields = new LinkedHashMap<>();
        int row = 0;
        for (String s : symbols) {
            TextField f = new TextField();
            f.setId("dim-" + s);
            f.setPromptText("e.g. 1");
            Long v = current.symbols().get(s);
            f.setText(v == null ? "" : v.toString());
            fields.put(s, f);
            grid.addRow(row++, new Label(s), f);
        }
        d.getDialogPane().setContent(grid);
        d.getDialogPane().getButtonTypes().addAll(ButtonType.OK, ButtonType.CANCEL);
        d.setResultConverter(b -> {
            if (b != ButtonType.OK) {
                return null;
            }
            Map<String, String> out = new LinkedHashMap<>();
            fields.forEach((k, f) -> out.put(k, f.getText()));
            return out;
        });
        return d.showAndWait();
    }
}
