package dev.edgewise.app.gui.device;

import dev.edgewise.app.gui.device.DeviceViewModel.RunState;
import dev.edgewise.bridge.transport.DeviceDescriptor;
import dev.edgewise.core.analysis.Provenance;
import dev.edgewise.viewer.chart.LiveLineChart;
import java.util.ArrayList;
import java.util.List;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.Property;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.RadioButton;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The Device tab: devices and run options on the left, the four live charts in the middle, the
 * results of the last run on the right; plus a status-bar item with what is running and Cancel.
 * Only binds controls to the {@link DeviceViewModel} and turns gestures into its calls.
 */
public final class DevicePanel extends SplitPane {
    private final DeviceViewModel vm;
    private final LiveLineChart latencyChart = new LiveLineChart("Latency per iteration", "iteration", "ms");
    private final LiveLineChart powerChart = new LiveLineChart("Power", "device time (s)", "W");
    private final LiveLineChart temperatureChart = new LiveLineChart("Temperature", "device time (s)", "°C");
    private final LiveLineChart frequencyChart = new LiveLineChart("CPU frequency", "device time (s)", "MHz");
    private final TableView<RunSummary.Row> stats = new TableView<>();
    private final VBox results = new VBox(8);
    private final HBox statusItem = new HBox(6);
    /** Bidirectional bindings hold their ends weakly; the adapters must live as long as the panel. */
    private final List<Property<?>> adapters = new ArrayList<>();

    public DevicePanel(DeviceViewModel vm) {
        this.vm = vm;
        getStyleClass().add("device-panel");
        setId("devicePanel");
        ScrollPane form = scroll(new VBox(10, devicesSection(), optionsSection()));
        VBox.setVgrow(form, Priority.ALWAYS);
        Node run = runSection();
        VBox left = new VBox(run, form);
        VBox.setMargin(run, new Insets(8, 8, 4, 8));
        left.setMinWidth(270);
        ScrollPane right = scroll(resultsSection());
        right.setMinWidth(260);
        right.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        getItems().addAll(left, chartsSection(), right);
        setDividerPositions(0.21, 0.62);
        SplitPane.setResizableWithParent(left, false);
        buildStatusItem();
        vm.errorProperty().addListener((o, a, b) -> {
            if (b != null) {
                showError(b);
            }
        });
    }

    // ---- devices ----------------------------------------------------------------------------

