package dev.edgewise.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.TensorInfo;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.spi.ModelImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A plugin's committed test corpus: files written by a builder in the test sources and a
 * models.json saying the format (and outputs) each must load as, or the exact error it must give.
 */
public final class ImporterCorpus {
    private ImporterCorpus() {
    }

    /** The committed files equal what the builder writes (-Dedgewise.regenerate=true rewrites them). */
    public static void assertCommittedFilesMatch(Path dir, Map<String, byte[]> built) throws IOException {
        for (Map.Entry<String, byte[]> e : built.entrySet()) {
            Path p = dir.resolve(e.getKey());
            if (Boolean.getBoolean("edgewise.regenerate")) {
                Files.write(p, e.getValue());
            }
            assertThat(Files.readAllBytes(p)).as(p.toString()).isEqualTo(e.getValue());
        }
    }

    public static Stream<JsonNode> entries(Path dir) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        new ObjectMapper().readTree(dir.resolve("models.json").toFile()).forEach(out::add);
        return out.stream();
    }

    /** Sniff as listed, then load as the listed format with the listed outputs, or fail as listed. */
    public static void assertLoadsAsListed(ModelImporter imp, Path dir, JsonNode e) throws EdgewiseException {
        Path file = dir.resolve(e.get("file").asText());
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
