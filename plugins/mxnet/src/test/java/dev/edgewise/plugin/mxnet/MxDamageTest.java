package dev.edgewise.plugin.mxnet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.testing.DamagedFiles;
import dev.edgewise.core.spi.ImportOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MxDamageTest {
    @TempDir
    Path tmp;

    @Test
    void damagedSymbolFilesGiveOnlyEdgewiseExceptions() throws Exception {
        byte[] symbol = Files.readAllBytes(MxNetImporterTest.corpus().resolve("bn_ops-symbol.json"));
        int failed = DamagedFiles.check(new MxNetImporter(), symbol, tmp, "damaged-symbol.json",
            new ImportOptions(Map.of("input_shape", "2x3x9x9")));
        assertThat(failed).isGreaterThan(40);
    }

    @Test
    void damagedParamsFilesGiveOnlyEdgewiseExceptions() throws Exception {
        byte[] params = MxParamsWriter.smallNet().write(false);
        Path symbol = tmp.resolve("net-symbol.json");
        Files.copy(MxNetImporterTest.corpus().resolve("small_net-symbol.json"), symbol);
        Path paramsFile = tmp.resolve("net-0000.params");
        int failed = DamagedFiles.check(p -> new MxNetImporter().load(symbol, ImportOptions.DEFAULT), params, tmp,
            paramsFile.getFileName().toString());
        assertThat(failed).isGreaterThan(40);
    }
}
