package dev.edgewise.plugin.caffe;

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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Caffe graphs go through the same shape inference and cost model as ONNX ones, with the same totals. */
class CaffeAnalysisTest {
    @TempDir
    Path tmp;

    private static ModelAnalysis analyze(Graph g) throws Exception {
        return Analyzer.withDefaults().analyze(g, DimBindings.NONE);
    }

    @Test
    void alexNetGivesThePublishedTotalsWithoutWeights() throws Exception {
        Graph g = new CaffeImporter().load(CaffeCorpusTest.corpus().resolve("alexnet_deploy.prototxt"),
            new ImportOptions(Map.of("batch", "1")));
        ModelAnalysis a = analyze(g);
        // Krizhevsky et al. 2012 with grouped conv2/4/5: 60,965,224 parameters; 724,406,816 MACs per 227x227 image.
        assertThat(a.totals().params()).isEqualTo(60_965_224L);
        assertThat(a.totals().macs()).isEqualTo(724_406_816L);
        assertThat(a.layers()).allSatisfy(l -> assertThat(l.resolved()).as(l.name() + " " + l.note()).isTrue());
        assertThat(g.initializers().values()).noneMatch(t -> t.isLoaded());
        ModelAnalysis deployBatch = analyze(new CaffeImporter().load(
            CaffeCorpusTest.corpus().resolve("alexnet_deploy.prototxt"), ImportOptions.DEFAULT));
        assertThat(deployBatch.totals().macs()).isEqualTo(10 * 724_406_816L);
    }

    @Test
    void sameNetworkAsOnnxGivesTheSameParamsAndMacs() throws Exception {
        ModelAnalysis onnx = analyze(new OnnxImporter().load(OnnxReference.write(tmp), ImportOptions.DEFAULT));
        ModelAnalysis caffe = analyze(new CaffeImporter().load(CaffeCorpusTest.corpus().resolve("small_net.prototxt"),
            ImportOptions.DEFAULT));
        assertThat(onnx.totals().params()).isEqualTo(8 * 27 + 8 + 8 * 9 + 8 + 1280 + 10);
        assertThat(caffe.totals().params()).isEqualTo(onnx.totals().params());
        assertThat(caffe.totals().macs()).isEqualTo(onnx.totals().macs()).isEqualTo(8 * 64 * 27 + 8 * 64 * 9 + 1280);
    }

    @Test
    void deconvolutionCountsAsConvTranspose() throws Exception {
        Graph g = new CaffeImporter().load(CaffeCorpusTest.corpus().resolve("upsampling.prototxt"), ImportOptions.DEFAULT);
        assertThat(g.initializer("up_weight").shape()).isEqualTo(dev.edgewise.core.ir.Shape.of(4, 3, 4, 4));
        assertThat(g.tensor("up").orElseThrow().shape()).isEqualTo(dev.edgewise.core.ir.Shape.of(1, 6, 10, 10));
        ModelAnalysis a = analyze(g);
        var up = a.layers().stream().filter(l -> l.name().equals("up")).findFirst().orElseThrow();
        // Each of the 4x5x5 inputs is scattered into (6/2)x4x4 outputs.
        assertThat(up.macs()).isEqualTo(4 * 25 * 3 * 16);
        assertThat(up.outputShapes().get(0)).isEqualTo(dev.edgewise.core.ir.Shape.of(1, 6, 10, 10));
        assertThat(a.totals().params()).isEqualTo(4 * 3 * 16 + 6 + 6);
    }

    @Test
    void everyLoadableCorpusModelAnalyzesWithResolvedLayers() throws Exception {
        for (String f : List.of("alexnet_deploy.prototxt", "lenet_v1.prototxt", "mixed_ops.prototxt", "small_net.prototxt",
            "upsampling.prototxt")) {
            Graph g = new CaffeImporter().load(CaffeCorpusTest.corpus().resolve(f), ImportOptions.DEFAULT);
            ModelAnalysis a = analyze(g);
            assertThat(a.layers()).as(f).hasSize(g.nodes().size());
            assertThat(a.layers()).as(f).allSatisfy(l -> assertThat(l.resolved()).as(f + ": " + l.name() + " " + l.note())
                .isTrue());
            assertThat(a.totals().params()).as(f).isEqualTo(CaffeImporterTest.params(g));
        }
    }
}
