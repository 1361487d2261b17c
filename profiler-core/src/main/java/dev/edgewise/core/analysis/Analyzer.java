package dev.edgewise.core.analysis;

import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.spi.ModelImporters;
import dev.edgewise.core.spi.PluginLoader;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** The one path from a file to its analysis, shared by the CLI, the GUI and reports. */
public final class Analyzer {
    private final ModelImporters importers;
    private final Supplier<CostModel> costModel;

    public Analyzer(ModelImporters importers, CostModel costModel) {
        this.importers = importers;
        this.costModel = () -> costModel;
    }

    private Analyzer(ModelImporters importers, Supplier<CostModel> costModel) {
        this.importers = importers;
        this.costModel = costModel;
    }

    /**
     * The importers of the class path and of the user's plugin folder, and the default cost model. The cost model's resources are read on another thread
     * while the model file is imported: on a short command-line run that overlap is a fifth of the time.
     */
    public static Analyzer withDefaults() {
        CompletableFuture<CostModel> loading = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                loading.complete(CostModel.withDefaults());
            } catch (RuntimeException | Error e) {
                loading.completeExceptionally(e);
            }
        }, "edgewise-cost-model-load");
        t.setDaemon(true);
        t.start();
        return new Analyzer(PluginLoader.load().importers(), loading::join);
    }

    public ModelAnalysis analyze(Path file, ImportOptions options, DimBindings bindings) throws EdgewiseException {
        Graph g = importers.load(file, options);
        return analyze(g, bindings);
    }

    public ModelAnalysis analyze(Graph graph, DimBindings bindings) throws EdgewiseException {
        return costModel.get().analyze(ShapeInference.infer(graph, bindings));
    }

    public ModelImporters importers() {
        return importers;
    }

    public CostModel costModel() {
        return costModel.get();
    }
}
