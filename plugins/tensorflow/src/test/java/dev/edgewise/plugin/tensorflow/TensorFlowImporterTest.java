package dev.edgewise.plugin.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.spi.ImportOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TensorFlowImporterTest {
    @TempDir
    Path tmp;

    private Graph load(String name) throws Exception {
        return new TensorFlowImporter().load(TfCorpusTest.corpus().resolve(name), ImportOptions.DEFAULT);
    }

    @Test
    void smallNetFoldsBiasesTransposesWeightsAndWrapsNhwcOps() throws Exception {
        Graph g = load("small_net.pb");
        assertThat(g.inputs().get(0).shape()).isEqualTo(Shape.of(1, 8, 8, 3));
        Node conv = g.node("conv1/Conv2D").orElseThrow();
        assertThat(conv.opType()).isEqualTo("Conv");
        assertThat(conv.inputs()).hasSize(3);
        assertThat(conv.input(2)).isEqualTo("conv1/biases");
        assertThat(conv.attrString("auto_pad", "")).isEqualTo("SAME_UPPER");
        assertThat(g.producer(conv.input(0)).orElseThrow().opType()).isEqualTo("Transpose");
        assertThat(g.node("conv1/BiasAdd")).isEmpty();
        assertThat(g.consumers(conv.output(0))).extracting(Node::name).containsExactly("conv1/Relu");
        TensorData w = g.initializer(conv.input(1));
        assertThat(w.shape()).isEqualTo(Shape.of(8, 3, 3, 3));
        // HWIO [h=2, w=0, i=1, o=5] is at ((2*3+0)*3+1)*8+5 = 157 in the file; OIHW [5,1,2,0] at 5*27+1*9+2*3 = 150.
        assertThat(w.toFloats()[150]).isEqualTo(0.01f + 157 * 0.001f);
        Node dw = g.node("dw/depthwise").orElseThrow();
        // conv1 -> Relu -> dw stays in NCHW: the Transposes around the Relu are gone, the Relu kept.
        assertThat(g.producer(dw.input(0)).orElseThrow().name()).isEqualTo("conv1/Relu");
        assertThat(g.nodes().stream().filter(n -> n.opType().equals("Transpose"))).hasSize(2);
        assertThat(dw.attrInt("group", 0)).isEqualTo(8);
        assertThat(g.initializer(dw.input(1)).shape()).isEqualTo(Shape.of(8, 1, 3, 3));
        Node fc = g.node("fc/MatMul").orElseThrow();
        assertThat(fc.opType()).isEqualTo("Gemm");
        assertThat(fc.inputs()).containsExactly("flatten", "fc/weights", "fc/biases");
        assertThat(g.initializers()).doesNotContainKey("conv1/weights/read");
        assertThat(g.initializer(g.node("flatten").orElseThrow().input(1)).toLongs()).containsExactly(-1, 128);
        long floatParams = g.initializers().values().stream().filter(t -> t.dataType().isFloatingPoint())
            .mapToLong(TensorData::numElements).sum();
        assertThat(floatParams).isEqualTo(8 * 27 + 8 + 8 * 9 + 8 + 1280 + 10);
    }

    @Test
    void batchOptionFixesTheUnknownBatch() throws Exception {
        Graph g = new TensorFlowImporter().load(TfCorpusTest.corpus().resolve("small_net.pb"),
            new ImportOptions(Map.of("batch", "4")));
        assertThat(g.inputs().get(0).shape()).isEqualTo(Shape.of(4, 8, 8, 3));
        assertThatThrownBy(() -> new TensorFlowImporter().load(TfCorpusTest.corpus().resolve("small_net.pb"),
            new ImportOptions(Map.of("batch", "-2")))).isInstanceOf(EdgewiseException.class).hasMessageContaining("batch='-2'");
    }

    @Test
    void opsTourCoversTheRemainingOps() throws Exception {
        Graph g = load("ops_tour.pb");
        Node bn = g.node("bn").orElseThrow();
        assertThat(bn.opType()).isEqualTo("BatchNormalization");
        assertThat(bn.inputs()).hasSize(5);
        assertThat(g.node("relu6").orElseThrow().attrFloat("max", 0)).isEqualTo(6.0);
        assertThat(g.node("avg").orElseThrow().attrInt("count_include_pad", 1)).isZero();
        assertThat(g.node("sum").orElseThrow().opType()).isEqualTo("Add");
        assertThat(g.node("cat").orElseThrow().attrInt("axis", 0)).isEqualTo(3);
        assertThat(g.initializer(g.node("padded").orElseThrow().input(1)).toLongs()).containsExactly(0, 1, 1, 0, 0, 1, 1, 0);
        Node nchw = g.node("nchw_conv").orElseThrow();
        assertThat(g.producer(nchw.input(0)).orElseThrow().name()).isEqualTo("nchw_shift");
        // An unfolded NCHW BiasAdd broadcasts its [C] bias as C x 1 x 1.
        assertThat(g.initializer(g.node("nchw_shift").orElseThrow().input(1)).shape()).isEqualTo(Shape.of(8, 1, 1));
        assertThat(g.initializer(nchw.input(1)).shape()).isEqualTo(Shape.of(2, 8, 1, 1));
        assertThat(nchw.inputs()).hasSize(3);
        assertThat(g.initializer(nchw.input(2)).shape()).isEqualTo(Shape.of(2));
        assertThat(g.node("gap").orElseThrow().attrInts("axes")).containsExactly(2, 3);
        assertThat(g.initializer(g.node("squeezed").orElseThrow().input(1)).toLongs()).containsExactly(2, 3);
        assertThat(g.node("out").orElseThrow().opType()).isEqualTo("Identity");
        assertThat(g.node("erf").orElseThrow().domain()).isEqualTo("tf");
        assertThat(g.node("to_nchw").orElseThrow().attrInts("perm")).containsExactly(0, 3, 1, 2);
        assertThat(g.warnings()).anyMatch(w -> w.contains("'erf' (Erf)"));
    }

    @Test
    void sniffClaimsOnlyGraphDefs() throws Exception {
        TensorFlowImporter imp = new TensorFlowImporter();
        Path samples = Path.of(System.getProperty("edgewise.samples"));
        List<Path> foreign = new ArrayList<>();
        for (Path dir : List.of(samples.resolve("models"), samples.resolve("corpus"),
            Path.of("..", "caffe", "src", "test", "resources"), Path.of("..", "tflite", "src", "test", "resources"),
            Path.of("..", "mxnet", "src", "test", "resources"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.walk(dir)) {
                    s.filter(Files::isRegularFile).forEach(foreign::add);
                }
            }
        }
        foreign.add(tmp.resolve("missing.pb"));
        assertThat(foreign).hasSizeGreaterThan(5);
        for (Path p : foreign) {
            assertThat(imp.sniff(p)).as("must not claim " + p).isFalse();
        }
        assertThat(imp.sniff(TfCorpusTest.corpus().resolve("small_net.pb"))).isTrue();
        assertThat(imp.sniff(TfCorpusTest.corpus().resolve("ops_tour.pb"))).isTrue();
    }
}
