package dev.edgewise.plugin.tflite;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgewise.core.testing.ImporterCorpus;
import java.nio.file.Path;
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
        ImporterCorpus.assertCommittedFilesMatch(corpus(), TfliteModels.corpus());
    }

    static Stream<JsonNode> entries() throws Exception {
        return ImporterCorpus.entries(corpus());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("entries")
    void loadsOrFailsAsListed(JsonNode e) throws Exception {
        ImporterCorpus.assertLoadsAsListed(new TfliteImporter(), corpus(), e);
    }
}
