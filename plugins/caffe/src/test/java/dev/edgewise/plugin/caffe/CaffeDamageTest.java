package dev.edgewise.plugin.caffe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.testing.DamagedFiles;
import dev.edgewise.core.spi.ImportOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaffeDamageTest {
    @TempDir
    Path tmp;

    @Test
    void damagedPrototxtFilesGiveOnlyEdgewiseExceptions() throws Exception {
        byte[] text = Files.readAllBytes(CaffeCorpusTest.corpus().resolve("mixed_ops.prototxt"));
        int failed = DamagedFiles.check(new CaffeImporter(), text, tmp, "damaged.prototxt", ImportOptions.DEFAULT);
        assertThat(failed).isGreaterThan(40);
    }
}
