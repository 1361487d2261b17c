package dev.edgewise.app.gui.optimize;

import dev.edgewise.app.gui.compare.CompareViewModel;
import dev.edgewise.app.gui.compare.ComparisonTable;
import dev.edgewise.core.optimize.Precision;
import dev.edgewise.viewer.format.Units;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.value.ObservableValue;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.control.cell.CheckBoxTableCell;
import javafx.scene.control.cell.ComboBoxTableCell;
import javafx.scene.control.cell.TextFieldTableCell;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;
import javafx.util.StringConverter;

/**
 * The Optimize tab: global sparsity and precision with the effect shown as it changes, the layer
 * table with per-layer overrides and results, data files, Evaluate and Sensitivity with progress
 * and Cancel, and the settings file. It only binds controls to {@link OptimizeViewModel}.
 */
public final class OptimizePanel extends BorderPane {
    private static final String GLOBAL = "global";

    private final OptimizeViewModel vm;
    private final Slider sparsity = new Slider(0, OptimizeViewModel.MAX_SPARSITY, 0);
    private final ObservableList<CompareViewModel.Row> figures = FXCollections.observableArrayList();
    private final TableView<LayerSetting> layerTable = new TableView<>();
    private final Label figuresTitle = new Label();

    public OptimizePanel(OptimizeViewModel vm) {
        this.vm = vm;
        getStyleClass().add("optimize-panel");
        setTop(new VBox(4, settingsBar(), dataBar(), jobBar(), statusLine()));
        ComparisonTable table = new ComparisonTable(figures, "Baseline", "Optimized");
        table.setId("optimizeFigures");
        figuresTitle.getStyleClass().add("muted");
        VBox.setVgrow(table, Priority.ALWAYS);
        VBox left = new VBox(4, figuresTitle, table);
        VBox.setVgrow(layerTable, Priority.ALWAYS);
        VBox right = new VBox(4, layerBar(), layerTable);
        SplitPane split = new SplitPane(left, right);
        split.setOrientation(Orientation.HORIZONTAL);
        split.setDividerPositions(0.46);
        setCenter(split);
        setPadding(new Insets(6));
        buildLayerTable();
        vm.previewProperty().addListener((o, a, b) -> showFigures());
        vm.evaluationProperty().addListener((o, a, b) -> showFigures());
        vm.evaluationCurrentProperty().addListener((o, a, b) -> showFigures());
        showFigures();
    }

    private HBox settingsBar() {
        sparsity.setId("sparsitySlider");
        sparsity.setShowTickMarks(true);
        sparsity.setMajorTickUnit(0.25);
        sparsity.setBlockIncrement(0.05);
        sparsity.setPrefWidth(220);
        sparsity.valueProperty().bindBidirectional(vm.sparsityProperty());
        sparsity.setTooltip(new Tooltip("Unstructured magnitude pruning: one global threshold over all layers without"
            + " their own sparsity (--prune)"));
        Label value = new Label();
        value.setId("sparsityValue");
        value.setMinWidth(48);
        value.textProperty().bind(vm.sparsityProperty().map(v -> String.format(Locale.ROOT, "%.1f%%", 100 * v.doubleValue())));
        ComboBox<Precision> precision = new ComboBox<>(FXCollections.observableArrayList(Precision.values()));
        precision.setId("precisionCombo");
        precision.setConverter(precisionNames());
        precision.valueProperty().bindBidirectional(vm.precisionProperty());
        precision.setTooltip(new Tooltip("Precision of every weight layer without its own (--quantize). int8 quantizes"
            + " activations too and needs calibration data; int8-weights does not."));
        ComboBox<String> method = new ComboBox<>(FXCollections.observableArrayList(OptimizeViewModel.CALIBRATION_METHODS));
        method.setId("calibrationMethodCombo");
        method.valueProperty().bindBidirectional(vm.calibrationMethodProperty());
        HBox bar = new HBox(8, new Label("Sparsity"), sparsity, value, new Label("Precision"), precision,
            new Label("Calibration"), method);
        bar.setAlignment(Pos.CENTER_LEFT);
        return bar;
    }

