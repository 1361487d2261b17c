package dev.edgewise.plugin.mxnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
import dev.edgewise.core.spi.ImportOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MxNetImporterTest {
    @TempDir
    Path tmp;

    static Path corpus() {
        return Path.of("src", "test", "resources", "mxnet");
    }

    static long params(Graph g) {
        return g.initializers().values().stream().mapToLong(TensorData::numElements).sum();
    }

    @Test
    void committedParamsAreWhatTheWriterWrites() throws Exception {
        Path p = corpus().resolve("small_net-0000.params");
        byte[] want = MxParamsWriter.smallNet().write(false);
        if (Boolean.getBoolean("edgewise.regenerate")) {
            Files.write(p, want);
        }
        assertThat(Files.readAllBytes(p)).isEqualTo(want);
    }

    static Stream<JsonNode> entries() throws Exception {
        List<JsonNode> out = new ArrayList<>();
        new ObjectMapper().readTree(corpus().resolve("models.json").toFile()).forEach(out::add);
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void loadsOrFailsAsListed(JsonNode e) throws Exception {
        Path file = corpus().resolve(e.get("file").asText());
        Map<String, String> opts = new HashMap<>();
        e.path("options").fields().forEachRemaining(f -> opts.put(f.getKey(), f.getValue().asText()));
        MxNetImporter imp = new MxNetImporter();
        assertThat(imp.sniff(file)).isEqualTo(!e.has("sniff") || e.get("sniff").asBoolean());
        if (e.has("error")) {
            assertThatThrownBy(() -> imp.load(file, new ImportOptions(opts)))
                .isInstanceOfSatisfying(EdgewiseException.class,
                    ex -> assertThat(ex.code().name()).isEqualTo(e.get("error").asText()))
                .hasMessageContaining(file.toString())
                .hasMessageContaining(e.get("message").asText());
            return;
        }
        Graph g = imp.load(file, new ImportOptions(opts));
        assertThat(g.metadata().format()).isEqualTo(e.get("format").asText());
        List<String> outs = new ArrayList<>();
        e.get("outputs").forEach(o -> outs.add(o.asText()));
        assertThat(g.outputs()).extracting(TensorInfo::name).containsExactlyElementsOf(outs);
    }

    @Test
    void smallNetTakesWeightsFromTheLatestEpochParams() throws Exception {
        Graph g = new MxNetImporter().load(corpus().resolve("small_net-symbol.json"), ImportOptions.DEFAULT);
        assertThat(g.metadata().properties().get("params")).endsWith("small_net-0000.params");
        assertThat(g.inputs()).extracting(TensorInfo::name).containsExactly("data");
        assertThat(g.inputs().get(0).shape()).isEqualTo(Shape.of(1, 3, 8, 8));
        assertThat(g.initializer("conv1_weight").shape()).isEqualTo(Shape.of(8, 3, 3, 3));
        assertThat(g.initializer("conv1_weight").toFloats()[5]).isEqualTo(0.01f + 5 * 0.001f);
        assertThat(g.node("dw").orElseThrow().attrInt("group", 0)).isEqualTo(8);
        assertThat(g.node("fc").orElseThrow().inputs()).containsExactly("flatten",
            "fc_weight", "fc_bias");
        assertThat(g.node("softmax").orElseThrow().inputs()).containsExactly("fc");
        assertThat(params(g)).isEqualTo(8 * 27 + 8 + 8 * 9 + 8 + 1280 + 10);
        assertThat(g.warnings()).isEmpty();
    }

    @Test
    void withoutParamsTheInputShapeGivesExactWeightShapes() throws Exception {
        Graph g = new MxNetImporter().load(corpus().resolve("lenet-symbol.json"),
            new ImportOptions(Map.of("input_shape", "1x1x28x28")));
        assertThat(g.initializer("fc1_weight").shape()).isEqualTo(Shape.of(500, 800));
        assertThat(params(g)).isEqualTo(20 * 25 + 20 + 50 * 20 * 25 + 50 + 500 * 800 + 500 + 5000 + 10);
        assertThat(g.initializers().values()).noneMatch(TensorData::isLoaded);
        assertThat(g.warnings()).anyMatch(w -> w.contains("no .params file"));
    }

    @Test
    void bnOpsUseTheOldParamKeyAndKeepFixGammaOff() throws Exception {
        Graph g = new MxNetImporter().load(corpus().resolve("bn_ops-symbol.json"),
            new ImportOptions(Map.of("input_shape", "data=2x3x9x9")));
        Node bn = g.node("bn").orElseThrow();
        assertThat(bn.opType()).isEqualTo("BatchNormalization");
        assertThat(bn.attributes()).doesNotContainKey("mxnet_fix_gamma");
        assertThat(bn.attrFloat("epsilon", 0)).isCloseTo(2e-5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(g.node("c").orElseThrow().inputs()).hasSize(2);
        assertThat(g.node("lrn").orElseThrow().attrFloat("bias", 0)).isEqualTo(1.0);
        assertThat(g.node("sum").orElseThrow().opType()).isEqualTo("Add");
        assertThat(g.node("avg").orElseThrow().attrInt("ceil_mode", 0)).isEqualTo(1);
        assertThat(g.node("gap").orElseThrow().opType()).isEqualTo("GlobalAveragePool");
        // 9 -> conv 3x3/2 -> 4 -> full-convention 2x2/2 pool -> 2; concat doubles 4 channels.
        assertThat(g.tensor("avg").orElseThrow().shape()).isEqualTo(Shape.of(2, 8, 2, 2));
        assertThat(g.tensor("prob").orElseThrow().shape()).isEqualTo(Shape.of(2, 8));
    }

    @Test
    void legacyParamsLayoutReadsTheSameAndFixGammaReadsAsOnes() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("m"));
        Files.copy(corpus().resolve("small_net-symbol.json"), dir.resolve("net-symbol.json"));
        Files.write(dir.resolve("net-0003.params"), MxParamsWriter.smallNet().write(true));
        Files.write(dir.resolve("net-0001.params"), new byte[] {1, 2, 3});
        Graph g = new MxNetImporter().load(dir.resolve("net-symbol.json"), ImportOptions.DEFAULT);
        assertThat(g.metadata().properties().get("params")).endsWith("net-0003.params");
        assertThat(g.initializer("fc_weight").toFloats()[127]).isEqualTo(0.03f + 127 * 0.001f);
    }

    @Test
    void truncatedOrMismatchedParamsNameTheParamsFile() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bad"));
        Files.copy(corpus().resolve("small_net-symbol.json"), dir.resolve("net-symbol.json"));
        byte[] good = MxParamsWriter.smallNet().write(false);
        Files.write(dir.resolve("net-0000.params"), Arrays.copyOf(good, good.length - 40));
        assertThatThrownBy(() -> new MxNetImporter().load(dir.resolve("net-symbol.json"), ImportOptions.DEFAULT))
            .isInstanceOfSatisfying(EdgewiseException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.TRUNCATED))
            .hasMessageContaining("net-0000.params");
        Files.write(dir.resolve("net-0000.params"), new MxParamsWriter().add("conv1_weight", 0f, 8, 3, 2, 2).write(false));
        assertThatThrownBy(() -> new MxNetImporter().load(dir.resolve("net-symbol.json"), ImportOptions.DEFAULT))
            .isInstanceOfSatisfying(EdgewiseException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPT_MODEL))
            .hasMessageContaining("net-0000.params").hasMessageContaining("'conv1_weight' has shape [8, 3, 2, 2]");
    }

    @Test
    void sniffClaimsOnlySymbolFiles() throws Exception {
        MxNetImporter imp = new MxNetImporter();
        Path samples = Path.of(System.getProperty("edgewise.samples"));
        List<Path> foreign = new ArrayList<>();
        for (Path dir : List.of(samples.resolve("models"), samples.resolve("corpus"),
            Path.of("..", "caffe", "src", "test", "resources"), Path.of("..", "tflite", "src", "test", "resources"),
            Path.of("..", "tensorflow", "src", "test", "resources"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.walk(dir)) {
                    s.filter(Files::isRegularFile).forEach(foreign::add);
                }
            }
        }
        foreign.add(corpus().resolve("small_net-0000.params"));
        foreign.add(corpus().resolve("models.json"));
        foreign.add(tmp.resolve("missing-symbol.json"));
        assertThat(foreign).hasSizeGreaterThan(10);
        for (Path p : foreign) {
            assertThat(imp.sniff(p)).as("must not claim " + p).isFalse();
        }
    }
}
