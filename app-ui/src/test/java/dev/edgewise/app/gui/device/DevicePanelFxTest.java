package dev.edgewise.app.gui.device;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.app.gui.MainView;
import dev.edgewise.app.gui.MainViewModel;
import dev.edgewise.app.gui.ModelService;
import dev.edgewise.app.gui.Theme;
import dev.edgewise.app.gui.charts.ChartsViewModel;
import dev.edgewise.app.gui.device.DeviceViewModel.RunState;
import dev.edgewise.app.gui.prefs.RecentFiles;
import dev.edgewise.app.gui.prefs.Settings;
import dev.edgewise.app.gui.task.UiTaskExecutor;
import dev.edgewise.bridge.session.Devices;
import dev.edgewise.bridge.session.RunStatus;
import dev.edgewise.core.analysis.Provenance;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Device tab in the whole window under headless Monocle, on real devices: the bundled digits
 * CNN compiled by the plan compiler and run by the agent on the emulated ARM core (qemu) and on
 * this computer.
 */
@ExtendWith(ApplicationExtension.class)
class DevicePanelFxTest {
    private static final Path SAMPLE = Path.of(System.getProperty("edgewise.samples", "../samples"), "models",
        "digits_cnn.onnx");

    private MainViewModel vm;
    private MainView view;
    private UiTaskExecutor tasks;
    private DeviceFeature device;
    private DeviceViewModel dvm;

    @Start
    void start(Stage stage) {
        tasks = new UiTaskExecutor(2);
        Settings settings = Settings.inMemory();
        vm = new MainViewModel(ModelService.standard(), tasks, new RecentFiles(settings, 5));
        view = new MainView(vm, new ChartsViewModel(), tasks, new SimpleObjectProperty<>(Theme.LIGHT), () -> { });
        device = DeviceFeature.install(view, vm, DeviceService.standard(), tasks, settings);
        dvm = device.viewModel();
        Scene scene = new Scene(view.root(), 1500, 950);
        scene.getStylesheets().setAll(Theme.LIGHT.stylesheets());
        stage.setScene(scene);
        stage.show();
    }

    @AfterEach
    void stop() {
        device.close();
        tasks.close();
    }

