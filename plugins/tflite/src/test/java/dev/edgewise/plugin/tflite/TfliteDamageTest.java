package dev.edgewise.plugin.tflite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.testing.DamagedFiles;
import dev.edgewise.core.spi.ImportOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfliteDamageTest {
    @TempDir
    Path tmp;

    @Test
    void truncatedAndCorruptedFilesGiveOnlyEdgewiseExceptions() throws Exception {
        int failed = DamagedFiles.check(new TfliteImporter(), TfliteModels.int8Net(), tmp, "damaged.tflite",
            ImportOptions.DEFAULT);
        failed += DamagedFiles.check(new TfliteImporter(), TfliteModels.opsTour(), tmp, "damaged2.tflite",
            ImportOptions.DEFAULT);
        assertThat(failed).isGreaterThan(80);
    }
}
