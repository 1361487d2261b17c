package dev.edgewise.plugin.tflite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.TensorInfo;
import dev.edgewise.core.spi.ImportOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed corpus (built by {@link TfliteModels}; regenerate with -Dedgewise.regenerate=true)
 * loads as models.json says, or fails with the stated error naming the file.
 */
class TfliteCorpusTest {
    static Path corpus() {
        return Path.of("src", "test", "resources", "tflite");
    }

    @Test
    void committedFilesAreWhatTheBuilderWrites() throws Exception {
        for (Map.Entry<String, byte[]> e : TfliteModels.corpus().entrySet()) {
            Path p = corpus().resolve(e.getKey());
            if (Boolean.getBoolean("edgewise.regenerate")) {
                Files.write(p, e.getValue());
            }
            assertThat(Files.readAllBytes(p)).as(p.toString()).isEqualTo(e.getValue());
        }
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
        TfliteImporter imp = new TfliteImporter();
        assertThat(imp.sniff(file)).isEqualTo(!e.has("sniff") || e.get("sniff").asBoolean());
        if (e.has("error")) {
            assertThatThrownBy(() -> imp.load(file, ImportOptions.DEFAULT))
                .isInstanceOfSatisfying(EdgewiseException.class,
                    ex -> assertThat(ex.code().name()).isEqualTo(e.get("error").asText()))
                .hasMessageContaining(file.toString())
                .hasMessageContaining(e.get("message").asText());
            return;
        }
        Graph g = imp.load(file, ImportOptions.DEFAULT);
        assertThat(g.metadata().format()).isEqualTo(e.get("format").asText());
        List<String> outs = new ArrayList<>();
        e.get("outputs").forEach(o -> outs.add(o.asText()));
        assertThat(g.outputs()).extracting(TensorInfo::name).containsExactlyElementsOf(outs);
    }
}
