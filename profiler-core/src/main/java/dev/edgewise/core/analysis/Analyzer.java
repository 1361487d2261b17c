package dev.edgewise.core.analysis;

import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.spi.ModelImporters;
import java.nio.file.Path;

/** The one path from a file to its analysis, shared by the CLI, the GUI and reports. */
public final class Analyzer {
    private final ModelImporters importers;
    private final CostModel costModel;

    public Analyzer(ModelImporters importers, CostModel costModel) {
        this.importers = importers;
        this.costModel = costModel;
    }

    public static Analyzer withDefaults() {
        return new Analyzer(ModelImporters.fromClasspath(), CostModel.withDefaults());
    }

    public ModelAnalysis analyze(Path file, ImportOptions options, DimBindings bindings) throws EdgewiseException {
        Graph g = importers.load(file, options);
        return analyze(g, bindings);
    }

    public ModelAnalysis analyze(Graph graph, DimBindings bindings) throws EdgewiseException {
        return costModel.analyze(ShapeInference.infer(graph, bindings));
    }

    public ModelImporters importers() {
        return importers;
    }
}
