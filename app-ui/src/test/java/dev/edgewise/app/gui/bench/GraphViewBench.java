package dev.edgewise.app.gui.bench;

import dev.edgewise.app.gui.fixtures.FixtureService;
import dev.edgewise.app.gui.fixtures.Models;
import dev.edgewise.app.gui.tools.FxHarness;
import dev.edgewise.core.analysis.Analyzer;
import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.spi.ModelImporters;
import dev.edgewise.viewer.graph.ElkGraphLayouter;
import dev.edgewise.viewer.graph.GraphLayout;
import dev.edgewise.viewer.graph.GraphModel;
import dev.edgewise.viewer.graph.GraphView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javafx.animation.AnimationTimer;
import javafx.scene.Scene;
import javafx.stage.Stage;

/**
 * Benchmark, not a test (app-ui/scripts/bench-graph.sh):
 * (1) open (ONNX import) and lay out DenseNet-shaped graphs, 3 warm-up + 5 timed runs, median;
 * (2) frame times while panning a ~5,000-node graph drawn by GraphView under headless Monocle
 *     with the software pipeline (prism.order=sw), one pan step per pulse.
 */
public final class GraphViewBench {
    private GraphViewBench() {
    }

    public static void main(String[] args) throws Exception {
        int status = 0;
        try {
            System.out.printf(Locale.ROOT, "host: %d cores, java %s, %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), System.getProperty("os.arch"));
            openAndLayout("DenseNet-121 (6,12,24,16)", new int[] {6, 12, 24, 16});
            openAndLayout("DenseNet-169-depth (6,12,32,32)", new int[] {6, 12, 32, 32});
            panFrames(500);
        } catch (Throwable t) {
            t.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    private static void openAndLayout(String label, int[] blocks) throws Exception {
        Models.Built m = Models.denseNet(blocks, true);
        Path dir = Files.createTempDirectory("edgewise-bench");
        Path file = FixtureService.writeModel(m, dir);
        ModelImporters importers = ModelImporters.fromClasspath();
        ElkGraphLayouter layouter = new ElkGraphLayouter();
        long[] open = new long[5];
        long[] layout = new long[5];
        long[] analysis = new long[5];
        Analyzer analyzer = Analyzer.withDefaults();
        int nodes = 0;
        int edges = 0;
        for (int run = -3; run < 5; run++) {
            long t0 = System.nanoTime();
            Graph g = importers.load(file, ImportOptions.DEFAULT);
            long t1 = System.nanoTime();
            GraphLayout l = layouter.layout(GraphModel.fromGraph(g));
            long t2 = System.nanoTime();
            analyzer.analyze(g, DimBindings.NONE);
            long t3 = System.nanoTime();
            nodes = g.nodes().size();
            edges = l.model().edges().size();
            if (run >= 0) {
                open[run] = t1 - t0;
                layout[run] = t2 - t1;
                analysis[run] = t3 - t2;
            }
        }
        long[] total = new long[5];
        for (int i = 0; i < 5; i++) {
            total[i] = open[i] + layout[i];
        }
        System.out.printf(Locale.ROOT, "%s: %d nodes, %d edges, %.1f MB file: import %.0f ms + layout %.0f ms = "
                + "%.0f ms (median of 5 after 3 warm-up; min total %.0f ms)%n", label, nodes, edges,
            Files.size(file) / 1e6, median(open), median(layout), median(total), Arrays.stream(total).min().getAsLong() / 1e6);
        System.out.printf(Locale.ROOT, "  then, in the background: shape inference + cost model %.0f ms (median)%n",
            median(analysis));
        Files.delete(file);
        Files.delete(dir);
    }

    private static void panFrames(int blocks) throws Exception {
        Models.Built m = Models.resnetChain(blocks);
        long t0 = System.nanoTime();
        GraphLayout layout = new ElkGraphLayouter().layout(GraphModel.fromGraph(m.graph()));
        System.out.printf(Locale.ROOT, "pan graph: %d nodes, %d edges; ELK layout %.0f ms (first run, cold)%n",
            layout.model().size(), layout.model().edges().size(), (System.nanoTime() - t0) / 1e6);
        FxHarness.startToolkit();
        GraphView view = FxHarness.onFx(() -> {
            GraphView v = new GraphView();
            v.graphLayoutProperty().set(layout);
            Stage stage = new Stage();
            stage.setScene(new Scene(v, 1280, 800));
            stage.show();
            return v;
        });
        FxHarness.settle();
        FxHarness.runFx(view::fit);
        FxHarness.settle();
        measure("fitted", view, 2, 0, 240);
        FxHarness.runFx(() -> {
            view.fit();
            view.zoomAt(1.0 / view.scale(), view.getWidth() / 2, view.getHeight() / 2);
        });
        FxHarness.settle();
        measure("zoom 1.0 (labels drawn)", view, 0, 6, 240);
        FxHarness.runFx(() -> {
            view.fit();
            view.zoomAt(0.05 / view.scale(), view.getWidth() / 2, view.getHeight() / 2);
        });
        FxHarness.settle();
        measure("zoom 0.05 (boxes only)", view, 0, 6, 240);
    }

    private static void measure(String label, GraphView view, double dx, double dy, int frames) throws Exception {
        List<Long> intervals = new ArrayList<>();
        List<Long> record = new ArrayList<>();
        List<Integer> drawn = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        FxHarness.runFx(() -> new AnimationTimer() {
            private long last;
            private int n;

            @Override
            public void handle(long now) {
                if (last > 0) {
                    intervals.add(now - last);
                    record.add(view.lastRedrawNanos());
                    drawn.add(view.lastDrawnNodes());
                }
                last = now;
                double dir = (n / 60) % 2 == 0 ? 1 : -1;
                view.panBy(dir * dx, dir * dy);
                if (++n > frames) {
                    stop();
                    done.countDown();
                }
            }
        }.start());
        if (!done.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException("panning did not finish");
        }
        long[] iv = intervals.stream().mapToLong(Long::longValue).toArray();
        long[] rec = record.stream().mapToLong(Long::longValue).toArray();
        System.out.printf(Locale.ROOT, "pan %s: frame interval median %.1f ms, p95 %.1f ms, max %.1f ms "
                + "(%.0f fps); drawing-command time on the FX thread median %.2f ms, p95 %.2f ms; %d frames, "
                + "scale %.4f, %d-%d boxes drawn per frame%n",
            label, median(iv), pct(iv, 0.95), Arrays.stream(iv).max().getAsLong() / 1e6, 1000 / median(iv),
            median(rec), pct(rec, 0.95), iv.length, view.scale(),
            drawn.stream().mapToInt(Integer::intValue).min().orElse(0),
            drawn.stream().mapToInt(Integer::intValue).max().orElse(0));
    }

    private static double median(long[] v) {
        return pct(v, 0.5);
    }

    private static double pct(long[] v, double p) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.floor(p * (s.length - 1) + 0.5))] / 1e6;
    }
}