    private FlowPane dataBar() {
        Button calib = button("Calibration data…", "Samples that set the int8 activation ranges (.csv, .npy, image folder)",
            () -> choose("Calibration data", vm.calibrationDataProperty()));
        calib.setId("chooseCalibration");
        Button eval = button("Evaluation data…", "Labelled samples for accuracy and sensitivity (.csv, .npy, image folder)",
            () -> choose("Evaluation data", vm.evaluationDataProperty()));
        eval.setId("chooseEvaluation");
        Label calibPath = pathLabel(vm.calibrationDataProperty(), "calibrationPath");
        Label evalPath = pathLabel(vm.evaluationDataProperty(), "evaluationPath");
        FlowPane bar = new FlowPane(8, 4, calib, calibPath, eval, evalPath);
        bar.setAlignment(Pos.CENTER_LEFT);
        return bar;
    }

    private HBox jobBar() {
        Button evaluate = button("Evaluate", "Calibrate, optimize and measure baseline and optimized accuracy with ONNX"
            + " Runtime, with the error of every layer", vm::evaluate);
        evaluate.setId("evaluateButton");
        Button sensitivity = button("Sensitivity", "Prune and quantize each layer alone, rank the layers by the accuracy"
            + " they lose, and recommend settings within the budget", vm::runSensitivity);
        sensitivity.setId("sensitivityButton");
        Spinner<Double> budget = new Spinner<>(0.0, 20.0, vm.budgetPointsProperty().get(), 0.25);
        budget.setId("budgetSpinner");
        budget.setPrefWidth(80);
        budget.setEditable(true);
        budget.valueProperty().addListener((o, a, b) -> vm.budgetPointsProperty().set(b));
        budget.setTooltip(new Tooltip("Accuracy loss allowed, in percentage points"));
        evaluate.disableProperty().bind(vm.jobRunningProperty());
        sensitivity.disableProperty().bind(vm.jobRunningProperty());
        ProgressBar progress = new ProgressBar();
        progress.setId("optimizeProgress");
        progress.setPrefWidth(120);
        progress.progressProperty().bind(vm.jobProgressProperty());
        progress.visibleProperty().bind(vm.jobRunningProperty());
        Button cancel = button("Cancel", "Stop the running evaluation or sensitivity analysis", vm::cancelJob);
        cancel.setId("cancelOptimizeJob");
        cancel.visibleProperty().bind(vm.jobRunningProperty());
        Button load = button("Load settings…", "Apply a settings file (the one edgewise optimize writes)", this::loadSettings);
        Button save = button("Save settings…", "Write the settings file; after Evaluate it includes the calibrated ranges and"
            + " reproduces the model exactly (edgewise optimize --settings)", this::saveSettings);
        Button export = button("Export model…", "Write the evaluated optimized model as ONNX plus its settings file",
            this::exportModel);
        export.disableProperty().bind(vm.evaluationCurrentProperty().not());
        javafx.scene.layout.Region spacer = new javafx.scene.layout.Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox bar = new HBox(8, evaluate, sensitivity, new Label("Budget (pt)"), budget, progress, cancel, spacer, load,
            save, export);
        bar.setAlignment(Pos.CENTER_LEFT);
        return bar;
    }

    private Label statusLine() {
        Label status = new Label();
        status.setId("optimizeStatus");
        status.textProperty().bind(vm.statusProperty());
        status.setMaxWidth(Double.MAX_VALUE);
        status.setTooltip(new Tooltip());
        status.getTooltip().textProperty().bind(vm.statusProperty());
        return status;
    }

    private FlowPane layerBar() {
        Button keepRecommended = button("Keep recommended in float", "Keep in float32 the layers whose int8 loss alone"
            + " exceeds the budget (from the sensitivity run)", () -> vm.keepInFloat(vm.recommendedFloatLayers()));
        keepRecommended.setId("keepFloatButton");
        keepRecommended.disableProperty().bind(vm.sensitivityProperty().isNull());
        Button keepSelected = button("Keep selected in float", "Keep the selected rows in float32",
            () -> vm.keepInFloat(layerTable.getSelectionModel().getSelectedItems().stream().map(LayerSetting::name).toList()));
        Button apply = button("Apply recommendation", "Per-layer sparsities, exclusions and int8 with float layers, as"
            + " edgewise sensitivity --save-settings writes them", vm::applyRecommendation);
        apply.disableProperty().bind(vm.sensitivityProperty().isNull());
        Label help = new Label("Double-click a cell to override: sparsity (blank = global, 0 = dense), precision.");
        help.getStyleClass().add("muted");
        FlowPane bar = new FlowPane(8, 4, keepRecommended, keepSelected, apply, help);
        bar.setAlignment(Pos.CENTER_LEFT);
        return bar;
    }

