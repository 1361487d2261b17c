package dev.edgewise.app.gui.device;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.app.gui.ModelService;
import dev.edgewise.app.gui.device.DeviceViewModel.RunState;
import dev.edgewise.app.gui.fixtures.DirectRunner;
import dev.edgewise.app.gui.fixtures.Models;
import dev.edgewise.app.gui.prefs.Settings;
import dev.edgewise.bridge.proto.Sensor;
import dev.edgewise.bridge.session.RunEvent;
import dev.edgewise.bridge.session.RunStatus;
import dev.edgewise.core.analysis.Provenance;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.viewer.metric.LayerMetric;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Device panel's logic without a screen: scripted devices, a hand-driven UI thread and clock. */
class DeviceViewModelTest {
    private static Models.Built model;

    private final FakeDevices devices = new FakeDevices();
    private final DirectRunner runner = new DirectRunner();
    private final Settings settings = Settings.inMemory();
    private final ManualUi ui = new ManualUi();
    private DeviceViewModel vm;

    @BeforeAll
    static void buildModel() {
        model = Models.resnetTiny();
    }

    private DeviceViewModel vm() {
        vm = new DeviceViewModel(devices, runner, settings, ui, ui, ui::now);
        vm.graphProperty().set(model.graph());
        vm.analysisProperty().set(model.analysis());
        vm.options().iterationsProperty().set(5);
        vm.options().warmupProperty().set(1);
        return vm;
    }

    private FakeDevices.FakeRun startRun() {
        vm.refresh();
        vm.run();
        ui.pump();
        assertThat(vm.errorProperty().get()).isNull();
        assertThat(vm.stateProperty().get()).isEqualTo(RunState.RUNNING);
        return devices.lastSession().lastRun();
    }

    @Test
    void aFreshInstallSelectsTheEmulatedDeviceAndListsWhyOthersAreMissing() {
        vm().refresh();
        assertThat(vm.devices()).extracting(d -> d.id()).containsExactly("local", "qemu:cortex-a76");
        assertThat(vm.selectedDeviceProperty().get().id()).isEqualTo("qemu:cortex-a76");
        assertThat(vm.problems()).containsExactly("adb: adb server not running on 127.0.0.1:5037");
        assertThat(vm.deviceDetailsProperty().get()).contains("Kind: emulated ARM (qemu-aarch64)", "ABI: aarch64",
            "Sensors: listed by the agent once connected (Connect, or Run)");
    }

    @Test
    void theLastUsedDeviceIsRememberedInThePreferences() {
        vm().refresh();
        vm.selectedDeviceProperty().set(FakeDevices.LOCAL);
        vm.run();
        ui.pump();
        assertThat(settings.get(DeviceViewModel.LAST_DEVICE_KEY, null)).isEqualTo("local");
        DeviceViewModel again = new DeviceViewModel(devices, runner, settings, ui, ui, ui::now);
        again.refresh();
        assertThat(again.selectedDeviceProperty().get().id()).isEqualTo("local");
        assertThat(again.options().iterationsProperty().get()).as("run options remembered too").isEqualTo(5);
    }

    @Test
    void aRunCompilesTheModelAndStreamsEventsIntoTheChartSeries() {
        vm();
        devices.sensors = List.of(Sensor.newBuilder().setKind("thermal").setName("zone0").build());
        FakeDevices.FakeRun run = startRun();
        assertThat(devices.lastSession().plans.get(0)).as("a compiled plan was sent").hasSizeGreaterThan(1000);
        assertThat(run.options.iterations()).isEqualTo(5);
        assertThat(vm.timingProvenanceProperty().get()).isEqualTo(Provenance.EMULATED);
        assertThat(vm.powerEmptyProperty().get()).isEqualTo("No power sensor on qemu:cortex-a76: power not measured");
        assertThat(vm.temperatureEmptyProperty().get()).isEqualTo("Waiting for temperature samples…");

        run.emit(new RunEvent.Progress("measuring", 1, 5));
        run.emit(new RunEvent.IterationTimed(0, 0.004));
        run.emit(new RunEvent.ThermalSampled(0.1, "zone0", 45));
        ui.pump();
        assertThat(vm.latencyProperty().get().get(0).ys()).containsExactly(4.0);
        assertThat(vm.temperatureProperty().get().get(0).ys()).containsExactly(45.0);
        assertThat(vm.statusProperty().get()).isEqualTo("resnet_tiny on qemu:cortex-a76: measuring 1/5");
        assertThat(vm.progressProperty().get()).isEqualTo(0.2);

        long before = vm.chartBatches();
        for (int i = 1; i < 1000; i++) {
            run.emit(new RunEvent.IterationTimed(i, 0.004 + i * 1e-6));
        }
        ui.pump();
        assertThat(vm.latencyProperty().get().get(0).received()).as("not before the next frame").isEqualTo(1);
        ui.advance(DeviceViewModel.FRAME_NANOS);
        assertThat(vm.chartBatches() - before).as("999 events, one chart update").isEqualTo(1);
        assertThat(vm.latencyProperty().get().get(0).received()).isEqualTo(1000);
        assertThat(vm.latencyProperty().get().get(0).size()).isEqualTo(LiveCharts.CAPACITY);
    }

