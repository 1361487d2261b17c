package dev.edgewise.app.gui;

import dev.edgewise.app.gui.charts.ChartsPanel;
import dev.edgewise.app.gui.charts.ChartsViewModel;
import dev.edgewise.app.gui.compare.ComparePanel;
import dev.edgewise.app.gui.compare.CompareViewModel;
import dev.edgewise.app.gui.optimize.OptimizePanel;
import dev.edgewise.app.gui.optimize.OptimizeViewModel;
import dev.edgewise.app.gui.optimize.SampleData;
import dev.edgewise.app.gui.task.UiTaskExecutor;
import dev.edgewise.viewer.detail.LayerDetailsView;
import dev.edgewise.viewer.graph.GraphPalette;
import dev.edgewise.viewer.graph.GraphView;
import dev.edgewise.viewer.table.CategoryShares;
import dev.edgewise.viewer.table.LayerCsv;
import dev.edgewise.viewer.table.LayerRow;
import dev.edgewise.viewer.table.LayerTable;
import dev.edgewise.viewer.format.Units;
import java.io.File;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/**
 * The main window's content: menu and tool bar, graph (or charts) beside the layer details, the
 * layer table underneath, and a status bar. It only binds controls to the view models and turns
 * gestures into their calls.
 */
public final class MainView {
    private final MainViewModel vm;
    private final ChartsViewModel chartsVm;
    private final UiTaskExecutor tasks;
    private final ObjectProperty<Theme> theme;
    private final Runnable openSample;

    private final BorderPane root = new BorderPane();
    private final GraphView graphView = new GraphView();
    private final LayerTable layerTable = new LayerTable();
    private final LayerDetailsView details = new LayerDetailsView();
    private final ChartsPanel charts;
    private final OptimizeViewModel optimizeVm;
    private final CompareViewModel compareVm = new CompareViewModel();
    private final OptimizePanel optimizePanel;
    private final ComparePanel comparePanel;
    private final TabPane tabs = new TabPane();
    private final SplitPane upper = new SplitPane();
    private final SplitPane outer = new SplitPane();
    private final TextField searchField = new TextField();
    private final TextField filterField = new TextField();
    private final Menu recentMenu = new Menu("Open _Recent");
    private final HBox statusBar = new HBox(10);
    private final ObjectProperty<GraphPalette> palette = new SimpleObjectProperty<>(GraphPalette.light());

    public MainView(MainViewModel vm, ChartsViewModel chartsVm, UiTaskExecutor tasks, ObjectProperty<Theme> theme,
                    Runnable openSample) {
        this.vm = vm;
        this.chartsVm = chartsVm;
        this.tasks = tasks;
        this.theme = theme;
        this.openSample = openSample;
        palette.bind(theme.map(Theme::palette));
        charts = new ChartsPanel(chartsVm, vm.selectedLayerProperty(), palette);
        chartsVm.analysisProperty().bind(vm.analysisProperty());
        optimizeVm = new OptimizeViewModel(tasks, vm::analyzeGraph, SampleData.bundled(BundledSamples.standard()),
            javafx.application.Platform::runLater);
        optimizePanel = new OptimizePanel(optimizeVm);
        comparePanel = new ComparePanel(compareVm, vm.graphLayoutProperty(), vm.selectedLayerProperty(), palette);
        OptimizeWiring.connect(vm, optimizeVm, compareVm, this::showError);
        root.getStyleClass().add("main-view");
        root.setTop(new VBox(menuBar(), toolBar()));
        root.setCenter(center());
        root.setBottom(statusBar());
        bindGraph();
        bindTableAndDetails();
        vm.recentFiles().addListener((ListChangeListener<Path>) c -> rebuildRecentMenu());
        rebuildRecentMenu();
        vm.lastErrorProperty().addListener((o, a, b) -> {
            if (b != null) {
                showError(b);
            }
        });
    }

    public Parent root() {
        return root;
    }

    // ---- layout -----------------------------------------------------------------------------

