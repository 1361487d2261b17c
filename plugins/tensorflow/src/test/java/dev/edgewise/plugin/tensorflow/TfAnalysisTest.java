package dev.edgewise.plugin.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.testing.OnnxReference;
import dev.edgewise.core.analysis.Analyzer;
import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.onnx.OnnxImporter;
import dev.edgewise.core.spi.ImportOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frozen TensorFlow graphs (NHWC, SAME padding) cost the same as the NCHW ONNX twin. */
class TfAnalysisTest {
    @TempDir
    Path tmp;

    private static ModelAnalysis analyze(Graph g) throws Exception {
        return Analyzer.withDefaults().analyze(g, DimBindings.NONE);
    }

    private static Graph load(String f) throws Exception {
        return new TensorFlowImporter().load(TfCorpusTest.corpus().resolve(f), ImportOptions.DEFAULT);
    }

    @Test
    void sameNetworkAsOnnxGivesTheSameParamsAndMacs() throws Exception {
        ModelAnalysis onnx = analyze(new OnnxImporter().load(OnnxReference.write(tmp), ImportOptions.DEFAULT));
        ModelAnalysis tf = analyze(load("small_net.pb"));
        assertThat(tf.totals().params()).isEqualTo(onnx.totals().params()).isEqualTo(1594);
        assertThat(tf.totals().macs()).isEqualTo(onnx.totals().macs()).isEqualTo(8 * 64 * 27 + 8 * 64 * 9 + 1280);
    }

    @Test
    void everyLoadableCorpusModelAnalyzes() throws Exception {
        for (String f : List.of("small_net.pb", "ops_tour.pb")) {
            Graph g = load(f);
            ModelAnalysis a = analyze(g);
            assertThat(a.layers()).as(f).hasSize(g.nodes().size());
            assertThat(a.layers()).as(f).filteredOn(l -> l.domain().isEmpty())
                .allSatisfy(l -> assertThat(l.resolved()).as(f + ": " + l.name() + " " + l.note()).isTrue());
        }
    }
}
