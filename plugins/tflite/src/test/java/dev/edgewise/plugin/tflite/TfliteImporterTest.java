package dev.edgewise.plugin.tflite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.spi.ImportOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfliteImporterTest {
    @TempDir
    Path tmp;

    private Graph load(String name) throws Exception {
        return new TfliteImporter().load(TfliteCorpusTest.corpus().resolve(name), ImportOptions.DEFAULT);
    }

    @Test
    void smallNetGetsNchwConvsBetweenTransposesWithOihwWeights() throws Exception {
        Graph g = load("small_net.tflite");
        Node conv = g.node("conv1").orElseThrow();
        assertThat(conv.opType()).isEqualTo("Conv");
        assertThat(conv.attrInts("pads")).containsExactly(1, 1, 1, 1);
        assertThat(g.producer(conv.input(0)).orElseThrow().opType()).isEqualTo("Transpose");
        TensorData w = g.initializer(conv.input(1));
        assertThat(w.shape()).isEqualTo(Shape.of(8, 3, 3, 3));
        assertThat(w.isLoaded()).isFalse();
        // OHWI element [o=1, h=2, w=0, i=1] sits at 1*27 + 2*9 + 0*3 + 1 = 46 in the file; in OIHW at 1*27 + 1*9 + 2*3 + 0 = 42.
        assertThat(w.toFloats()[42]).isEqualTo(0.01f + 46 * 0.001f);
        Node dw = g.node("dw").orElseThrow();
        // conv1 feeds dw directly in NCHW: the Transpose pair between them is dropped.
        assertThat(g.producer(dw.input(0)).orElseThrow().opType()).isEqualTo("Relu");
        assertThat(g.nodes().stream().filter(n -> n.opType().equals("Transpose"))).hasSize(2);
        assertThat(dw.attrInt("group", 0)).isEqualTo(8);
        assertThat(g.initializer(dw.input(1)).shape()).isEqualTo(Shape.of(8, 1, 3, 3));
        assertThat(g.node("fc").orElseThrow().opType()).isEqualTo("Gemm");
        assertThat(g.consumers("pool")).extracting(Node::opType).containsExactly("Flatten");
        long params = g.initializers().values().stream().mapToLong(TensorData::numElements).sum();
        assertThat(params).isEqualTo(8 * 27 + 8 + 8 * 9 + 8 + 1280 + 10);
        assertThat(g.nodes().stream().filter(n -> n.opType().equals("Relu"))).hasSize(2);
    }

    @Test
    void opsTourMapsEveryOperatorAndKeepsUnknownOnes() throws Exception {
        Graph g = load("ops_tour.tflite");
        Node c = g.node("c").orElseThrow();
        // SAME, stride 2, 9 -> 5: total pad (5-1)*2+3-9 = 2, split 1/1.
        assertThat(c.attrInts("pads")).containsExactly(1, 1, 1, 1);
        assertThat(g.nodes()).anyMatch(n -> n.opType().equals("Clip") && n.attrFloat("max", 0) == 6.0);
        assertThat(g.node("avg").orElseThrow().attrInt("count_include_pad", 1)).isZero();
        assertThat(g.node("add").orElseThrow().output(0)).isNotEqualTo("add");
        assertThat(g.producer("add").orElseThrow().opType()).isEqualTo("Relu");
        assertThat(g.node("cat").orElseThrow().attrInt("axis", 0)).isEqualTo(3);
        Node pad = g.node("padded").orElseThrow();
        assertThat(g.initializer(pad.input(1)).toLongs()).containsExactly(0, 1, 1, 0, 0, 1, 1, 0);
        Node mean = g.node("mean").orElseThrow();
        assertThat(mean.opType()).isEqualTo("ReduceMean");
        assertThat(mean.attrInts("axes")).containsExactly(1, 2);
        assertThat(g.initializer(g.node("flat").orElseThrow().input(1)).toLongs()).containsExactly(1, 12);
        assertThat(g.node("sig").orElseThrow().opType()).isEqualTo("Sigmoid");
        Node tr = g.node("transposed").orElseThrow();
        assertThat(tr.domain()).isEqualTo("tflite");
        assertThat(tr.opType()).isEqualTo("TRANSPOSE");
        assertThat(g.warnings()).anyMatch(w -> w.contains("TRANSPOSE"));
        assertThat(g.tensor("transposed").orElseThrow().shape()).isEqualTo(Shape.of(12, 1));
    }

    @Test
    void int8TensorsKeepTypesScalesAndZeroPoints() throws Exception {
        Graph g = load("int8_net.tflite");
        Node q = g.node("input_int8").orElseThrow();
        assertThat(q.opType()).isEqualTo("QuantizeLinear");
        assertThat(g.initializer(q.input(1)).toFloats()).containsExactly(0.5f);
        assertThat(g.initializer(q.input(2)).dataType()).isEqualTo(DataType.INT8);
        assertThat(g.initializer(q.input(2)).toLongs()).containsExactly(-1);
        Node conv = g.node("conv").orElseThrow();
        assertThat(conv.attribute("quant_in0_scale").asFloats()).containsExactly(0.5);
        assertThat(conv.attribute("quant_in1_scale").asFloats()).hasSize(3);
        assertThat(conv.attrInt("quant_in1_axis", -1)).isZero();
        assertThat(conv.attribute("quant_out0_zero_point").asInts()).containsExactly(3);
        TensorData w = g.initializer(conv.input(1));
        assertThat(w.dataType()).isEqualTo(DataType.INT8);
        assertThat(w.byteSize()).isEqualTo(54);
        assertThat(g.initializer(conv.input(2)).dataType()).isEqualTo(DataType.INT32);
        assertThat(g.tensor("conv").orElseThrow().dataType()).isEqualTo(DataType.INT8);
        assertThat(g.node("output").orElseThrow().opType()).isEqualTo("DequantizeLinear");
        assertThat(g.metadata().properties()).containsEntry("quantized_tensors", "6");
    }

    @Test
    void permuteMovesEveryElement() {
        ByteBuffer src = ByteBuffer.allocate(24 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 24; i++) {
            src.putFloat(i * 4, i);
        }
        ByteBuffer out = TfliteGraphConverter.permute(src, new long[] {2, 3, 4}, new long[] {2, 0, 1}, 4);
        // out[k][i][j] = src[i][j][k]; out index (k=3,i=1,j=2) = 3*6 + 1*3 + 2 = 23, src (1,2,3) = 12 + 8 + 3 = 23.
        assertThat(out.getFloat(23 * 4)).isEqualTo(23f);
        // out (k=1,i=0,j=2) = 6 + 2 = 8; src (0,2,1) = 9.
        assertThat(out.getFloat(8 * 4)).isEqualTo(9f);
    }

    @Test
    void transposePairsGoOnlyThroughSingleReaderElementwiseChains() {
        java.util.function.BiFunction<String, long[], dev.edgewise.core.ir.Attribute> perm =
            (n, p) -> dev.edgewise.core.ir.Attribute.ofInts(n, p);
        List<Node> nodes = new ArrayList<>(List.of(
            Node.of("conv", "Conv", List.of("x"), List.of("c")),
            Node.of("back", "Transpose", List.of("c"), List.of("c_nhwc"), perm.apply("perm", new long[] {0, 2, 3, 1})),
            Node.of("relu", "Relu", List.of("c_nhwc"), List.of("r")),
            Node.of("fwd", "Transpose", List.of("r"), List.of("r_nchw"), perm.apply("perm", new long[] {0, 3, 1, 2})),
            Node.of("conv2", "Conv", List.of("r_nchw"), List.of("c2")),
            Node.of("back2", "Transpose", List.of("c2"), List.of("c2_nhwc"), perm.apply("perm", new long[] {0, 2, 3, 1})),
            Node.of("fwd2", "Transpose", List.of("c2_nhwc"), List.of("c2_nchw"), perm.apply("perm", new long[] {0, 3, 1, 2})),
            Node.of("side", "Add", List.of("c2_nhwc", "c2_nhwc"), List.of("s"))));
        var changed = dev.edgewise.core.ir.NhwcLayout.cancelTransposePairs(nodes, java.util.Set.of());
        assertThat(nodes).extracting(Node::name).containsExactly("conv", "relu", "conv2", "back2", "fwd2", "side");
        assertThat(nodes.get(1).inputs()).containsExactly("c");
        assertThat(nodes.get(2).inputs()).containsExactly("r");
        assertThat(changed).contains("c_nhwc", "r", "r_nchw").doesNotContain("c2_nhwc");
    }

    @Test
    void samePaddingPutsTheOddPixelAtTheEnd() {
        assertThat(TfliteLayers.samePads(224, 3, 2, 1)).containsExactly(0, 1);
        assertThat(TfliteLayers.samePads(8, 3, 1, 1)).containsExactly(1, 1);
        assertThat(TfliteLayers.samePads(7, 1, 1, 1)).containsExactly(0, 0);
    }

    @Test
    void sniffClaimsOnlyTfliteFiles() throws Exception {
        TfliteImporter imp = new TfliteImporter();
        Path samples = Path.of(System.getProperty("edgewise.samples"));
        List<Path> foreign = new ArrayList<>();
        for (Path dir : List.of(samples.resolve("models"), samples.resolve("corpus"),
            Path.of("..", "caffe", "src", "test", "resources"), Path.of("..", "tensorflow", "src", "test", "resources"),
            Path.of("..", "mxnet", "src", "test", "resources"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.walk(dir)) {
                    s.filter(Files::isRegularFile).forEach(foreign::add);
                }
            }
        }
        foreign.add(tmp.resolve("missing.tflite"));
        assertThat(foreign).hasSizeGreaterThan(5);
        for (Path p : foreign) {
            assertThat(imp.sniff(p)).as("must not claim " + p).isFalse();
        }
        assertThat(imp.sniff(TfliteCorpusTest.corpus().resolve("small_net.tflite"))).isTrue();
    }
}
