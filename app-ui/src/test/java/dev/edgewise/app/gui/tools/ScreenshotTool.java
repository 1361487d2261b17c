package dev.edgewise.app.gui.tools;

import dev.edgewise.app.gui.MainViewModel;
import dev.edgewise.app.gui.ModelService;
import dev.edgewise.app.gui.Theme;
import dev.edgewise.app.gui.fixtures.FixtureService;
import dev.edgewise.app.gui.fixtures.Models;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Takes the README screenshots through Scene.snapshot under headless Monocle (see
 * app-ui/scripts/screenshots.sh). Usage: ScreenshotTool OUTPUT_DIR [MODEL.onnx]. With a model the
 * real importer and analyser are used; without one, fixture models with fixture costs (labelled).
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
        Path tmp = Files.createTempDirectory("edgewise-shots");
        FxHarness.startToolkit();
        Models.Built small = Models.resnetTiny();
        Models.Built dense = Models.denseNet(new int[] {6, 12, 24, 16}, true);
        ModelService smallService = args.length > 1 ? ModelService.standard() : new FixtureService(small.analysis());
        Path smallFile = args.length > 1 ? Path.of(args[1]) : FixtureService.writeModel(small, tmp);

        FxHarness h = FxHarness.open(smallService, 1360, 860);
        openAndWait(h, smallFile);
        String conv = h.vm.analysisProperty().get().layers().stream()
            .filter(c -> c.op().equals("Conv")).skip(3).findFirst().orElseThrow().name();
        FxHarness.runFx(() -> h.vm.selectedLayerProperty().set(conv));
        FxHarness.waitFor("weight statistics", () -> h.vm.weightStatsProperty().get().status()
            != MainViewModel.WeightStatsState.Status.LOADING, 20_000);
        FxHarness.runFx(() -> h.view.graphView().zoomToSelection());
        FxHarness.settle();
        h.snapshot(out.resolve("main-light.png"));

        FxHarness.runFx(() -> h.vm.colorChoiceProperty().set(h.vm.colorChoices().stream()
            .filter(c -> c.label().equals("MACs")).findFirst().orElseThrow()));
        FxHarness.runFx(() -> h.vm.searchTextProperty().set("add"));
        FxHarness.settle();
        FxHarness.runFx(() -> h.theme.set(Theme.DARK));
        FxHarness.settle();
        h.snapshot(out.resolve("main-dark-macs.png"));
        h.close();

        FxHarness d = FxHarness.open(new FixtureService(dense.analysis()), 1360, 860);
        openAndWait(d, FixtureService.writeModel(dense, tmp));
        FxHarness.runFx(() -> {
            d.vm.colorChoiceProperty().set(d.vm.colorChoices().stream()
                .filter(c -> c.label().equals("Energy estimate")).findFirst().orElseThrow());
            d.view.graphView().fit();
        });
        FxHarness.settle();
        d.snapshot(out.resolve("graph-densenet121-fit.png"));
        String big = d.vm.analysisProperty().get().layers().stream()
            .filter(c -> c.op().equals("Conv")).skip(40).findFirst().orElseThrow().name();
        FxHarness.runFx(() -> {
            d.vm.selectedLayerProperty().set(big);
            d.view.tabs().getSelectionModel().select(1);
        });
        FxHarness.settle();
        d.snapshot(out.resolve("charts-densenet121.png"));
        d.close();
        System.out.println("screenshots written to " + out.toAbsolutePath());
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
}
