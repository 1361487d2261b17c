package dev.edgewise.plugin.mxnet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.testing.OnnxReference;
import dev.edgewise.core.analysis.Analyzer;
import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.onnx.OnnxImporter;
import dev.edgewise.core.spi.ImportOptions;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MXNet graphs go through the same analysis as ONNX and give the same totals for the same network. */
class MxAnalysisTest {
    @TempDir
    Path tmp;

    private static ModelAnalysis analyze(Graph g) throws Exception {
        return Analyzer.withDefaults().analyze(g, DimBindings.NONE);
    }

    @Test
    void sameNetworkAsOnnxGivesTheSameParamsAndMacs() throws Exception {
        ModelAnalysis onnx = analyze(new OnnxImporter().load(OnnxReference.write(tmp), ImportOptions.DEFAULT));
        ModelAnalysis mx = analyze(new MxNetImporter().load(MxNetImporterTest.corpus().resolve("small_net-symbol.json"),
            ImportOptions.DEFAULT));
        assertThat(mx.totals().params()).isEqualTo(onnx.totals().params()).isEqualTo(1594);
        assertThat(mx.totals().macs()).isEqualTo(onnx.totals().macs()).isEqualTo(8 * 64 * 27 + 8 * 64 * 9 + 1280);
    }

    @Test
    void lenetWithoutParamsAndBnOpsAnalyzeResolved() throws Exception {
        for (var e : Map.of("lenet-symbol.json", "1x1x28x28", "bn_ops-symbol.json", "data=2x3x9x9").entrySet()) {
            Graph g = new MxNetImporter().load(MxNetImporterTest.corpus().resolve(e.getKey()),
                new ImportOptions(Map.of("input_shape", e.getValue())));
            ModelAnalysis a = analyze(g);
            assertThat(a.layers()).as(e.getKey()).allSatisfy(l -> assertThat(l.resolved())
                .as(e.getKey() + ": " + l.name() + " " + l.note()).isTrue());
            assertThat(a.totals().params()).isEqualTo(MxNetImporterTest.params(g));
        }
        Graph lenet = new MxNetImporter().load(MxNetImporterTest.corpus().resolve("lenet-symbol.json"),
            new ImportOptions(Map.of("input_shape", "1x1x28x28")));
        // conv1 24x24x20x25, conv2 8x8x50x500, fc1 800x500, fc2 500x10.
        assertThat(analyze(lenet).totals().macs()).isEqualTo(24 * 24 * 20 * 25 + 8 * 8 * 50 * 500 + 800 * 500 + 5000);
    }
}
