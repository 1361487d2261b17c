package dev.edgewise.app.gui.device;

import dev.edgewise.app.gui.prefs.Settings;
import dev.edgewise.app.gui.task.TaskRunner;
import dev.edgewise.bridge.plan.CompileOptions;
import dev.edgewise.bridge.plan.CompiledPlan;
import dev.edgewise.bridge.plan.PlanCompiler;
import dev.edgewise.bridge.proto.DeviceInfo;
import dev.edgewise.bridge.session.DeviceSession;
import dev.edgewise.bridge.session.RunEvent;
import dev.edgewise.bridge.session.RunHandle;
import dev.edgewise.bridge.session.RunOptions;
import dev.edgewise.bridge.session.RunResult;
import dev.edgewise.bridge.session.RunStatus;
import dev.edgewise.bridge.transport.DeviceDescriptor;
import dev.edgewise.bridge.transport.DeviceKind;
import dev.edgewise.bridge.transport.Discovery;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.analysis.Provenance;
import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.ir.Dim;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.TensorInfo;
import dev.edgewise.viewer.chart.SeriesData;
import dev.edgewise.viewer.metric.LayerMetric;
import dev.edgewise.viewer.metric.MetricUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State and logic of the Device panel: discovery, the chosen device (remembered), run options, a
 * run (compile the model, open or reuse the session, run) with live charts fed from the session's
 * reader thread through a {@link Coalescer}, cancel, results, errors, and the per-layer latency
 * offered to the graph. All methods are called on the UI thread; no JavaFX nodes here.
 *
 * <p>Run states: IDLE -> PREPARING (compile, connect) -> RUNNING -> IDLE, and from PREPARING or
 * RUNNING through CANCELLING to IDLE. A cancel that the device does not confirm within
 * {@link #CANCEL_GRACE_SECONDS} stops the agent (closes the session), so the panel always returns to idle.
 */
public final class DeviceViewModel implements AutoCloseable {
    public enum RunState { IDLE, PREPARING, RUNNING, CANCELLING }

    public static final String LAST_DEVICE_KEY = "device.last";
    public static final String LATENCY_METRIC_ID = "measured-latency";
    public static final long CANCEL_GRACE_SECONDS = 5;
    /** ~30 chart updates per second at most. */
    public static final long FRAME_NANOS = TimeUnit.MILLISECONDS.toNanos(33);

    private record Tagged(long attempt, RunEvent event) {
    }

    /** One press of Run; background work and callbacks check that it is still the current one. */
    private static final class Attempt {
        final long id;
        final DeviceDescriptor device;
        final Graph graph;
        final ModelAnalysis analysis;
        final RunOptions options;
        final Map<String, Long> symbols;
        /** "resnet_tiny", or "resnet_tiny (optimized)" for the Optimize tab's model. */
        volatile String subject = "";
        final AtomicReference<RunHandle> handle = new AtomicReference<>();
        volatile boolean cancelRequested;
        volatile DeviceSession session;

        Attempt(long id, DeviceDescriptor device, Graph graph, ModelAnalysis analysis, RunOptions options,
                Map<String, Long> symbols) {
            this.id = id;
            this.symbols = Map.copyOf(symbols);
            this.device = device;
            this.graph = graph;
            this.analysis = analysis;
            this.options = options;
        }
    }

    private final DeviceService service;
    private final TaskRunner runner;
    private final Settings settings;
    private final Executor ui;
    private final Coalescer.Scheduler scheduler;
    private final Coalescer<Tagged> coalescer;
    private final RunSettings options = new RunSettings();
    private final LiveCharts charts = new LiveCharts();

    private final ObjectProperty<Graph> graph = new SimpleObjectProperty<>(this, "graph");
    private final ObjectProperty<DimBindings> dimBindings = new SimpleObjectProperty<>(this, "dimBindings", DimBindings.NONE);
    private final ObjectProperty<ModelAnalysis> analysis = new SimpleObjectProperty<>(this, "analysis");
    /** The evaluated (calibrated) optimized model from the Optimize tab, or null; runnable instead of the open one. */
    private final ObjectProperty<Graph> optimizedGraph = new SimpleObjectProperty<>(this, "optimizedGraph");
    private final ObjectProperty<ModelAnalysis> optimizedAnalysis = new SimpleObjectProperty<>(this, "optimizedAnalysis");
    private final javafx.beans.property.BooleanProperty runOptimized =
        new javafx.beans.property.SimpleBooleanProperty(this, "runOptimized", false);
    private final ObservableList<DeviceDescriptor> devices = FXCollections.observableArrayList();
    private final ObservableList<String> problems = FXCollections.observableArrayList();
    private final ReadOnlyBooleanWrapper discovering = new ReadOnlyBooleanWrapper(this, "discovering");
    private final ObjectProperty<DeviceDescriptor> selectedDevice = new SimpleObjectProperty<>(this, "selectedDevice");
    private final ReadOnlyObjectWrapper<List<String>> deviceDetails = new ReadOnlyObjectWrapper<>(this, "deviceDetails",
        List.of());
    private final Map<String, DeviceInfo> infos = new HashMap<>();

    private final ReadOnlyObjectWrapper<RunState> state = new ReadOnlyObjectWrapper<>(this, "state", RunState.IDLE);
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", 0);
    private final ReadOnlyStringWrapper optionsProblem = new ReadOnlyStringWrapper(this, "optionsProblem", "");
    private final ReadOnlyObjectWrapper<List<SeriesData>> latency = new ReadOnlyObjectWrapper<>(this, "latency", List.of());
    private final ReadOnlyObjectWrapper<List<SeriesData>> power = new ReadOnlyObjectWrapper<>(this, "power", List.of());
    private final ReadOnlyObjectWrapper<List<SeriesData>> temperature =
        new ReadOnlyObjectWrapper<>(this, "temperature", List.of());
    private final ReadOnlyObjectWrapper<List<SeriesData>> frequency =
        new ReadOnlyObjectWrapper<>(this, "frequency", List.of());
    private final ReadOnlyObjectWrapper<Provenance> timingProvenance = new ReadOnlyObjectWrapper<>(this, "timingProvenance");
    private final ReadOnlyStringWrapper latencyEmpty = new ReadOnlyStringWrapper(this, "latencyEmpty", "Press Run");
    private final ReadOnlyStringWrapper powerEmpty = new ReadOnlyStringWrapper(this, "powerEmpty", "");
    private final ReadOnlyStringWrapper temperatureEmpty = new ReadOnlyStringWrapper(this, "temperatureEmpty", "");
    private final ReadOnlyStringWrapper frequencyEmpty = new ReadOnlyStringWrapper(this, "frequencyEmpty", "");
    private final ReadOnlyObjectWrapper<RunSummary> summary = new ReadOnlyObjectWrapper<>(this, "summary");
    private final ReadOnlyObjectWrapper<RunError> error = new ReadOnlyObjectWrapper<>(this, "error");
    private final ReadOnlyObjectWrapper<LayerMetric> layerMetric = new ReadOnlyObjectWrapper<>(this, "layerMetric");
    private final ReadOnlyObjectWrapper<FinishedRun> lastRun = new ReadOnlyObjectWrapper<>(this, "lastRun");

    /**
     * A run that ended, with the graph it ran: the hook for panels that compare measured figures
     * (the Compare panel takes latency and energy from here, with their provenance).
     */
    public record FinishedRun(Graph graph, DeviceDescriptor device, RunResult result) {
    }

    private final Object sessionLock = new Object();
    private DeviceSession session;
    private Attempt current;
    private long attempts;
    private volatile boolean closed;

    /**
     * @param ui        runs tasks on the UI thread (Platform::runLater in the application)
     * @param scheduler delays chart deliveries (coalescing) and the cancel watchdog
     * @param clock     nanoseconds, monotonic (System::nanoTime)
     */
    public DeviceViewModel(DeviceService service, TaskRunner runner, Settings settings, Executor ui,
                           Coalescer.Scheduler scheduler, LongSupplier clock) {
        this.service = service;
        this.runner = runner;
        this.settings = settings;
        this.ui = ui;
        this.scheduler = scheduler;
        this.coalescer = new Coalescer<>(FRAME_NANOS, clock, scheduler, ui, this::applyEvents);
        options.load(settings);
        selectedDevice.addListener((o, a, b) -> updateDeviceDetails());
        clearCharts("Press Run");
    }

    // ---- devices ----------------------------------------------------------------------------

    /** Asks every transport for its devices in the background; the selection is kept if still listed. */
    public void refresh() {
        if (discovering.get()) {
            return;
        }
        discovering.set(true);
        runner.submit("Looking for devices", p -> service.discover(), this::showDiscoveries, t -> {
            discovering.set(false);
            problems.setAll("Device discovery failed: " + RunError.messageOf(t));
        });
    }

    private void showDiscoveries(List<Discovery> found) {
        discovering.set(false);
        String keep = selectedDevice.get() == null ? null : selectedDevice.get().id();
        List<DeviceDescriptor> all = new ArrayList<>();
        List<String> why = new ArrayList<>();
        for (Discovery d : found) {
            all.addAll(d.devices());
            d.problems().forEach(p -> why.add(d.scheme() + ": " + p));
        }
        devices.setAll(all);
        problems.setAll(why);
        String remembered = settings.get(LAST_DEVICE_KEY, service.defaultDeviceId());
        Optional<DeviceDescriptor> pick = find(keep).or(() -> find(remembered))
            .or(() -> find(service.defaultDeviceId())).or(() -> all.stream().findFirst());
        selectedDevice.set(pick.orElse(null));
        if (all.isEmpty()) {
            status.set("No device found" + (why.isEmpty() ? "" : ": see the problems under the list"));
        }
    }

    private Optional<DeviceDescriptor> find(String id) {
        return id == null ? Optional.empty() : devices.stream().filter(d -> d.id().equals(id)).findFirst();
    }

    /** Opens (or reuses) the session to the selected device to list its CPU and sensors. */
    public void connect() {
        DeviceDescriptor d = selectedDevice.get();
        if (d == null || state.get() != RunState.IDLE) {
            return;
        }
        settings.put(LAST_DEVICE_KEY, d.id());
        runner.submit("Connecting to " + d.id(), p -> sessionFor(d.id()).deviceInfo(), info -> {
            infos.put(d.id(), info);
            updateDeviceDetails();
        }, t -> error.set(RunError.connectFailed(d.id(), d.kind(), t)));
    }

    private void updateDeviceDetails() {
        DeviceDescriptor d = selectedDevice.get();
        deviceDetails.set(d == null ? List.of() : DeviceDetails.describe(d, infos.get(d.id())));
    }

    // ---- running ----------------------------------------------------------------------------

    /** Starts a run of the loaded model on the selected device with the form's options. */
    public void run() {
        if (state.get() != RunState.IDLE) {
            return;
        }
        boolean optimized = runOptimized.get();
        if (optimized && optimizedGraph.get() == null) {
            optionsProblem.set("No optimized model yet: press Evaluate in the Optimize tab (the device runs the "
                + "calibrated model it produces)");
            return;
        }
        Graph g = optimized ? optimizedGraph.get() : graph.get();
        ModelAnalysis subjectAnalysis = optimized ? optimizedAnalysis.get() : analysis.get();
        DeviceDescriptor d = selectedDevice.get();
        if (g == null || d == null) {
            optionsProblem.set(g == null ? "Open a model first" : "Choose a device (Refresh lists them)");
            return;
        }
        RunOptions opts;
        try {
            opts = options.toOptions();
        } catch (IllegalArgumentException e) {
            optionsProblem.set(e.getMessage());
            return;
        }
        optionsProblem.set("");
        options.save(settings);
        settings.put(LAST_DEVICE_KEY, d.id());
        Attempt a = new Attempt(++attempts, d, g, subjectAnalysis, opts,
            symbolicInputDims(g, dimBindings.get() == null ? Map.of() : dimBindings.get().symbols()));
        current = a;
        summary.set(null);
        clearCharts("Waiting for the first iteration…");
        timingProvenance.set(d.kind() == DeviceKind.EMULATED ? Provenance.EMULATED : Provenance.MEASURED);
        state.set(RunState.PREPARING);
        progress.set(-1);
        DimBindings userBound = dimBindings.get() == null ? DimBindings.NONE : dimBindings.get();
        Map<String, Long> bound = symbolicInputDims(g, userBound.symbols());
        String subject = modelName(g) + (optimized ? " (optimized)" : "");
        status.set("Compiling " + subject + " for " + d.id() + (bound.isEmpty() ? ""
            : " with " + bound.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()
                + (userBound.symbols().containsKey(e.getKey()) ? "" : " (unbound: run at 1; View > Bind Dimensions)"))
                .collect(java.util.stream.Collectors.joining(", "))));
        a.subject = subject;
        runner.submit("Running " + subject + " on " + d.id(), p -> {
            prepare(a, p);
            return a;
        }, ignored -> { }, ignored -> { });
    }

    /** Background: compile, connect, start. Always reports back through {@link #ui}, cancelled or not. */
    private void prepare(Attempt a, TaskRunner.Progress p) {
        String stage = "compile";
        try {
            p.update("Compiling " + a.subject + " for the device runtime", -1);
            CompiledPlan plan = PlanCompiler.compile(a.graph, compileOptions(a.graph, a.symbols));
            byte[] bytes = plan.plan().toByteArray();
            checkCancelled(a, p);
            stage = "connect";
            p.update("Connecting to " + a.device.id(), -1);
            ui.execute(() -> preparing(a, "Connecting to " + a.device.id()));
            DeviceSession s = sessionFor(a.device.id());
            a.session = s;
            checkCancelled(a, p);
            stage = "start";
            p.update("Starting the run on " + a.device.id(), -1);
            RunHandle h = s.run(bytes, a.options);
            a.handle.set(h);
            if (a.cancelRequested) {
                h.cancel();
            }
            h.onEvent(e -> coalescer.offer(new Tagged(a.id, e)));
            DeviceInfo info = s.deviceInfo();
            ui.execute(() -> started(a, info));
            h.result().whenComplete((r, t) -> ui.execute(() -> finished(a, r, t)));
        } catch (Throwable t) {
            String failedStage = stage;
            ui.execute(() -> prepareFailed(a, failedStage, t));
        }
    }

    private static void checkCancelled(Attempt a, TaskRunner.Progress p) {
        if (a.cancelRequested || p.cancelled() || Thread.currentThread().isInterrupted()) {
            throw new CancellationException("cancelled before the run started");
        }
    }

    private static CompileOptions compileOptions(Graph g, Map<String, Long> symbols) {
        String sha = g.metadata() == null ? "" : g.metadata().sha256();
        byte[] digest = sha != null && sha.matches("[0-9a-fA-F]{64}") ? java.util.HexFormat.of().parseHex(sha) : null;
        CompileOptions d = CompileOptions.DEFAULT;
        return new CompileOptions(new DimBindings(symbols, Map.of()), Map.of(), null, g.name(), digest,
            d.sparse(), d.sparseThreshold(), d.f16Weights(), d.f16Arithmetic());
    }

    /**
     * A plan needs static shapes: every symbolic input dim (batch_size, sequence_length) takes the
     * value bound in View > Bind Dimensions, and 1 (one inference of one sample) when unbound.
     */
    static Map<String, Long> symbolicInputDims(Graph g, Map<String, Long> userBound) {
        Map<String, Long> ones = new java.util.TreeMap<>();
        for (TensorInfo in : g.inputs()) {
            if (g.isInitializer(in.name()) || !in.shape().hasRank()) {
                continue;
            }
            for (Dim d : in.shape().dims()) {
                if (d.isSymbolic()) {
                    ones.put(d.symbolName(), userBound.getOrDefault(d.symbolName(), 1L));
                }
            }
        }
        return ones;
    }

    private void preparing(Attempt a, String message) {
        if (a == current && state.get() == RunState.PREPARING) {
            status.set(message);
        }
    }

    private void started(Attempt a, DeviceInfo info) {
        if (a != current || closed) {
            return;
        }
        infos.put(a.device.id(), info);
        updateDeviceDetails();
        if (info.getEmulated()) {
            timingProvenance.set(Provenance.EMULATED);
        }
        sensorPlaceholders(a, info);
        if (state.get() == RunState.PREPARING) {
            state.set(RunState.RUNNING);
            status.set("Running " + a.subject + " on " + a.device.id() + ": " + RunSettings.describe(a.options));
        }
    }

    private void sensorPlaceholders(Attempt a, DeviceInfo info) {
        if (a.options.sensorRateHz() <= 0) {
            String off = "Sensor sampling is off (rate 0 Hz)";
            powerEmpty.set(off);
            temperatureEmpty.set(off);
            frequencyEmpty.set(off);
            return;
        }
        String id = a.device.id();
        powerEmpty.set(DeviceDetails.hasPowerSensor(info) ? "Waiting for power samples…"
            : "No power sensor on " + id + ": power not measured");
        temperatureEmpty.set(DeviceDetails.hasSensor(info, "thermal") ? "Waiting for temperature samples…"
            : "No thermal zone on " + id);
        frequencyEmpty.set(DeviceDetails.hasSensor(info, "cpufreq") ? "Waiting for frequency samples…"
            : "No cpufreq on " + id + ": frequency not known");
    }

    private void prepareFailed(Attempt a, String stage, Throwable t) {
        if (a != current || closed) {
            return;
        }
        toIdle();
        if (t instanceof CancellationException || a.cancelRequested) {
            status.set("Cancelled before the run started");
            clearCharts("Cancelled");
            return;
        }
        status.set("Run failed: " + RunError.messageOf(t));
        clearCharts("No run");
        error.set(switch (stage) {
            case "compile" -> RunError.compileFailed(a.subject, t);
            case "connect" -> RunError.connectFailed(a.device.id(), a.device.kind(), t);
            default -> {
                dropSession(a.session);
                yield RunError.connectFailed(a.device.id(), a.device.kind(), t);
            }
        });
    }

    private void applyEvents(List<Tagged> batch) {
        List<RunEvent> mine = new ArrayList<>(batch.size());
        for (Tagged t : batch) {
            if (current != null && t.attempt() == current.id) {
                mine.add(t.event());
            }
        }
        if (mine.isEmpty()) {
            return;
        }
        LiveCharts.Changes c = charts.apply(mine);
        if (c.latency()) {
            latency.set(charts.latency());
        }
        if (c.power()) {
            power.set(charts.power());
        }
        if (c.temperature()) {
            temperature.set(charts.temperature());
        }
        if (c.frequency()) {
            frequency.set(charts.frequency());
        }
        for (int i = mine.size() - 1; i >= 0; i--) {
            if (mine.get(i) instanceof RunEvent.Progress pr) {
                showProgress(pr);
                break;
            }
        }
    }

    private void showProgress(RunEvent.Progress pr) {
        if (state.get() != RunState.RUNNING) {
            return;
        }
        String stage = pr.stage().isEmpty() ? "running" : pr.stage();
        String model = modelName(current.graph);
        if (pr.total() > 0) {
            progress.set(Math.min(1, pr.done() / (double) pr.total()));
            status.set(String.format(Locale.ROOT, "%s on %s: %s %d/%d", model, current.device.id(), stage, pr.done(),
                pr.total()));
        } else {
            progress.set(-1);
            long timed = latency.get().isEmpty() ? 0 : latency.get().get(0).received();
            status.set(String.format(Locale.ROOT, "%s on %s: %s, %d iterations so far (timed run)", model,
                current.device.id(), stage, timed));
        }
    }

    private void finished(Attempt a, RunResult r, Throwable t) {
        if (a != current || closed) {
            return;
        }
        coalescer.flush();
        toIdle();
        if (t != null || r == null) {
            dropSession(a.session);
            error.set(RunError.internal("The run on " + a.device.id() + " ended without a result",
                t == null ? new IllegalStateException("no result") : t));
            status.set("Run failed");
            return;
        }
        RunSummary s = RunSummary.of(r, a.analysis);
        summary.set(s);
        lastRun.set(new FinishedRun(a.graph, a.device, r));
        status.set(s.oneLine());
        if (latency.get().isEmpty()) {
            latencyEmpty.set(r.status() == RunStatus.COMPLETED ? "No iterations were timed" : "Stopped before the "
                + "first measured iteration");
        }
        if (!r.layerMeanSeconds().isEmpty() && a.graph == graph.get()) {
            layerMetric.set(latencyMetric(a, r));
        }
        if (r.status() == RunStatus.FAILED) {
            dropSession(a.session);
            RunEvent.Failed f = r.failure().orElse(new RunEvent.Failed(RunEvent.FailureKind.INTERNAL,
                "the run failed without saying why", true));
            error.set(RunError.runFailed(a.device.id(), f, r.iterationSeconds().size()));
        }
    }

    static LayerMetric latencyMetric(String deviceId, boolean emulated, RunResult r) {
        Map<String, Double> ms = new LinkedHashMap<>();
        r.layerMeanSeconds().forEach((layer, s) -> ms.put(layer, s * 1000));
        String source = deviceId + ", mean of " + r.iterationSeconds().size() + " iterations, " + RunSummary.CLOCK
            + "; layers fused into a conv are timed with it";
        return new LayerMetric(LATENCY_METRIC_ID, "Latency",
            MetricUnit.MILLISECONDS, emulated ? Provenance.EMULATED : Provenance.MEASURED, source, ms);
    }

    private LayerMetric latencyMetric(Attempt a, RunResult r) {
        return latencyMetric(a.device.id(), r.provenance().emulated(), r);
    }

    /** Cancels the run in progress (or the compile/connect before it); the panel returns to idle. */
    public void cancel() {
        Attempt a = current;
        if (a == null || state.get() == RunState.IDLE || state.get() == RunState.CANCELLING) {
            return;
        }
        a.cancelRequested = true;
        state.set(RunState.CANCELLING);
        status.set("Cancelling the run on " + a.device.id() + "…");
        RunHandle h = a.handle.get();
        if (h != null) {
            h.cancel();
        }
        scheduler.schedule(() -> ui.execute(() -> cancelTimedOut(a)), TimeUnit.SECONDS.toNanos(CANCEL_GRACE_SECONDS));
    }

    private void cancelTimedOut(Attempt a) {
        if (a != current || state.get() != RunState.CANCELLING) {
            return;
        }
        coalescer.flush();
        toIdle();
        dropSession(a.session);
        status.set("The run on " + a.device.id() + " did not stop within " + CANCEL_GRACE_SECONDS
            + " s of Cancel; the agent was stopped");
    }

    private void toIdle() {
        current = null;
        state.set(RunState.IDLE);
        progress.set(0);
    }

    private void clearCharts(String latencyText) {
        charts.clear();
        latency.set(List.of());
        power.set(List.of());
        temperature.set(List.of());
        frequency.set(List.of());
        latencyEmpty.set(latencyText);
        powerEmpty.set("");
        temperatureEmpty.set("");
        frequencyEmpty.set("");
    }

    // ---- sessions (background threads) ------------------------------------------------------

    private DeviceSession sessionFor(String deviceId) throws java.io.IOException {
        synchronized (sessionLock) {
            if (session != null && session.device().id().equals(deviceId)) {
                return session;
            }
            if (session != null) {
                session.close();
                session = null;
            }
            session = service.open(deviceId);
            return session;
        }
    }

    /** Forgets a session that failed; closing (Bye, kill, clean up) happens off the UI thread. */
    private void dropSession(DeviceSession s) {
        if (s == null || closed) {
            return;
        }
        synchronized (sessionLock) {
            if (session == s) {
                session = null;
            }
        }
        runner.submit("Closing the session on " + s.device().id(), p -> {
            s.close();
            return s;
        }, ignored -> { }, ignored -> { });
    }

    /** Cancels a run and closes the session (application exit). */
    @Override
    public void close() {
        closed = true;
        Attempt a = current;
        if (a != null && a.handle.get() != null) {
            a.handle.get().cancel();
        }
        synchronized (sessionLock) {
            if (session != null) {
                session.close();
                session = null;
            }
        }
    }

    private static String modelName(Graph g) {
        return g.name() == null || g.name().isBlank() ? "the model" : g.name();
    }

    // ---- properties -------------------------------------------------------------------------

    public void clearError() {
        error.set(null);
    }

    public RunSettings options() {
        return options;
    }

    /** Events delivered to the charts so far, in batches (tests check the coalescing). */
    public long chartBatches() {
        return coalescer.batches();
    }

    /** Bindings of symbolic dims chosen by the user (the main window's Bind Dimensions). */
    public ObjectProperty<DimBindings> dimBindingsProperty() {
        return dimBindings;
    }

    public ObjectProperty<Graph> graphProperty() {
        return graph;
    }

    public ObjectProperty<Graph> optimizedGraphProperty() {
        return optimizedGraph;
    }

    public ObjectProperty<ModelAnalysis> optimizedAnalysisProperty() {
        return optimizedAnalysis;
    }

    /** Run the optimized model (Optimize tab) instead of the open one. */
    public javafx.beans.property.BooleanProperty runOptimizedProperty() {
        return runOptimized;
    }

    public ObjectProperty<ModelAnalysis> analysisProperty() {
        return analysis;
    }

    public ObservableList<DeviceDescriptor> devices() {
        return devices;
    }

    public ObservableList<String> problems() {
        return problems;
    }

    public ReadOnlyBooleanProperty discoveringProperty() {
        return discovering.getReadOnlyProperty();
    }

    public ObjectProperty<DeviceDescriptor> selectedDeviceProperty() {
        return selectedDevice;
    }

    public ReadOnlyObjectProperty<List<String>> deviceDetailsProperty() {
        return deviceDetails.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<RunState> stateProperty() {
        return state.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty statusProperty() {
        return status.getReadOnlyProperty();
    }

    /** 0..1, or -1 while the length is unknown (compiling, connecting, a timed run). */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty optionsProblemProperty() {
        return optionsProblem.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<List<SeriesData>> latencyProperty() {
        return latency.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<List<SeriesData>> powerProperty() {
        return power.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<List<SeriesData>> temperatureProperty() {
        return temperature.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<List<SeriesData>> frequencyProperty() {
        return frequency.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Provenance> timingProvenanceProperty() {
        return timingProvenance.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty latencyEmptyProperty() {
        return latencyEmpty.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty powerEmptyProperty() {
        return powerEmpty.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty temperatureEmptyProperty() {
        return temperatureEmpty.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty frequencyEmptyProperty() {
        return frequencyEmpty.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<RunSummary> summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<RunError> errorProperty() {
        return error.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<FinishedRun> lastRunProperty() {
        return lastRun.getReadOnlyProperty();
    }

    /** Per-layer latency of the last run with per-layer timing, for the graph's colouring. */
    public ReadOnlyObjectProperty<LayerMetric> layerMetricProperty() {
        return layerMetric.getReadOnlyProperty();
    }
}
