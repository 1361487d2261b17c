package dev.edgewise.app.gui.device;

import dev.edgewise.app.gui.MainView;
import dev.edgewise.app.gui.MainViewModel;
import dev.edgewise.app.gui.compare.CompareViewModel;
import dev.edgewise.app.gui.optimize.OptimizationRun;
import dev.edgewise.app.gui.optimize.OptimizeViewModel;
import dev.edgewise.app.gui.prefs.Settings;
import dev.edgewise.app.gui.task.TaskRunner;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;

/**
 * Puts the Device panel into the main window: its tab, its status-bar item, the loaded model as
 * the thing to run, and measured per-layer latency offered to the graph's colouring. Starts a
 * device discovery at once so the list (and the remembered or emulated device) is ready.
 */
public final class DeviceFeature implements AutoCloseable {
    private final ScheduledExecutorService timer;
    private final DeviceViewModel vm;
    private final DevicePanel panel;

    private DeviceFeature(ScheduledExecutorService timer, DeviceViewModel vm, DevicePanel panel) {
        this.timer = timer;
        this.vm = vm;
        this.panel = panel;
    }

    /** Must be called on the FX thread. */
    public static DeviceFeature install(MainView view, MainViewModel main, DeviceService service, TaskRunner runner,
                                        Settings settings) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "edgewise-device-timer");
            t.setDaemon(true);
            return t;
        });
        DeviceViewModel vm = new DeviceViewModel(service, runner, settings, Platform::runLater,
            (task, delayNanos) -> timer.schedule(task, delayNanos, TimeUnit.NANOSECONDS), System::nanoTime);
        vm.graphProperty().bind(main.graphProperty());
        vm.dimBindingsProperty().bind(main.dimBindingsProperty());
        vm.analysisProperty().bind(main.analysisProperty());
        vm.layerMetricProperty().addListener((o, a, m) -> {
            if (m != null) {
                main.offerMetric(m, true);
            }
        });
        vm.lastRunProperty().addListener((o, a, run) -> {
            // the open model fills the Compare tab's baseline column, the evaluated optimized one its other column
            if (run == null) {
                return;
            }
            CompareViewModel.Side side = run.graph() == main.graphProperty().get() ? CompareViewModel.Side.BASELINE
                : run.graph() == vm.optimizedGraphProperty().get() ? CompareViewModel.Side.OPTIMIZED : null;
            if (side != null) {
                CompareViewModel.Measured.of(run.result()).ifPresent(m -> view.compareViewModel().setMeasured(side, m));
            }
        });
        OptimizeViewModel optimize = view.optimizeViewModel();
        Runnable offerOptimized = () -> {
            // only an evaluation that matches the current settings is a model worth timing: it is calibrated
            OptimizationRun.Result r = optimize.evaluationCurrentProperty().get() ? optimize.evaluationProperty().get() : null;
            vm.optimizedAnalysisProperty().set(r == null ? null : r.after());
            vm.optimizedGraphProperty().set(r == null ? null : r.outcome().graph());
            if (r == null) {
                vm.runOptimizedProperty().set(false);
            }
        };
        optimize.evaluationProperty().addListener((o, a, b) -> offerOptimized.run());
        optimize.evaluationCurrentProperty().addListener((o, a, b) -> offerOptimized.run());
        offerOptimized.run();
        DevicePanel panel = new DevicePanel(vm);
        view.addTab("deviceTab", "Device", panel);
        view.addStatusItem(panel.statusItem());
        vm.refresh();
        return new DeviceFeature(timer, vm, panel);
    }

    public DeviceViewModel viewModel() {
        return vm;
    }

    public DevicePanel panel() {
        return panel;
    }

    /** Cancels a run, closes the device session, stops the timer thread. */
    @Override
    public void close() {
        vm.close();
        timer.shutdownNow();
    }
}