    private MenuBar menuBar() {
        MenuItem open = item("_Open…", "Shortcut+O", this::openDialog);
        MenuItem sample = item("Open _Bundled Sample", null, openSample);
        MenuItem export = item("_Export Layers as CSV…", "Shortcut+E", this::exportCsv);
        MenuItem report = item("Export _Report…", "Shortcut+R", this::exportReport);
        MenuItem copy = item("_Copy Selected Layers", null, layerTable::copySelection);
        MenuItem quit = item("_Quit", "Shortcut+Q", () -> root.getScene().getWindow().hide());
        Menu file = new Menu("_File", null, open, recentMenu, sample, new SeparatorMenuItem(), export, report, copy,
            new SeparatorMenuItem(), quit);
        MenuItem fit = item("_Fit Graph\tF", null, graphView::fit);
        MenuItem zoomSel = item("_Zoom to Selection", "Shortcut+ENTER", graphView::zoomToSelection);
        MenuItem find = item("_Find Layer…", "Shortcut+F", this::focusSearch);
        MenuItem toggleTheme = item("Toggle _Dark Theme", "Shortcut+T", () -> theme.set(theme.get().other()));
        MenuItem dims = item("_Bind Dimensions…", "Shortcut+D", this::bindDims);
        Menu view = new Menu("_View", null, fit, zoomSel, find, dims, new SeparatorMenuItem(), toggleTheme);
        MenuItem keys = item("_Keyboard Shortcuts", null, () -> info("Keyboard shortcuts",
            "Ctrl+O open · Ctrl+F find layer (Enter next, Shift+Enter previous, Esc clear) · F fit graph · "
                + "Ctrl+Enter zoom to selection · arrows pan · +/- zoom · Ctrl+E export CSV · Ctrl+C copy rows · "
                + "Ctrl+T theme · Ctrl+D bind symbolic dimensions"));
        MenuItem about = item("_About Edgewise", null, () -> info("About Edgewise",
            "Edgewise: a workbench for deploying deep-learning models to phones and ARM boards.\n"
                + "Numbers are labelled counted (from the graph), estimated (energy model, roofline assumptions), "
                + "measured or emulated."));
        return new MenuBar(file, view, new Menu("_Help", null, keys, about));
    }

