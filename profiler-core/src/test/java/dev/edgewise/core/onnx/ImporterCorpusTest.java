package dev.edgewise.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.spi.ModelImporters;
import dev.edgewise.core.testing.Samples;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every file of samples/corpus/models.json loads as its declared format or fails with its declared error. */
class ImporterCorpusTest {
    private final ModelImporters importers = ModelImporters.fromClasspath();

    @TestFactory
    Stream<DynamicTest> corpus() throws IOException {
        JsonNode entries = new ObjectMapper().readTree(Samples.dir().resolve("corpus/models.json").toFile());
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode e : entries) {
            Path file = Samples.dir().resolve(e.get("file").asText());
            tests.add(DynamicTest.dynamicTest(e.get("file").asText(), () -> check(e, file)));
        }
        assertThat(tests).hasSizeGreaterThan(10);
        return tests.stream();
    }

    private void check(JsonNode e, Path file) throws EdgewiseException {
        if (e.has("error")) {
            assertThatThrownBy(() -> importers.load(file, ImportOptions.DEFAULT))
                .isInstanceOf(EdgewiseException.class)
                .satisfies(t -> {
                    EdgewiseException ex = (EdgewiseException) t;
                    assertThat(ex.code().name()).isEqualTo(e.get("error").asText());
                    assertThat(ex.getMessage()).contains(file.getFileName().toString());
                    if (e.has("message")) {
                        assertThat(ex.getMessage()).contains(e.get("message").asText());
                    }
                });
            return;
        }
        Graph g = importers.load(file, ImportOptions.DEFAULT);
        assertThat(g.metadata().format()).isEqualTo(e.get("format").asText());
        assertThat(g.nodes()).isNotEmpty();
        assertThat(g.outputs()).isNotEmpty();
        assertThat(g.metadata().sha256()).hasSize(64);
        if (e.has("warning")) {
            assertThat(g.warnings()).anySatisfy(w -> assertThat(w).contains(e.get("warning").asText()));
        } else if (!g.warnings().isEmpty()) {
            fail("unexpected warnings for " + file + ": " + g.warnings());
        }
    }
}