    private Node devicesSection() {
        ListView<DeviceDescriptor> list = new ListView<>(vm.devices());
        list.setId("deviceList");
        list.setPrefHeight(110);
        list.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(DeviceDescriptor d, boolean empty) {
                super.updateItem(d, empty);
                setText(empty || d == null ? null : d.id() + (d.abi().isEmpty() ? "" : "  ·  " + d.abi()));
                setTooltip(empty || d == null ? null : new Tooltip(d.name() + "\n" + d.kind().label()));
            }
        });
        list.setPlaceholder(new Label("No device yet: Refresh"));
        list.getSelectionModel().selectedItemProperty().addListener((o, a, b) -> {
            if (b != null && b != vm.selectedDeviceProperty().get()) {
                vm.selectedDeviceProperty().set(b);
            }
        });
        vm.selectedDeviceProperty().addListener((o, a, b) -> {
            if (list.getSelectionModel().getSelectedItem() != b) {
                list.getSelectionModel().select(b);
            }
        });
        Button refresh = button("Refresh", "Look for devices again (ADB, SSH, emulator, this computer)", vm::refresh);
        refresh.setId("refreshDevices");
        refresh.disableProperty().bind(vm.discoveringProperty());
        Button connect = button("Connect", "Start the agent on the selected device to list its CPU and sensors",
            vm::connect);
        connect.setId("connectDevice");
        connect.disableProperty().bind(vm.selectedDeviceProperty().isNull().or(idle().not()));
        Label searching = new Label("searching…");
        searching.getStyleClass().add("muted");
        searching.visibleProperty().bind(vm.discoveringProperty());
        HBox buttons = new HBox(6, refresh, connect, searching);
        buttons.setAlignment(Pos.CENTER_LEFT);
        VBox head = new VBox(4, heading("Devices"), buttons);
        Label details = wrapping("deviceDetails");
        details.textProperty().bind(vm.deviceDetailsProperty().map(l -> String.join("\n", l)));
        Label problems = wrapping("deviceProblems");
        problems.getStyleClass().add("warning-text");
        problems.textProperty().bind(Bindings.createStringBinding(() -> String.join("\n", vm.problems()), vm.problems()));
        problems.visibleProperty().bind(Bindings.isNotEmpty(vm.problems()));
        problems.managedProperty().bind(problems.visibleProperty());
        return new VBox(6, head, list, details, problems);
    }

    // ---- options ----------------------------------------------------------------------------

    private Node optionsSection() {
        RunSettings o = vm.options();
        GridPane g = new GridPane();
        g.setHgap(8);
        g.setVgap(5);
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(90);
        g.getColumnConstraints().addAll(labels, new ColumnConstraints());
        int row = 0;
        g.addRow(row++, new Label("Threads"), intSpinner("threadsSpinner", o.threadsProperty(), 1, 256));
        TextField affinity = new TextField();
        affinity.setId("affinityField");
        affinity.setPromptText("e.g. 4-7 (empty: not pinned)");
        affinity.textProperty().bindBidirectional(o.affinityProperty());
        affinity.setTooltip(new Tooltip("CPU affinity: thread i runs on the i-th CPU of this list (mod its length)"));
        g.addRow(row++, new Label("CPU affinity"), affinity);
        g.addRow(row++, new Label("Warm-up"), intSpinner("warmupSpinner", o.warmupProperty(), 0, 100_000));
        ToggleGroup mode = new ToggleGroup();
        RadioButton byCount = new RadioButton("Iterations");
        byCount.setId("iterationsMode");
        RadioButton byTime = new RadioButton("Duration (s)");
        byTime.setId("durationMode");
        byCount.setToggleGroup(mode);
        byTime.setToggleGroup(mode);
        (o.timedProperty().get() ? byTime : byCount).setSelected(true);
        byTime.selectedProperty().addListener((x, a, b) -> o.timedProperty().set(b));
        o.timedProperty().addListener((x, a, b) -> (b ? byTime : byCount).setSelected(true));
        Spinner<Integer> iterations = intSpinner("iterationsSpinner", o.iterationsProperty(), 1, 10_000_000);
        iterations.disableProperty().bind(o.timedProperty());
        Spinner<Double> duration = doubleSpinner("durationSpinner", o.durationSecondsProperty(), 0.1, 86_400, 1);
        duration.disableProperty().bind(o.timedProperty().not());
        g.addRow(row++, byCount, iterations);
        g.addRow(row++, byTime, duration);
        CheckBox perLayer = new CheckBox("Per-layer timing");
        perLayer.setId("perLayerCheck");
        perLayer.selectedProperty().bindBidirectional(o.perLayerProperty());
        perLayer.setTooltip(new Tooltip("Time every op of the plan; the graph can then be coloured by latency"));
        g.add(perLayer, 0, row++, 2, 1);
        Spinner<Double> rate = doubleSpinner("sensorRateSpinner", o.sensorRateHzProperty(), 0, 1000, 10);
        rate.setTooltip(new Tooltip("Power, temperature and frequency samples per second; 0 turns sampling off"));
        g.addRow(row, new Label("Sensor rate (Hz)"), rate);
        g.disableProperty().bind(idle().not());
        return new VBox(6, heading("Run options"), g);
    }

    private Node runSection() {
        Button run = button("Run", "Compile the model for the device runtime and run it on the selected device", vm::run);
        run.setId("runButton");
        run.setDefaultButton(false);
        run.disableProperty().bind(idle().not().or(vm.selectedDeviceProperty().isNull()).or(vm.graphProperty().isNull()));
        Button cancel = button("Cancel", "Stop the run after the current iteration", vm::cancel);
        cancel.setId("cancelRun");
        cancel.disableProperty().bind(vm.stateProperty().isEqualTo(RunState.IDLE)
            .or(vm.stateProperty().isEqualTo(RunState.CANCELLING)));
        Label problem = wrapping("optionsProblem");
        problem.getStyleClass().add("warning-text");
        problem.textProperty().bind(vm.optionsProblemProperty());
        Label status = wrapping("runStatus");
        status.getStyleClass().add("muted");
        status.textProperty().bind(vm.statusProperty());
        javafx.scene.control.CheckBox optimized = new javafx.scene.control.CheckBox("Run the optimized model");
        optimized.setId("runOptimized");
        optimized.setTooltip(new Tooltip("Run the model evaluated in the Optimize tab instead of the open one; "
            + "its figures fill the Compare tab's optimized column"));
        optimized.selectedProperty().bindBidirectional(vm.runOptimizedProperty());
        optimized.disableProperty().bind(vm.optimizedGraphProperty().isNull().or(idle().not()));
        HBox buttons = new HBox(8, run, cancel);
        return new VBox(6, buttons, optimized, problem, status);
    }

    // ---- charts -----------------------------------------------------------------------------

    private Node chartsSection() {
        latencyChart.setId("latencyChart");
        powerChart.setId("powerChart");
        temperatureChart.setId("temperatureChart");
        frequencyChart.setId("frequencyChart");
        latencyChart.setForceZeroInRange(true);
        latencyChart.seriesProperty().bind(vm.latencyProperty());
        latencyChart.emptyTextProperty().bind(vm.latencyEmptyProperty());
        latencyChart.provenanceProperty().bind(vm.timingProvenanceProperty());
        latencyChart.sourceProperty().bind(vm.timingProvenanceProperty().map(p -> p == Provenance.EMULATED ? ""
            : RunSummary.CLOCK));
        bindSensorChart(powerChart, vm.powerProperty(), vm.powerEmptyProperty());
        bindSensorChart(temperatureChart, vm.temperatureProperty(), vm.temperatureEmptyProperty());
        bindSensorChart(frequencyChart, vm.frequencyProperty(), vm.frequencyEmptyProperty());
        GridPane grid = new GridPane();
        grid.setHgap(6);
        grid.setVgap(6);
        grid.setPadding(new Insets(6));
        grid.add(latencyChart, 0, 0);
        grid.add(powerChart, 1, 0);
        grid.add(temperatureChart, 0, 1);
        grid.add(frequencyChart, 1, 1);
        for (int i = 0; i < 2; i++) {
            ColumnConstraints c = new ColumnConstraints();
            c.setPercentWidth(50);
            grid.getColumnConstraints().add(c);
            javafx.scene.layout.RowConstraints r = new javafx.scene.layout.RowConstraints();
            r.setPercentHeight(50);
            grid.getRowConstraints().add(r);
        }
        for (Node n : grid.getChildren()) {
            GridPane.setHgrow(n, Priority.ALWAYS);
            GridPane.setVgrow(n, Priority.ALWAYS);
        }
        return grid;
    }

    /** Sensor charts name their sensor in the legend; the badge says measured (or emulated, the host's sensors). */
    private void bindSensorChart(LiveLineChart chart, javafx.beans.value.ObservableValue<List<dev.edgewise.viewer.chart.SeriesData>> series,
                                 javafx.beans.value.ObservableValue<String> empty) {
        chart.seriesProperty().bind(series);
        chart.emptyTextProperty().bind(empty);
        chart.provenanceProperty().bind(Bindings.createObjectBinding(() -> series.getValue().isEmpty() ? null
            : vm.timingProvenanceProperty().get(), series, vm.timingProvenanceProperty()));
        chart.sourceProperty().bind(Bindings.createStringBinding(() -> series.getValue().size() == 1
            ? series.getValue().get(0).name() : "", series));
    }

    // ---- results ----------------------------------------------------------------------------

    private Node resultsSection() {
        stats.setId("statsTable");
        stats.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        stats.getColumns().add(column("Statistic", RunSummary.Row::name, 80));
        stats.getColumns().add(column("Latency", RunSummary.Row::value, 80));
        stats.getColumns().add(column("Source", RunSummary.Row::label, 140));
        stats.setPrefHeight(240);
        stats.setMinWidth(0);
        stats.setPlaceholder(new Label("No run yet"));
        vm.summaryProperty().addListener((o, a, s) -> showSummary(s));
        results.setPadding(new Insets(8));
        showSummary(null);
        return results;
    }

    private void showSummary(RunSummary s) {
        results.getChildren().clear();
        results.getChildren().add(heading("Results"));
        if (s == null) {
            Label none = wrapping("runHeadline");
            none.setText("Run the model to see its latency, energy and where the numbers come from.");
            none.getStyleClass().add("muted");
            results.getChildren().add(none);
            stats.getItems().clear();
            return;
        }
        Label headline = wrapping("runHeadline");
        headline.setText(s.headline());
        Label timing = wrapping("timingLabel");
        timing.setText(s.timingLabel());
        timing.getStyleClass().addAll("provenance-badge", "provenance-" + s.provenance().key());
        stats.getItems().setAll(s.statistics());
        results.getChildren().addAll(headline, timing, stats, heading("Energy"), grid("energyGrid", s.energy()),
            heading("Throttling"));
        for (String t : s.throttling()) {
            results.getChildren().add(wrapping(null, t));
        }
        results.getChildren().addAll(heading("Provenance"), grid("provenanceGrid", s.origin()));
    }

    private static GridPane grid(String id, List<RunSummary.Row> rows) {
        GridPane g = new GridPane();
        g.setId(id);
        g.setHgap(8);
        g.setVgap(3);
        for (double percent : new double[] {34, 30, 36}) {
            ColumnConstraints c = new ColumnConstraints();
            c.setPercentWidth(percent);
            g.getColumnConstraints().add(c);
        }
        int i = 0;
        for (RunSummary.Row r : rows) {
            Label name = new Label(r.name());
            name.getStyleClass().add("muted");
            Label value = new Label(r.value());
            value.getStyleClass().add("numeric-cell");
            value.setWrapText(true);
            value.setMinHeight(Region.USE_PREF_SIZE);
            name.setWrapText(true);
            name.setMinHeight(Region.USE_PREF_SIZE);
            String tip = (r.label() + (r.note().isEmpty() ? "" : "\n" + r.note())).strip();
            if (!tip.isEmpty()) {
                value.setTooltip(new Tooltip(tip));
            }
            Label label = new Label(r.label());
            label.getStyleClass().add("muted");
            label.setWrapText(true);
            if (!r.note().isEmpty()) {
                label.setTooltip(new Tooltip(r.note()));
            }
            g.addRow(i++, name, value, label);
        }
        return g;
    }

    // ---- status bar and dialogs -------------------------------------------------------------

    private void buildStatusItem() {
        Label text = new Label();
        text.setId("deviceRunStatus");
        text.textProperty().bind(vm.statusProperty());
        text.setMaxWidth(460);
        ProgressBar bar = new ProgressBar();
        bar.setPrefWidth(110);
        bar.progressProperty().bind(vm.progressProperty());
        Button cancel = button("Cancel run", "Stop the run on the device", vm::cancel);
        cancel.setId("statusCancelRun");
        cancel.disableProperty().bind(vm.stateProperty().isEqualTo(RunState.CANCELLING));
        statusItem.getChildren().addAll(text, bar, cancel);
        statusItem.setAlignment(Pos.CENTER_LEFT);
        statusItem.visibleProperty().bind(idle().not());
        statusItem.managedProperty().bind(statusItem.visibleProperty());
    }

    /** What the main window's status bar shows while a run is in progress. */
    public Node statusItem() {
        return statusItem;
    }

    private void showError(RunError e) {
        Alert a = new Alert(Alert.AlertType.ERROR);
        a.setTitle("Device run");
        a.setHeaderText(e.title());
        a.setContentText("What to try: " + e.whatToTry());
        TextArea details = new TextArea(e.details());
        details.setEditable(false);
        details.setWrapText(true);
        details.setPrefRowCount(8);
        a.getDialogPane().setExpandableContent(new VBox(4, new Label("Details:"), details));
        a.getDialogPane().setExpanded(true);
        a.getDialogPane().setMinWidth(520);
        if (getScene() != null) {
            a.initOwner(getScene().getWindow());
        }
        a.setOnHidden(x -> vm.clearError());
        a.show();
    }

    // ---- helpers ----------------------------------------------------------------------------

    private BooleanBinding idle() {
        return vm.stateProperty().isEqualTo(RunState.IDLE);
    }

    private Spinner<Integer> intSpinner(String id, IntegerProperty p, int min, int max) {
        Spinner<Integer> s = new Spinner<>(new SpinnerValueFactory.IntegerSpinnerValueFactory(min, max, p.get()));
        Property<Integer> boxed = p.asObject();
        adapters.add(boxed);
        s.getValueFactory().valueProperty().bindBidirectional(boxed);
        return configure(s, id);
    }

    private Spinner<Double> doubleSpinner(String id, DoubleProperty p, double min, double max, double step) {
        Spinner<Double> s = new Spinner<>(new SpinnerValueFactory.DoubleSpinnerValueFactory(min, max, p.get(), step));
        Property<Double> boxed = p.asObject();
        adapters.add(boxed);
        s.getValueFactory().valueProperty().bindBidirectional(boxed);
        return configure(s, id);
    }

    /** Editable spinners commit typed text when focus leaves, not only on Enter. */
    private static <T> Spinner<T> configure(Spinner<T> s, String id) {
        s.setId(id);
        s.setEditable(true);
        s.setPrefWidth(110);
        s.focusedProperty().addListener((o, was, now) -> {
            if (!now) {
                try {
                    s.increment(0);
                } catch (RuntimeException e) {
                    s.getEditor().setText(String.valueOf(s.getValue()));
                }
            }
        });
        return s;
    }

    private static <T> TableColumn<RunSummary.Row, String> column(String title,
                                                                  java.util.function.Function<RunSummary.Row, String> f,
                                                                  double width) {
        TableColumn<RunSummary.Row, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new javafx.beans.property.SimpleStringProperty(f.apply(d.getValue())));
        c.setPrefWidth(width);
        c.setSortable(false);
        return c;
    }

    private static ScrollPane scroll(Node content) {
        ScrollPane s = new ScrollPane(content);
        s.setFitToWidth(true);
        s.setPadding(new Insets(8));
        return s;
    }

    private static Label heading(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("chart-heading");
        return l;
    }

    private static Label wrapping(String id) {
        return wrapping(id, "");
    }

    private static Label wrapping(String id, String text) {
        Label l = new Label(text);
        if (id != null) {
            l.setId(id);
        }
        l.setWrapText(true);
        l.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
        return l;
    }

    private static Button button(String text, String tooltip, Runnable action) {
        Button b = new Button(text);
        b.setTooltip(new Tooltip(tooltip));
        b.setOnAction(e -> action.run());
        return b;
    }

    public LiveLineChart latencyChart() {
        return latencyChart;
    }

    public LiveLineChart powerChart() {
        return powerChart;
    }

    public TableView<RunSummary.Row> statsTable() {
        return stats;
    }
}