    private ToolBar toolBar() {
        Button open = button("Open…", "Open a model file (Ctrl+O)", this::openDialog);
        Button sample = button("Sample", "Open the bundled sample model", openSample);
        searchField.setId("searchField");
        searchField.setPromptText("Find layer or op (Ctrl+F)");
        searchField.setPrefColumnCount(18);
        searchField.textProperty().bindBidirectional(vm.searchTextProperty());
        searchField.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER) {
                vm.searchStep(e.isShiftDown() ? -1 : 1);
                e.consume();
            } else if (e.getCode() == KeyCode.ESCAPE) {
                searchField.clear();
                graphView.requestFocus();
            }
        });
        Button prev = button("◀", "Previous match (Shift+Enter)", () -> vm.searchStep(-1));
        Button next = button("▶", "Next match (Enter)", () -> vm.searchStep(1));
        Label matches = new Label();
        matches.setId("searchStatus");
        matches.getStyleClass().add("muted");
        matches.textProperty().bind(vm.searchStatusProperty());
        ComboBox<MainViewModel.ColorChoice> colorBy = new ComboBox<>(vm.colorChoices());
        colorBy.setId("colorByCombo");
        colorBy.valueProperty().bindBidirectional(vm.colorChoiceProperty());
        colorBy.setTooltip(new Tooltip("Colour graph nodes by category or by a per-layer number"));
        Button fit = button("Fit", "Show the whole graph (F)", graphView::fit);
        Button zoom = button("Zoom to selection", "Centre the selected layer (Ctrl+Enter)", graphView::zoomToSelection);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Button themeButton = button("", "Switch between light and dark theme (Ctrl+T)",
            () -> theme.set(theme.get().other()));
        themeButton.textProperty().bind(theme.map(t -> t == Theme.LIGHT ? "Dark theme" : "Light theme"));
        return new ToolBar(open, sample, new javafx.scene.control.Separator(), searchField, prev, next, matches,
            new javafx.scene.control.Separator(), new Label("Colour by"), colorBy, fit, zoom, spacer, themeButton);
    }

    private Parent center() {
        graphView.setId("graphView");
        StackPane graphPane = new StackPane(graphView);
        Label empty = new Label("Open a model (Ctrl+O) or drop a file here");
        empty.getStyleClass().add("placeholder");
        empty.visibleProperty().bind(vm.graphLayoutProperty().isNull());
        empty.setMouseTransparent(true);
        graphPane.getChildren().add(empty);
        Tab graphTab = new Tab("Graph", graphPane);
        Tab chartsTab = new Tab("Charts", charts);
        graphTab.setClosable(false);
        chartsTab.setClosable(false);
        graphTab.setId("graphTab");
        chartsTab.setId("chartsTab");
        tabs.getTabs().addAll(graphTab, chartsTab, tab("Optimize", "optimizeTab", optimizePanel),
            tab("Compare", "compareTab", comparePanel));
        details.setId("layerDetails");
        details.setMinWidth(220);
        upper.getItems().addAll(tabs, details);
        upper.setDividerPositions(0.74);
        SplitPane.setResizableWithParent(details, false);
        outer.setOrientation(Orientation.VERTICAL);
        outer.getItems().addAll(upper, tablePane());
        outer.setDividerPositions(0.64);
        return outer;
    }

    private static Tab tab(String title, String id, javafx.scene.Node content) {
        Tab t = new Tab(title, content);
        t.setClosable(false);
        t.setId(id);
        return t;
    }

    private Parent tablePane() {
        filterField.setId("filterField");
        filterField.setPromptText("Filter layers by name, op or category");
        filterField.setPrefColumnCount(24);
        layerTable.filterTextProperty().bind(filterField.textProperty());
        Label shares = new Label();
        shares.setId("categoryShares");
        shares.getStyleClass().add("muted");
        shares.textProperty().bind(vm.analysisProperty().map(a -> "MACs by category (counted): "
            + CategoryShares.of(a).stream().filter(s -> s.macShare() > 0).limit(5)
                .map(s -> s.category() + " " + Units.percent(s.macShare()))
                .collect(Collectors.joining(" · "))));
        Tooltip sharesTip = new Tooltip();
        sharesTip.textProperty().bind(vm.analysisProperty().map(a -> CategoryShares.of(a).stream()
            .map(s -> String.format(Locale.ROOT, "%s: %d layers, %s params (%s), %s MACs (%s)", s.category(),
                s.layers(), Units.count(s.params()), Units.percent(s.paramShare()), Units.count(s.macs()),
                Units.percent(s.macShare())))
            .collect(Collectors.joining("\n"))));
        shares.setTooltip(sharesTip);
        Button export = button("Export CSV…", "Export the selected (or all shown) layers with raw numbers (Ctrl+E)",
            this::exportCsv);
        Button copy = button("Copy", "Copy the selected rows as tab-separated text (Ctrl+C)", layerTable::copySelection);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox bar = new HBox(8, filterField, shares, spacer, copy, export);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(4, 6, 4, 6));
        bar.getStyleClass().add("table-bar");
        VBox.setVgrow(layerTable, Priority.ALWAYS);
        return new VBox(bar, layerTable);
    }

    private Parent statusBar() {
        Label summary = new Label();
        summary.setId("statusSummary");
        summary.textProperty().bind(vm.loadedSummaryProperty());
        Tooltip fileTip = new Tooltip();
        fileTip.textProperty().bind(vm.modelFileProperty().map(Path::toString));
        summary.setTooltip(fileTip);
        Label lastMessage = new Label();
        lastMessage.getStyleClass().add("status-message");
        vm.messages().addListener((ListChangeListener<String>) c -> {
            List<String> all = vm.messages();
            lastMessage.setText(all.isEmpty() ? "" : "⚠ " + all.size() + " message" + (all.size() == 1 ? "" : "s"));
            lastMessage.setTooltip(new Tooltip(String.join("\n", all.subList(Math.max(0, all.size() - 15), all.size()))));
        });
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Label task = new Label();
        task.setId("taskMessage");
        task.textProperty().bind(tasks.messageProperty());
        ProgressBar progress = new ProgressBar();
        progress.setId("taskProgress");
        progress.setPrefWidth(140);
        progress.progressProperty().bind(tasks.progressProperty());
        progress.visibleProperty().bind(tasks.busyProperty());
        Button cancel = button("Cancel", "Cancel the running task", tasks::cancelAll);
        cancel.setId("cancelTask");
        cancel.visibleProperty().bind(tasks.busyProperty());
        HBox bar = statusBar;
        bar.getChildren().addAll(summary, lastMessage, spacer, task, progress, cancel);
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(3, 8, 3, 8));
        bar.getStyleClass().add("status-bar");
        return bar;
    }

    // ---- bindings ---------------------------------------------------------------------------

    private void bindGraph() {
        graphView.graphLayoutProperty().bind(vm.graphLayoutProperty());
        graphView.categoriesProperty().bind(vm.categoriesProperty());
        graphView.colorMetricProperty().bind(vm.colorChoiceProperty().map(MainViewModel.ColorChoice::metric));
        graphView.paletteProperty().bind(palette);
        graphView.selectedLayerProperty().bindBidirectional(vm.selectedLayerProperty());
        graphView.highlightedLayersProperty().bind(vm.searchMatchesProperty().map(java.util.HashSet::new));
        vm.selectedLayerProperty().addListener((o, a, b) -> {
            if (b != null) {
                graphView.reveal(b);
            }
        });
    }

    private void bindTableAndDetails() {
        layerTable.analysisProperty().bind(vm.analysisProperty());
        layerTable.selectedLayerProperty().bindBidirectional(vm.selectedLayerProperty());
        vm.selectedDetailsProperty().addListener((o, a, d) -> {
            if (d == null) {
                details.showNothing(vm.graphProperty().get() == null ? "Open a model to see its layers."
                    : "Select a layer in the graph or the table.");
            } else {
                details.show(d);
            }
        });
        vm.weightStatsProperty().addListener((o, a, s) -> {
            switch (s.status()) {
                case LOADING -> details.showWeightStatsLoading();
                case READY -> details.showWeightStats(s.stats());
                case FAILED -> details.showWeightStatsError(s.error());
                case NONE -> { }
            }
        });
    }

    /** Ctrl-key shortcuts come from the menus; plain F (fit) must not fire while typing in a field. */
    public void installShortcuts(Scene scene) {
        scene.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            boolean typing = scene.getFocusOwner() instanceof TextInputControl;
            if (!typing && e.getCode() == KeyCode.F && !e.isShortcutDown() && !e.isAltDown()) {
                graphView.fit();
                e.consume();
            } else if (e.getCode() == KeyCode.F3) {
                vm.searchStep(e.isShiftDown() ? -1 : 1);
                e.consume();
            }
        });
        scene.setOnDragOver(e -> {
            if (e.getDragboard().hasFiles()) {
                e.acceptTransferModes(TransferMode.COPY);
            }
            e.consume();
        });
        scene.setOnDragDropped(e -> {
            boolean ok = e.getDragboard().hasFiles() && !e.getDragboard().getFiles().isEmpty();
            if (ok) {
                vm.open(e.getDragboard().getFiles().get(0).toPath());
            }
            e.setDropCompleted(ok);
            e.consume();
        });
    }

    // ---- actions ----------------------------------------------------------------------------

    private void openDialog() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Open model");
        for (ModelFormats.Filter f : vm.openFilters()) {
            chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter(f.label(), f.patterns()));
        }
        Path current = vm.modelFileProperty().get();
        if (current != null && current.toAbsolutePath().getParent() != null) {
            chooser.setInitialDirectory(current.toAbsolutePath().getParent().toFile());
        }
        File f = chooser.showOpenDialog(window());
        if (f != null) {
            vm.open(f.toPath());
        }
    }

    private void exportCsv() {
        List<LayerRow> rows = layerTable.selectedOrVisibleRows();
        if (rows.isEmpty()) {
            info("Export layers", "There are no layers to export: open and analyse a model first.");
            return;
        }
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export layers as CSV");
        chooser.getExtensionFilters().add(new FileChooser.ExtensionFilter("CSV (*.csv)", "*.csv"));
        Path model = vm.modelFileProperty().get();
        chooser.setInitialFileName((model == null ? "layers" : model.getFileName().toString().replaceAll("\\.[^.]*$", ""))
            + "-layers.csv");
        File f = chooser.showSaveDialog(window());
        if (f == null) {
            return;
        }
        Path target = f.toPath();
        tasks.submit("Writing " + target.getFileName(), p -> {
            try (Writer w = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
                LayerCsv.write(rows, w);
            }
            return target;
        }, done -> { }, err -> showError("Could not write " + target + ": " + MainViewModel.messageOf(err)));
    }

    private void exportReport() {
        FileChooser chooser = new FileChooser();
        chooser.setTitle("Export report");
        chooser.getExtensionFilters().addAll(
            new FileChooser.ExtensionFilter("HTML report (*.html)", "*.html"),
            new FileChooser.ExtensionFilter("PDF report (*.pdf)", "*.pdf"),
            new FileChooser.ExtensionFilter("Markdown (*.md)", "*.md"),
            new FileChooser.ExtensionFilter("JSON, everything (*.json)", "*.json"),
            new FileChooser.ExtensionFilter("CSV, per-layer table (*.csv)", "*.csv"));
        Path model = vm.modelFileProperty().get();
        chooser.setInitialFileName((model == null ? "report" : model.getFileName().toString().replaceAll("\\.[^.]*$", ""))
            + "-report.html");
        File f = chooser.showSaveDialog(window());
        if (f != null) {
            vm.exportReport(f.toPath(), written -> { },
                err -> showError("Could not write the report " + f + ": " + MainViewModel.messageOf(err)));
        }
    }

    private void bindDims() {
        List<String> symbols = vm.symbolicDims();
        if (symbols.isEmpty()) {
            info("Bind dimensions", vm.graphProperty().get() == null ? "Open a model first."
                : "The inputs of this model have no symbolic dimensions: every shape is already known.");
            return;
        }
        DimBindingsDialog.ask(window(), symbols, vm.dimBindingsProperty().get()).ifPresent(values -> {
            String problem = vm.bindDims(values);
            if (problem != null) {
                showError("Cannot bind the dimensions: " + problem);
            }
        });
    }

    private void rebuildRecentMenu() {
        recentMenu.getItems().clear();
        for (Path p : vm.recentFiles()) {
            MenuItem i = new MenuItem(p.getFileName() + "  —  " + p.getParent());
            i.setMnemonicParsing(false);
            i.setOnAction(e -> vm.open(p));
            recentMenu.getItems().add(i);
        }
        recentMenu.setDisable(recentMenu.getItems().isEmpty());
    }

    private void focusSearch() {
        searchField.requestFocus();
        searchField.selectAll();
    }

    private void showError(String message) {
        Alert a = new Alert(Alert.AlertType.ERROR, message);
        a.setHeaderText("Something went wrong");
        a.initOwner(window());
        a.getDialogPane().setMinWidth(480);
        a.setOnHidden(e -> vm.clearError());
        a.show();
    }

    private void info(String title, String text) {
        Alert a = new Alert(Alert.AlertType.INFORMATION, text);
        a.setHeaderText(title);
        a.initOwner(window());
        a.show();
    }

    private Window window() {
        return root.getScene() == null ? null : root.getScene().getWindow();
    }

    private static MenuItem item(String text, String accelerator, Runnable action) {
        MenuItem i = new MenuItem(text);
        if (accelerator != null) {
            i.setAccelerator(KeyCombination.keyCombination(accelerator));
        }
        i.setOnAction(e -> action.run());
        return i;
    }

    private static Button button(String text, String tooltip, Runnable action) {
        Button b = new Button(text);
        b.setTooltip(new Tooltip(tooltip));
        b.setOnAction(e -> action.run());
        b.setFocusTraversable(false);
        return b;
    }

    // ---- panels added by features ------------------------------------------------------------

    /** Adds a feature's panel as a tab beside Graph and Charts. */
    public Tab addTab(String id, String title, Parent content) {
        Tab tab = new Tab(title, content);
        tab.setId(id);
        tab.setClosable(false);
        tabs.getTabs().add(tab);
        return tab;
    }

    /** Adds a feature's item (what it is running, its cancel) to the status bar, left of the task progress. */
    public void addStatusItem(javafx.scene.Node item) {
        int beforeTask = statusBar.getChildren().indexOf(statusBar.lookup("#taskMessage"));
        statusBar.getChildren().add(beforeTask < 0 ? statusBar.getChildren().size() : beforeTask, item);
    }

    // ---- state for the application shell and tests -----------------------------------------

    /** "0.74;0.64": the two split positions, stored between sessions. */
    public String dividerState() {
        return String.format(Locale.ROOT, "%.4f;%.4f", upper.getDividerPositions()[0], outer.getDividerPositions()[0]);
    }

    public void restoreDividers(String state) {
        if (state == null || state.isBlank()) {
            return;
        }
        String[] p = state.split(";");
        try {
            if (p.length == 2) {
                upper.setDividerPositions(clamp(Double.parseDouble(p[0])));
                outer.setDividerPositions(clamp(Double.parseDouble(p[1])));
            }
        } catch (NumberFormatException e) {
            // a damaged preference only costs the saved layout
        }
    }

    private static double clamp(double v) {
        return Math.max(0.15, Math.min(0.9, v));
    }

    public GraphView graphView() {
        return graphView;
    }

    public LayerTable layerTable() {
        return layerTable;
    }

    public ChartsPanel charts() {
        return charts;
    }

    public OptimizeViewModel optimizeViewModel() {
        return optimizeVm;
    }

    /** The hook for device runs: {@code compareViewModel().setMeasured(Side.BASELINE or OPTIMIZED, ...)}. */
    public CompareViewModel compareViewModel() {
        return compareVm;
    }

    public OptimizePanel optimizePanel() {
        return optimizePanel;
    }

    public ComparePanel comparePanel() {
        return comparePanel;
    }

    public TabPane tabs() {
        return tabs;
    }

    public LayerDetailsView details() {
        return details;
    }
}
