package dev.edgewise.plugin.caffe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.TensorInfo;
import dev.edgewise.core.spi.ImportOptions;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every file of the Caffe corpus loads as stated in models.json, or fails with the stated error. */
class CaffeCorpusTest {
    static Path corpus() throws URISyntaxException {
        return Path.of(CaffeCorpusTest.class.getResource("/caffe/models.json").toURI()).getParent();
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
        CaffeImporter imp = new CaffeImporter();
        boolean sniffExpected = e.has("sniff") ? e.get("sniff").asBoolean() : true;
        assertThat(imp.sniff(file)).as("sniff " + file).isEqualTo(sniffExpected);
        if (e.has("error")) {
            assertThatThrownBy(() -> imp.load(file, ImportOptions.DEFAULT))
                .isInstanceOfSatisfying(EdgewiseException.class,
                    ex -> assertThat(ex.code().name()).isEqualTo(e.get("error").asText()))
                .hasMessageContaining(file.getFileName().toString())
                .hasMessageContaining(e.get("message").asText());
            return;
        }
        Graph g = imp.load(file, ImportOptions.DEFAULT);
        assertThat(g.metadata().format()).isEqualTo(e.get("format").asText());
        if (e.has("nodes")) {
            assertThat(g.nodes()).hasSize(e.get("nodes").asInt());
        }
        List<String> outs = new ArrayList<>();
        e.get("outputs").forEach(o -> outs.add(o.asText()));
        assertThat(g.outputs()).extracting(TensorInfo::name).containsExactlyInAnyOrderElementsOf(outs);
    }

    static List<Path> listFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }
}