    private void buildLayerTable() {
        layerTable.setId("optimizeLayerTable");
        layerTable.setItems(vm.layers());
        layerTable.setEditable(true);
        layerTable.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        layerTable.setPlaceholder(new Label("No weight layers (Conv, Gemm, MatMul with constant weights)."));
        layerTable.getColumns().add(text("Layer", 150, r -> new ReadOnlyObjectWrapper<>(r.name())));
        layerTable.getColumns().add(text("Op", 60, r -> new ReadOnlyObjectWrapper<>(r.op())));
        layerTable.getColumns().add(text("Params", 70, r -> new ReadOnlyObjectWrapper<>(Units.count(r.params()))));
        TableColumn<LayerSetting, String> sp = text("Sparsity", 80, r -> r.sparsityProperty()
            .map(v -> v == 0 ? "0 (dense)" : String.format(Locale.ROOT, "%.1f%%", 100 * v)).orElse(GLOBAL));
        sp.setId("col-sparsity");
        sp.setEditable(true);
        sp.setCellFactory(TextFieldTableCell.forTableColumn());
        sp.setOnEditCommit(e -> e.getRowValue().sparsityProperty().set(parseSparsity(e.getNewValue(), e.getOldValue())));
        layerTable.getColumns().add(sp);
        TableColumn<LayerSetting, String> pr = text("Precision", 100, r -> r.precisionProperty().map(Precision::id)
            .orElse(GLOBAL));
        pr.setId("col-precision");
        pr.setEditable(true);
        pr.setCellFactory(ComboBoxTableCell.forTableColumn(GLOBAL, "float", "fp16", "int8-weights", "int8"));
        pr.setOnEditCommit(e -> e.getRowValue().precisionProperty()
            .set(GLOBAL.equals(e.getNewValue()) ? null : Precision.parse(e.getNewValue())));
        layerTable.getColumns().add(pr);
        TableColumn<LayerSetting, Boolean> keep = new TableColumn<>("Keep float");
        keep.setId("col-keepFloat");
        keep.setPrefWidth(72);
        keep.setEditable(true);
        keep.setCellValueFactory(d -> d.getValue().keepFloatProperty());
        keep.setCellFactory(CheckBoxTableCell.forTableColumn(keep));
        layerTable.getColumns().add(keep);
        TableColumn<LayerSetting, String> rank = text("Sensitivity rank", 90, r -> r.sensitivityRankProperty()
            .map(String::valueOf).orElse(""));
        rank.setId("col-rank");
        layerTable.getColumns().add(rank);
        layerTable.getColumns().add(text("Mean drop (pt)", 90, r -> r.meanDropPointsProperty()
            .map(v -> String.format(Locale.ROOT, "%.2f", v)).orElse("")));
        layerTable.getColumns().add(text("int8 drop (pt)", 80, r -> r.int8DropPointsProperty()
            .map(v -> String.format(Locale.ROOT, "%.2f", v)).orElse("")));
        layerTable.getColumns().add(text("Change (counted)", 190, r -> r.changeProperty()));
        layerTable.getColumns().add(text("Output SQNR (measured)", 110, r -> r.sqnrDbProperty()
            .map(v -> Double.isInfinite(v) ? "exact" : String.format(Locale.ROOT, "%.1f dB", v)).orElse("")));
    }

    private static TableColumn<LayerSetting, String> text(String title, double width,
                                                         Function<LayerSetting, ObservableValue<String>> f) {
        TableColumn<LayerSetting, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setEditable(false);
        c.setCellValueFactory(d -> f.apply(d.getValue()));
        return c;
    }

