package dev.edgewise.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.spi.PluginLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginsCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return EdgewiseCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @AfterEach
    void clearPluginDir() {
        System.clearProperty(PluginLoader.DIR_PROPERTY);
    }

    @Test
    void listsEveryBundledImporterWithVersionAndFormats(@TempDir Path dir) {
        System.setProperty(PluginLoader.DIR_PROPERTY, dir.toString());
        assertThat(run("plugins")).isZero();
        String text = out.toString();
        assertThat(text).contains("onnx", "caffe", "tensorflow", "tflite", "mxnet", "prototxt", "built in");
        assertThat(text).contains("Plugin folder: " + dir);
        assertThat(text).doesNotContain("skipped");
    }

    @Test
    void aBrokenJarIsReportedAndAnalysisStillWorks(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("broken-plugin.jar"), "this is not a zip file");
        System.setProperty(PluginLoader.DIR_PROPERTY, dir.toString());
        assertThat(run("plugins")).isZero();
        assertThat(out.toString()).contains("1 plugin(s) skipped", "broken-plugin.jar");
        Path model = Path.of(System.getProperty("edgewise.samples", "../samples"), "models", "digits_mlp.onnx");
        assertThat(run("analyze", model.toString(), "--format", "json")).isZero();
        assertThat(err.toString()).contains("warning: plugin skipped", "broken-plugin.jar");
    }
}
