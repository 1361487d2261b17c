package dev.edgewise.plugin.tflite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.testing.OnnxReference;
import dev.edgewise.core.analysis.Analyzer;
import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.analysis.LayerCost;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.onnx.OnnxImporter;
import dev.edgewise.core.spi.ImportOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TFLite graphs (NHWC, wrapped in Transposes) cost the same as the NCHW ONNX twin. */
class TfliteAnalysisTest {
    @TempDir
    Path tmp;

    private static ModelAnalysis analyze(Graph g) throws Exception {
        return Analyzer.withDefaults().analyze(g, DimBindings.NONE);
    }

    private static Graph load(String f) throws Exception {
        return new TfliteImporter().load(TfliteCorpusTest.corpus().resolve(f), ImportOptions.DEFAULT);
    }

    @Test
    void sameNetworkAsOnnxGivesTheSameParamsAndMacs() throws Exception {
        ModelAnalysis onnx = analyze(new OnnxImporter().load(OnnxReference.write(tmp), ImportOptions.DEFAULT));
        ModelAnalysis tflite = analyze(load("small_net.tflite"));
        assertThat(tflite.totals().params()).isEqualTo(onnx.totals().params()).isEqualTo(1594);
        assertThat(tflite.totals().macs()).isEqualTo(onnx.totals().macs()).isEqualTo(8 * 64 * 27 + 8 * 64 * 9 + 1280);
        assertThat(tflite.byCategory().get("conv").macs()).isEqualTo(onnx.byCategory().get("conv").macs());
    }

    @Test
    void int8ModelCountsOneByteWeightsAndStaysResolved() throws Exception {
        ModelAnalysis a = analyze(load("int8_net.tflite"));
        LayerCost conv = a.layers().stream().filter(l -> l.name().equals("conv")).findFirst().orElseThrow();
        // 3x3x3x2 int8 weights (1 byte each) + 3 int32 biases (4 bytes each).
        assertThat(conv.params()).isEqualTo(54 + 3);
        assertThat(conv.weightBytes()).isEqualTo(54 + 12);
        assertThat(conv.macs()).isEqualTo(3 * 2 * 2 * 18);
    }

    @Test
    void everyLoadableCorpusModelAnalyzes() throws Exception {
        for (String f : List.of("small_net.tflite", "ops_tour.tflite", "int8_net.tflite")) {
            Graph g = load(f);
            ModelAnalysis a = analyze(g);
            assertThat(a.layers()).as(f).hasSize(g.nodes().size());
            assertThat(a.layers()).as(f).filteredOn(l -> l.domain().isEmpty())
                .allSatisfy(l -> assertThat(l.resolved()).as(f + ": " + l.name() + " " + l.note()).isTrue());
        }
    }
}