    /** "", "global" -> follow the slider; "80%", "0.8" -> 0.8; "0", "dense" -> excluded. A bad entry keeps the old value. */
    static Double parseSparsity(String text, String old) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty() || t.equals(GLOBAL)) {
            return null;
        }
        if (t.startsWith("0 (dense") || t.equals("dense")) {
            return 0.0;
        }
        try {
            double v = t.endsWith("%") ? Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100
                : Double.parseDouble(t);
            if (v > 1 && v < 100) {
                v /= 100;
            }
            return v >= 0 && v <= OptimizeViewModel.MAX_SPARSITY ? v : parseSparsity(old, null);
        } catch (NumberFormatException e) {
            return old == null ? null : parseSparsity(old, null);
        }
    }

    private void showFigures() {
        OptimizationRun.Result e = vm.evaluationProperty().get();
        OptimizationRun.Result r = e != null && vm.evaluationCurrentProperty().get() ? e : vm.previewProperty().get();
        figures.setAll(r == null ? List.of() : r.section().comparisons().stream().map(CompareViewModel::row).toList());
        figuresTitle.setText(r == null ? "Effect of the settings (computed in the background)"
            : r.calibrated() ? "Evaluated: accuracy measured with ONNX Runtime, counts from the graph, energy estimated"
            : "Live: counted from the optimized graph; energy estimated; accuracy after Evaluate");
    }

    private static StringConverter<Precision> precisionNames() {
        return new StringConverter<>() {
            @Override
            public String toString(Precision p) {
                return p == null ? "" : p == Precision.FLOAT ? "fp32" : p.id();
            }

            @Override
            public Precision fromString(String s) {
                return Precision.parse(s);
            }
        };
    }

    // ---- files ------------------------------------------------------------------------------

    private void choose(String title, javafx.beans.property.ObjectProperty<Path> target) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("Samples (*.csv, *.npy)", "*.csv", "*.npy"),
            new FileChooser.ExtensionFilter("All files", "*"));
        if (target.get() != null && target.get().toAbsolutePath().getParent() != null) {
            chooser.setInitialDirectory(target.get().toAbsolutePath().getParent().toFile());
        }
        File f = chooser.showOpenDialog(window());
        if (f != null) {
            target.set(f.toPath());
        }
    }

    private void loadSettings() {
        FileChooser chooser = settingsChooser("Load optimization settings");
        File f = chooser.showOpenDialog(window());
        if (f != null) {
            vm.loadSettings(f.toPath());
        }
    }

    private void saveSettings() {
        FileChooser chooser = settingsChooser("Save optimization settings");
        chooser.setInitialFileName(baseName() + ".settings.json");
        File f = chooser.showSaveDialog(window());
        if (f != null) {
            vm.saveSettings(f.toPath(), p -> { });
        }
    }

    private void exportModel() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export optimized model");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("ONNX (*.onnx)", "*.onnx"));
        chooser.setInitialFileName(baseName() + "-optimized.onnx");
        File f = chooser.showSaveDialog(window());
        if (f != null) {
            vm.exportOptimized(f.toPath(), p -> { });
        }
    }

    private FileChooser settingsChooser(String title) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("Settings (*.json)", "*.json"));
        return chooser;
    }

    private String baseName() {
        Path m = vm.modelFile();
        return m == null ? "model" : m.getFileName().toString().replaceAll("\\.[^.]*$", "");
    }

    private Label pathLabel(javafx.beans.property.ObjectProperty<Path> p, String id) {
        Label l = new Label();
        l.setId(id);
        l.getStyleClass().add("muted");
        l.textProperty().bind(p.map(x -> x.getFileName().toString()).orElse("none chosen"));
        Tooltip t = new Tooltip();
        t.textProperty().bind(p.map(Path::toString).orElse("none chosen"));
        l.setTooltip(t);
        return l;
    }

    private Window window() {
        return getScene() == null ? null : getScene().getWindow();
    }

    private static Button button(String text, String tooltip, Runnable action) {
        Button b = new Button(text);
        b.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        b.setTooltip(new Tooltip(tooltip));
        b.setOnAction(e -> action.run());
        return b;
    }

    public Slider sparsitySlider() {
        return sparsity;
    }

    public TableView<LayerSetting> layerTable() {
        return layerTable;
    }
}
