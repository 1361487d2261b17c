package dev.edgewise.plugin.tflite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.spi.PluginLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The importer is found through META-INF/services and chosen for its own sample by content. */
class ServiceRegistrationTest {
    @TempDir
    Path emptyPluginDir;

    @Test
    void foundByPluginLoaderAndChosenForItsSample() throws Exception {
        PluginLoader.Result r = PluginLoader.load(getClass().getClassLoader(), emptyPluginDir);
        assertThat(r.problems()).isEmpty();
        assertThat(r.plugins()).anySatisfy(p -> {
            assertThat(p.id()).isEqualTo("tflite");
            assertThat(p.extensions()).containsExactly("tflite");
            assertThat(p.fromPluginFolder()).isFalse();
        });
        assertThat(r.importers().forFile(Path.of("src/test/resources/tflite/small_net.tflite")).id()).isEqualTo("tflite");
    }
}