    private void openSampleAndShowDeviceTab(FxRobot robot) throws Exception {
        robot.interact(() -> vm.open(SAMPLE));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> vm.analysisProperty().get() != null);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !dvm.discoveringProperty().get() && !dvm.devices().isEmpty());
        robot.clickOn("Device");
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Waits on the FX thread's view of the state; a timeout says where the run was. */
    private void await(String what, long seconds, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        try {
            WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, condition);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("timed out after " + seconds + " s waiting for " + what + "; state "
                + dvm.stateProperty().get() + ", status '" + dvm.statusProperty().get() + "', latency points "
                + device.panel().latencyChart().pointCount() + ", " + error());
        }
    }

    private String error() {
        RunError e = dvm.errorProperty().get();
        return e == null ? "no error" : e.title() + ": " + e.details();
    }

    @Test
    void aRunOnTheEmulatedDeviceDrawsLivePointsAndPaintsLayerLatencyOnTheGraph(FxRobot robot) throws Exception {
        openSampleAndShowDeviceTab(robot);
        assertThat(dvm.selectedDeviceProperty().get().id()).as("a fresh install selects the emulated device: "
            + dvm.problems()).isEqualTo(Devices.DEFAULT_DEVICE);
        robot.interact(() -> {
            dvm.options().warmupProperty().set(2);
            dvm.options().iterationsProperty().set(300);
            dvm.options().perLayerProperty().set(true);
        });
        AtomicInteger liveUpdates = new AtomicInteger();
        robot.interact(() -> dvm.latencyProperty().addListener((o, a, b) -> {
            if (dvm.stateProperty().get() == RunState.RUNNING && !b.isEmpty()) {
                liveUpdates.incrementAndGet();
            }
        }));
        robot.clickOn("#runButton");
        assertThat(device.panel().statusItem().isVisible()).as("status bar shows the run").isTrue();
        await("the end of the run", 90, () -> dvm.stateProperty().get() == RunState.IDLE);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(dvm.errorProperty().get()).as(error()).isNull();
        RunSummaryAssert summary = new RunSummaryAssert(dvm.summaryProperty().get());
        summary.completed(300, Provenance.EMULATED);
        assertThat(liveUpdates.get()).as("chart updates while the run streamed").isPositive();
        assertThat(device.panel().latencyChart().pointCount()).isEqualTo(300);
        assertThat(device.panel().statsTable().getItems()).extracting(RunSummary.Row::name).contains("mean", "p99");
        assertThat(device.panel().latencyChart().badge().getText()).startsWith("emulated");
        MainViewModel.ColorChoice colouring = vm.colorChoiceProperty().get();
        assertThat(colouring.label()).isEqualTo("Latency (emulated)");
        assertThat(colouring.metric().provenance()).isEqualTo(Provenance.EMULATED);
        assertThat(colouring.metric().value("conv1").orElse(Double.NaN)).as("ms of conv1: " + colouring.metric().values())
            .isPositive();
        assertThat(view.graphView().colorMetricProperty().get()).isSameAs(colouring.metric());
        assertThat(device.panel().statusItem().isVisible()).isFalse();
    }

    @Test
    void theEvaluatedInt8ModelRunsOnThisComputerAndFillsTheCompareTabsOptimizedColumn(FxRobot robot) throws Exception {
        openSampleAndShowDeviceTab(robot);
        var optimize = view.optimizeViewModel();
        Path data = SAMPLE.getParent().getParent().resolve("data");
        robot.interact(() -> {
            optimize.precisionProperty().set(dev.edgewise.core.optimize.Precision.INT8);
            optimize.calibrationDataProperty().set(data.resolve("digits_calib.csv"));
            optimize.evaluationDataProperty().set(data.resolve("digits_test.csv"));
            optimize.evaluate();
        });
        await("the evaluation", 90, () -> dvm.optimizedGraphProperty().get() != null || optimize.lastErrorProperty().get() != null);
        assertThat(optimize.lastErrorProperty().get()).isNull();
        assertThat(robot.lookup("#runOptimized").queryAs(javafx.scene.control.CheckBox.class).isDisabled()).isFalse();
        robot.interact(() -> {
            dvm.selectedDeviceProperty().set(dvm.devices().stream().filter(d -> d.id().equals("local")).findFirst()
                .orElseThrow());
            dvm.options().warmupProperty().set(2);
            dvm.options().iterationsProperty().set(20);
        });
        robot.clickOn("#runOptimized");
        robot.clickOn("#runButton");
        await("the end of the optimized run", 60, () -> dvm.stateProperty().get() == RunState.IDLE
            && dvm.lastRunProperty().get() != null);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(dvm.errorProperty().get()).as(error()).isNull();
        assertThat(dvm.lastRunProperty().get().graph()).isSameAs(dvm.optimizedGraphProperty().get());
        var rows = view.compareViewModel().rows();
        var latency = rows.stream().filter(r -> r.metric().startsWith("Latency")).findFirst().orElseThrow();
        assertThat(latency.optimized()).as("optimized column filled by the device run").endsWith(" ms");
        assertThat(latency.baseline()).isEqualTo(dev.edgewise.app.gui.compare.CompareViewModel.NOT_MEASURED);
    }

    @Test
    void cancellingALongRunOnThisComputerReturnsToIdleWithinSeconds(FxRobot robot) throws Exception {
        openSampleAndShowDeviceTab(robot);
        robot.interact(() -> {
            dvm.selectedDeviceProperty().set(dvm.devices().stream().filter(d -> d.id().equals("local")).findFirst()
                .orElseThrow());
            dvm.options().timedProperty().set(true);
            dvm.options().durationSecondsProperty().set(600);
            dvm.options().perLayerProperty().set(false);
        });
        robot.clickOn("#runButton");
        await("live points", 60, () -> device.panel().latencyChart().pointCount() > 20
            || dvm.stateProperty().get() == RunState.IDLE);
        assertThat(dvm.stateProperty().get()).as(error()).isEqualTo(RunState.RUNNING);
        long[] cancelling = new long[1];
        long[] idle = new long[1];
        robot.interact(() -> dvm.stateProperty().addListener((o, a, b) -> {
            if (b == RunState.CANCELLING) {
                cancelling[0] = System.nanoTime();
            } else if (b == RunState.IDLE) {
                idle[0] = System.nanoTime();
            }
        }));
        long click = System.nanoTime();
        robot.clickOn("#cancelRun");
        await("idle after cancel", 10, () -> dvm.stateProperty().get() == RunState.IDLE);
        double seconds = (idle[0] - cancelling[0]) / 1e9;
        System.out.printf(java.util.Locale.ROOT, "DEVICE PANEL cancel of a timed run on local: idle %.3f s after Cancel "
            + "(%.3f s including the robot's pointer move and click)%n", seconds, (idle[0] - click) / 1e9);
        assertThat(cancelling[0]).as("Cancel went through CANCELLING").isPositive();
        assertThat(seconds).as("seconds from Cancel to idle").isLessThan(DeviceViewModel.CANCEL_GRACE_SECONDS);
        assertThat(dvm.errorProperty().get()).as(error()).isNull();
        assertThat(dvm.summaryProperty().get().status()).as("the agent confirmed the cancel").isEqualTo(RunStatus.CANCELLED);
        assertThat(dvm.summaryProperty().get().headline()).startsWith("Cancelled on local after");
        assertThat(robot.lookup("#runButton").queryButton().isDisabled()).isFalse();
    }

    /** Small readable checks on a summary. */
    private record RunSummaryAssert(RunSummary s) {
        void completed(int iterations, Provenance provenance) {
            assertThat(s).isNotNull();
            assertThat(s.headline()).startsWith("Completed " + iterations + " iterations on ");
            assertThat(s.provenance()).isEqualTo(provenance);
        }
    }
}
