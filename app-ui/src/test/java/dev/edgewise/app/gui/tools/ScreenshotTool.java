package dev.edgewise.app.gui.tools;

import dev.edgewise.app.gui.MainViewModel;
import dev.edgewise.app.gui.ModelService;
import dev.edgewise.app.gui.Theme;
import dev.edgewise.app.gui.device.DeviceViewModel;
import dev.edgewise.app.gui.device.RunError;
import dev.edgewise.bridge.session.Devices;
import dev.edgewise.app.gui.fixtures.FixtureService;
import dev.edgewise.app.gui.fixtures.Models;
import dev.edgewise.app.gui.optimize.OptimizeViewModel;
import dev.edgewise.core.optimize.Precision;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Takes the README screenshots through Scene.snapshot under headless Monocle (see
 * app-ui/scripts/screenshots.sh). Usage: ScreenshotTool OUTPUT_DIR [SAMPLES_DIR]. The sample models
 * go through the real importer and analyser; the large-graph view uses a DenseNet-121-shaped
 * fixture whose costs come from the test fixture (its energy note says so).
 */
public final class ScreenshotTool {
    private ScreenshotTool() {
    }

    public static void main(String[] args) {
        int status = 0;
        try {
            run(args);
        } catch (Throwable t) {
            t.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    private static void run(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/screenshots");
        Path samples = Path.of(args.length > 1 ? args[1] : "samples/models");
        Path tmp = Files.createTempDirectory("edgewise-shots");
        FxHarness.startToolkit();

        // The real pipeline on the bundled samples: importer, shape inference, cost model.
        FxHarness h = FxHarness.open(ModelService.standard(), 1360, 860);
        openAndWait(h, samples.resolve("resnet_tiny.onnx"));
        String conv = h.vm.analysisProperty().get().layers().stream()
            .filter(c -> c.op().equals("Conv")).skip(4).findFirst().orElseThrow().name();
        FxHarness.runFx(() -> h.vm.selectedLayerProperty().set(conv));
        FxHarness.waitFor("weight statistics", () -> h.vm.weightStatsProperty().get().status()
            != MainViewModel.WeightStatsState.Status.LOADING, 20_000);
        FxHarness.runFx(() -> h.view.graphView().zoomToSelection());
        FxHarness.settle();
        h.snapshot(out.resolve("main-light.png"));

        FxHarness.runFx(() -> {
            h.vm.colorChoiceProperty().set(choice(h, "MACs"));
            h.vm.searchTextProperty().set("Add");
            h.theme.set(Theme.DARK);
        });
        FxHarness.settle();
        h.snapshot(out.resolve("main-dark-macs.png"));

        FxHarness.runFx(() -> {
            h.theme.set(Theme.LIGHT);
            h.vm.searchTextProperty().set("");
            h.view.restoreDividers("0.74;0.75");
        });
        openAndWait(h, samples.resolve("mobilenetv2_tiny.onnx"));
        String pointwise = h.vm.analysisProperty().get().layers().stream()
            .filter(c -> c.op().equals("Conv")).max(java.util.Comparator.comparingLong(c -> c.macs()))
            .orElseThrow().name();
        FxHarness.runFx(() -> {
            h.vm.selectedLayerProperty().set(pointwise);
            h.view.tabs().getSelectionModel().select(1);
        });
        FxHarness.settle();
        h.snapshot(out.resolve("charts-mobilenetv2.png"));
        optimizeAndCompare(h, samples, out);

        deviceRun(h, samples.resolve("resnet_tiny.onnx"), out);
        h.close();

        // A DenseNet-121-shaped graph (fixture costs, labelled as such): a dense block of a large graph.
        Models.Built dense = Models.denseNet(new int[] {6, 12, 24, 16}, true);
        FxHarness d = FxHarness.open(new FixtureService(dense.analysis()), 1360, 860);
        openAndWait(d, FixtureService.writeModel(dense, tmp));
        FxHarness.runFx(() -> d.vm.colorChoiceProperty().set(choice(d, "MACs")));
        String inBlock3 = d.vm.analysisProperty().get().layers().stream()
            .filter(c -> c.op().equals("Concat")).skip(25).findFirst().orElseThrow().name();
        FxHarness.runFx(() -> {
            d.vm.selectedLayerProperty().set(inBlock3);
            d.view.graphView().zoomToSelection();
            d.view.graphView().zoomAt(0.6, d.view.graphView().getWidth() / 2, d.view.graphView().getHeight() / 2);
        });
        FxHarness.settle();
        d.snapshot(out.resolve("graph-densenet121-block.png"));
        d.close();
        System.out.println("screenshots written to " + out.toAbsolutePath());
    }

    /** The digits CNN pruned to 50% and quantized to int8, after a sensitivity run and an evaluation. */
    private static void optimizeAndCompare(FxHarness h, Path samples, Path out) throws Exception {
        openAndWait(h, samples.resolve("digits_cnn.onnx"));
        OptimizeViewModel o = h.view.optimizeViewModel();
        Path data = samples.resolveSibling("data");
        FxHarness.runFx(() -> {
            h.view.restoreDividers("0.86;0.80");
            h.view.tabs().getSelectionModel().select(tab(h.view, "optimizeTab"));
            o.calibrationDataProperty().set(data.resolve("digits_calib.csv"));
            o.evaluationDataProperty().set(data.resolve("digits_test.csv"));
            o.runSensitivity();
        });
        FxHarness.waitFor("sensitivity", () -> !o.jobRunningProperty().get(), 120_000);
        FxHarness.runFx(() -> {
            o.sparsityProperty().set(0.5);
            o.precisionProperty().set(Precision.INT8);
            // a mix for the graph diff: the most sensitive layer kept in float, the last one left dense
            o.keepInFloat(java.util.List.of(o.sensitivityProperty().get().ranked().get(0).layer()));
            o.layers().get(o.layers().size() - 1).sparsityProperty().set(0.0);
            o.evaluate();
        });
        FxHarness.waitFor("evaluation", () -> !o.jobRunningProperty().get(), 120_000);
        String error = FxHarness.onFx(() -> o.lastErrorProperty().get());
        if (error != null) {
            throw new IllegalStateException(error);
        }
        FxHarness.settle();
        h.snapshot(out.resolve("optimize-digits.png"));
        FxHarness.runFx(() -> h.view.tabs().getSelectionModel().select(tab(h.view, "compareTab")));
        FxHarness.settle();
        FxHarness.runFx(() -> h.view.comparePanel().diffGraph().fit());
        FxHarness.settle();
        h.snapshot(out.resolve("compare-digits.png"));
        FxHarness.runFx(() -> {
            h.view.tabs().getSelectionModel().select(0);
            h.view.restoreDividers("0.74;0.64");
        });
    }

    /**
     * A real run on the emulated ARM device (qemu-aarch64 -cpu cortex-a76): the Device tab with its
     * live charts and results, then the graph coloured by the per-layer latency of that run.
     */
    private static void deviceRun(FxHarness h, Path model, Path out) throws Exception {
        openAndWait(h, model);
        DeviceViewModel dvm = h.device.viewModel();
        FxHarness.waitFor("device discovery", () -> !dvm.discoveringProperty().get() && !dvm.devices().isEmpty(), 30_000);
        FxHarness.runFx(() -> {
            dvm.selectedDeviceProperty().set(dvm.devices().stream().filter(d -> d.id().equals(Devices.DEFAULT_DEVICE))
                .findFirst().orElseThrow(() -> new IllegalStateException("no " + Devices.DEFAULT_DEVICE + ": "
                    + dvm.problems())));
            dvm.options().warmupProperty().set(3);
            dvm.options().iterationsProperty().set(120);
            dvm.options().perLayerProperty().set(true);
            h.view.restoreDividers("0.86;0.86");
            h.view.tabs().getSelectionModel().select(h.view.tabs().getTabs().stream()
                .filter(t -> "deviceTab".equals(t.getId())).findFirst().orElseThrow());
            dvm.run();
        });
        FxHarness.waitFor("the emulated run", () -> dvm.stateProperty().get() == DeviceViewModel.RunState.IDLE, 180_000);
        if (FxHarness.onFx(() -> dvm.errorProperty().get()) != null) {
            RunError e = FxHarness.onFx(() -> dvm.errorProperty().get());
            throw new IllegalStateException(e.title() + ": " + e.details());
        }
        FxHarness.settle();
        h.snapshot(out.resolve("device-emulated.png"));
        FxHarness.runFx(() -> {
            h.view.restoreDividers("0.74;0.64");
            h.view.tabs().getSelectionModel().select(0);
            h.view.graphView().fit();
        });
        FxHarness.settle();
        h.snapshot(out.resolve("graph-latency-emulated.png"));
    }

    private static MainViewModel.ColorChoice choice(FxHarness h, String label) {
        return h.vm.colorChoices().stream().filter(c -> c.label().equals(label)).findFirst().orElseThrow();
    }

    private static void openAndWait(FxHarness h, Path file) throws Exception {
        FxHarness.runFx(() -> h.vm.open(file));
        FxHarness.waitFor("analysis of " + file, () -> h.vm.analysisProperty().get() != null
            || h.vm.lastErrorProperty().get() != null, 60_000);
        String error = FxHarness.onFx(() -> h.vm.lastErrorProperty().get());
        if (error != null) {
            throw new IllegalStateException(error);
        }
        FxHarness.settle();
    }

    private static javafx.scene.control.Tab tab(dev.edgewise.app.gui.MainView v, String id) {
        return v.tabs().getTabs().stream().filter(t -> id.equals(t.getId())).findFirst().orElseThrow();
    }
}