    @Test
    void aCompletedRunShowsResultsAndOffersMeasuredLatencyPerLayer() {
        vm();
        FakeDevices.FakeRun run = startRun();
        for (int i = 0; i < 5; i++) {
            run.emit(new RunEvent.IterationTimed(i, 0.002));
        }
        Map<String, Double> layers = new LinkedHashMap<>();
        layers.put("conv1", 0.0004);
        layers.put("fc52", 0.0001);
        run.end(RunStatus.COMPLETED, null, layers, null);
        ui.pump();
        assertThat(vm.stateProperty().get()).isEqualTo(RunState.IDLE);
        assertThat(vm.latencyProperty().get().get(0).size()).as("last points flushed before the result").isEqualTo(5);
        assertThat(vm.summaryProperty().get().headline()).isEqualTo("Completed 5 iterations on qemu:cortex-a76");
        assertThat(vm.lastRunProperty().get().graph()).isSameAs(model.graph());
        assertThat(vm.lastRunProperty().get().result().iterationSeconds()).hasSize(5);
        assertThat(vm.statusProperty().get()).contains("mean 2.00 ms (emulated)");
        LayerMetric m = vm.layerMetricProperty().get();
        assertThat(m.id()).isEqualTo(DeviceViewModel.LATENCY_METRIC_ID);
        assertThat(m.label()).isEqualTo("Latency");
        assertThat(m.provenance()).isEqualTo(Provenance.EMULATED);
        assertThat(m.value("conv1").getAsDouble()).isEqualTo(0.4, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(m.format("fc52")).isEqualTo("100 µs");
        assertThat(m.source()).startsWith("qemu:cortex-a76, mean of 5 iterations, CLOCK_MONOTONIC");

        vm.run();
        ui.pump();
        assertThat(devices.sessions).as("the session is reused").hasSize(1);
        assertThat(devices.lastSession().runs).hasSize(2);
    }

    @Test
    void cancelGoesThroughCancellingBackToIdleKeepingWhatWasMeasured() {
        vm();
        FakeDevices.FakeRun run = startRun();
        run.emit(new RunEvent.IterationTimed(0, 0.003));
        run.emit(new RunEvent.IterationTimed(1, 0.005));
        run.ignoreCancel = true;
        vm.cancel();
        assertThat(vm.stateProperty().get()).isEqualTo(RunState.CANCELLING);
        assertThat(run.cancels).isEqualTo(1);
        vm.cancel();
        assertThat(run.cancels).as("a second press does nothing").isEqualTo(1);
        run.end(RunStatus.CANCELLED, null, Map.of(), null);
        ui.pump();
        assertThat(vm.stateProperty().get()).isEqualTo(RunState.IDLE);
        assertThat(vm.summaryProperty().get().headline())
            .isEqualTo("Cancelled on qemu:cortex-a76 after 2 iterations (statistics from those)");
        assertThat(vm.latencyProperty().get().get(0).size()).isEqualTo(2);
        ui.advance(TimeUnit.SECONDS.toNanos(DeviceViewModel.CANCEL_GRACE_SECONDS + 1));
        assertThat(vm.stateProperty().get()).isEqualTo(RunState.IDLE);
        assertThat(devices.lastSession().closed).as("a confirmed cancel keeps the session").isFalse();
    }

    @Test
    void aCancelTheDeviceNeverConfirmsStopsTheAgentAndReturnsToIdle() {
        vm();
        FakeDevices.FakeRun run = startRun();
        run.ignoreCancel = true;
        vm.cancel();
        ui.advance(TimeUnit.SECONDS.toNanos(DeviceViewModel.CANCEL_GRACE_SECONDS - 1));
        assertThat(vm.stateProperty().get()).isEqualTo(RunState.CANCELLING);
        ui.advance(TimeUnit.SECONDS.toNanos(2));
        assertThat(vm.stateProperty().get()).isEqualTo(RunState.IDLE);
        assertThat(devices.lastSession().closed).isTrue();
        assertThat(vm.statusProperty().get()).contains("did not stop within 5 s");
        run.end(RunStatus.CANCELLED, null, Map.of(), null);
        ui.pump();
        assertThat(vm.summaryProperty().get()).as("a late result of an abandoned run is ignored").isNull();
        vm.run();
        ui.pump();
        assertThat(devices.sessions).as("the next run opens a new session").hasSize(2);
    }

    @Test
    void cancelBeforeTheRunHasStartedCancelsItAsSoonAsItExists() {
        vm().refresh();
        vm.run();
        // the synchronous runner has started the run; the UI has not yet heard of it
        assertThat(vm.stateProperty().get()).isEqualTo(RunState.PREPARING);
        FakeDevices.FakeRun run = devices.lastSession().lastRun();
        run.ignoreCancel = true;
        vm.cancel();
        assertThat(run.cancels).isEqualTo(1);
        ui.pump();
        assertThat(vm.stateProperty().get()).as("started() does not undo the cancel").isEqualTo(RunState.CANCELLING);
        run.end(RunStatus.CANCELLED, null, Map.of(), null);
        ui.pump();
        assertThat(vm.stateProperty().get()).isEqualTo(RunState.IDLE);
    }

    @Test
    void eventsOfAnEarlierRunDoNotReachTheNextOnesCharts() {
        vm();
        FakeDevices.FakeRun first = startRun();
        first.end(RunStatus.COMPLETED, null, Map.of(), null);
        ui.pump();
        vm.run();
        ui.pump();
        first.emit(new RunEvent.IterationTimed(7, 1.0));
        ui.advance(DeviceViewModel.FRAME_NANOS);
        assertThat(vm.latencyProperty().get()).isEmpty();
    }

    @Test
    void anAgentCrashIsShownWithAdviceAndTheSessionIsReopenedNextTime() {
        vm();
        FakeDevices.FakeRun run = startRun();
        run.emit(new RunEvent.IterationTimed(0, 0.002));
        run.end(RunStatus.FAILED, new RunEvent.Failed(RunEvent.FailureKind.AGENT_EXITED,
            "edgewise-agent exited with signal 11 (SIGSEGV)", true), Map.of(), null);
        ui.pump();
        assertThat(vm.stateProperty().get()).isEqualTo(RunState.IDLE);
        RunError e = vm.errorProperty().get();
        assertThat(e.title()).isEqualTo("The agent on qemu:cortex-a76 stopped during the run");
        assertThat(e.details()).contains("SIGSEGV");
        assertThat(e.whatToTry()).contains("1 thread").contains("The 1 iterations measured before are kept");
        assertThat(vm.summaryProperty().get().status()).isEqualTo(RunStatus.FAILED);
        assertThat(devices.lastSession().closed).isTrue();
        vm.clearError();
        vm.run();
        ui.pump();
        assertThat(devices.sessions).hasSize(2);
    }

    @Test
    void aDeviceThatIsGoneSaysWhatToTry() {
        vm();
        FakeDevices.FakeRun run = startRun();
        run.end(RunStatus.FAILED, new RunEvent.Failed(RunEvent.FailureKind.CONNECTION_LOST, "adb: device offline",
            true), Map.of(), null);
        ui.pump();
        assertThat(vm.errorProperty().get().title()).isEqualTo("qemu:cortex-a76 is gone");
        assertThat(vm.errorProperty().get().whatToTry()).contains("Refresh");
    }

    @Test
    void aConnectionFailureEndsTheRunWithAnErrorNotAStuckPanel() {
        vm().refresh();
        devices.openFailure = new IOException("qemu-aarch64 not installed: apt-get install qemu-user");
        vm.run();
        ui.pump();
        assertThat(vm.stateProperty().get()).isEqualTo(RunState.IDLE);
        RunError e = vm.errorProperty().get();
        assertThat(e.title()).isEqualTo("Cannot connect to qemu:cortex-a76");
        assertThat(e.details()).contains("apt-get install qemu-user");
        assertThat(e.whatToTry()).contains("qemu-user");
    }

    @Test
    void aModelTheRuntimeCannotRunIsReportedFromTheCompiler() throws Exception {
        Path transformer = Path.of(System.getProperty("edgewise.samples", "../samples"), "models", "transformer_tiny.onnx");
        Graph g = ModelService.standard().load(transformer);
        vm().refresh();
        vm.graphProperty().set(g);
        vm.run();
        ui.pump();
        assertThat(vm.stateProperty().get()).isEqualTo(RunState.IDLE);
        RunError e = vm.errorProperty().get();
        assertThat(e.title()).startsWith("Cannot compile");
        assertThat(e.details()).contains("UNSUPPORTED");
        assertThat(e.whatToTry()).contains("plan-compiler.md");
        assertThat(devices.sessions).as("nothing was sent to a device").isEmpty();
    }

    @Test
    void symbolicDimsTakeTheUsersBindingsAndOneOtherwise() throws Exception {
        Path transformer = Path.of(System.getProperty("edgewise.samples", "../samples"), "models", "transformer_tiny.onnx");
        Graph g = ModelService.standard().load(transformer);
        assertThat(DeviceViewModel.symbolicInputDims(g, java.util.Map.of()))
            .isEqualTo(java.util.Map.of("batch_size", 1L, "sequence_length", 1L));
        assertThat(DeviceViewModel.symbolicInputDims(g, java.util.Map.of("sequence_length", 8L, "unused", 3L)))
            .isEqualTo(java.util.Map.of("batch_size", 1L, "sequence_length", 8L));
    }

    @Test
    void theOptimizedModelRunsWhenChosenAndOnlyOnceTheOptimizeTabProducedIt() throws Exception {
        vm().refresh();
        vm.runOptimizedProperty().set(true);
        vm.run();
        assertThat(vm.optionsProblemProperty().get()).contains("Evaluate in the Optimize tab");
        assertThat(devices.sessions).as("nothing was sent to a device").isEmpty();

        Graph optimized = ModelService.standard().load(
            Path.of(System.getProperty("edgewise.samples", "../samples"), "models", "digits_mlp.onnx"));
        vm.optimizedGraphProperty().set(optimized);
        FakeDevices.FakeRun run = startRun();
        List<byte[]> plans = devices.lastSession().plans;
        String compiled = dev.edgewise.bridge.plan.proto.Plan.parseFrom(plans.get(plans.size() - 1)).getModelName();
        assertThat(compiled).isEqualTo(optimized.name()).isNotEqualTo(model.graph().name());
        assertThat(vm.statusProperty().get()).contains("(optimized)");
        run.end(RunStatus.COMPLETED, null, Map.of(), null);
        ui.pump();
        assertThat(vm.lastRunProperty().get().graph()).isSameAs(optimized);
    }

    @Test
    void badOptionsAreExplainedAndNothingStarts() {
        vm().refresh();
        vm.options().affinityProperty().set("0,x");
        vm.run();
        assertThat(vm.optionsProblemProperty().get()).isEqualTo("CPU affinity: 'x' is not a CPU number or range "
            + "(write e.g. 4-7 or 0,2)");
        assertThat(vm.stateProperty().get()).isEqualTo(RunState.IDLE);
        assertThat(devices.sessions).isEmpty();
        vm.options().affinityProperty().set("4-6, 0");
        vm.options().timedProperty().set(true);
        vm.options().durationSecondsProperty().set(30);
        vm.options().sensorRateHzProperty().set(0);
        vm.run();
        ui.pump();
        assertThat(vm.optionsProblemProperty().get()).isEmpty();
        FakeDevices.FakeRun run = devices.lastSession().lastRun();
        assertThat(run.options.cpus()).containsExactly(4, 5, 6, 0);
        assertThat(run.options.iterations()).isZero();
        assertThat(run.options.durationSeconds()).isEqualTo(30);
        assertThat(vm.powerEmptyProperty().get()).isEqualTo("Sensor sampling is off (rate 0 Hz)");
    }
}
