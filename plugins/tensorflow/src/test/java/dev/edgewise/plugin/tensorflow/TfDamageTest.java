package dev.edgewise.plugin.tensorflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.testing.DamagedFiles;
import dev.edgewise.core.spi.ImportOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TfDamageTest {
    @TempDir
    Path tmp;

    @Test
    void truncatedAndCorruptedFilesGiveOnlyEdgewiseExceptions() throws Exception {
        int failed = DamagedFiles.check(new TensorFlowImporter(), TfModels.smallNet().toByteArray(), tmp, "damaged.pb",
            ImportOptions.DEFAULT);
        failed += DamagedFiles.check(new TensorFlowImporter(), TfModels.opsTour().toByteArray(), tmp, "damaged2.pb",
            ImportOptions.DEFAULT);
        assertThat(failed).isGreaterThan(40);
    }
}
