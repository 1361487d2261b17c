package dev.edgewise.app.gui;

import dev.edgewise.core.analysis.Analyzer;
import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.spi.ModelImporter;
import java.nio.file.Path;
import java.util.List;

/**
 * What the GUI needs from the core, in the two steps it shows separately: import (the graph can be
 * drawn) and analysis (the numbers). Both block and run on background threads.
 */
public interface ModelService {
    Graph load(Path file) throws EdgewiseException;

    ModelAnalysis analyze(Graph graph) throws EdgewiseException;

    /**
     * Analyses with symbolic dimensions bound (what {@code --dim batch_size=1} does on the command
     * line). Services that cannot bind refuse bindings rather than ignore them.
     */
    default ModelAnalysis analyze(Graph graph, DimBindings dims) throws EdgewiseException {
        if (dims.symbols().isEmpty() && dims.inputs().isEmpty()) {
            return analyze(graph);
        }
        throw new EdgewiseException(EdgewiseException.ErrorCode.UNSUPPORTED,
            "this model service cannot bind dimensions (" + dims.symbols().keySet() + ")");
    }

    List<ModelImporter> importers();

    /** The same {@link Analyzer} the command line uses, with the importers found on the class path. */
    static ModelService standard() {
        Analyzer analyzer = Analyzer.withDefaults();
        return new ModelService() {
            @Override
            public Graph load(Path file) throws EdgewiseException {
                return analyzer.importers().load(file, ImportOptions.DEFAULT);
            }

            @Override
            public ModelAnalysis analyze(Graph graph) throws EdgewiseException {
                return analyzer.analyze(graph, DimBindings.NONE);
            }

            @Override
            public ModelAnalysis analyze(Graph graph, DimBindings dims) throws EdgewiseException {
                return analyzer.analyze(graph, dims);
            }

            @Override
            public List<ModelImporter> importers() {
                return analyzer.importers().all();
            }
        };
    }
}
