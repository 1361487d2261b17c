package dev.edgewise.app.gui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundledSamplesTest {
    @TempDir
    Path tmp;

    private ClassLoader loaderWith(String... files) throws Exception {
        Path root = Files.createTempDirectory(tmp, "jar");
        for (String f : files) {
            Path p = root.resolve(BundledSamples.RESOURCE_FOLDER + f);
            Files.createDirectories(p.getParent());
            Files.write(p, ("model " + f).getBytes());
        }
        return new URLClassLoader(new URL[] {root.toUri().toURL()}, null);
    }

    @Test
    void picksThePreferredSampleAndCopiesItToTheCacheOnce() throws Exception {
        BundledSamples s = new BundledSamples(loaderWith("digits_cnn.onnx", "resnet_tiny.onnx"), tmp.resolve("cache"));
        assertThat(s.defaultSample()).contains("resnet_tiny.onnx");
        Path first = s.extract("resnet_tiny.onnx");
        assertThat(first).hasContent("model resnet_tiny.onnx").hasParent(tmp.resolve("cache"));
        long modified = Files.getLastModifiedTime(first).toMillis();
        Thread.sleep(20);
        assertThat(s.extract("resnet_tiny.onnx")).isEqualTo(first);
        assertThat(Files.getLastModifiedTime(first).toMillis()).as("not copied again").isEqualTo(modified);
        try (var files = Files.list(tmp.resolve("cache"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("resnet_tiny.onnx");
        }
    }

    @Test
    void fallsBackToTheNextSampleAndNamesTheMissingOne() throws Exception {
        BundledSamples s = new BundledSamples(loaderWith("digits_cnn.onnx"), tmp.resolve("cache"));
        assertThat(s.defaultSample()).contains("digits_cnn.onnx");
        assertThatThrownBy(() -> s.extract("resnet_tiny.onnx")).hasMessageContaining("resnet_tiny.onnx")
            .hasMessageContaining(BundledSamples.RESOURCE_FOLDER);
        assertThat(new BundledSamples(loaderWith(), tmp).defaultSample()).isEmpty();
    }

    @Test
    void theRealSamplesJarOffersASampleTheImporterReads() throws Exception {
        BundledSamples s = new BundledSamples(BundledSamples.class.getClassLoader(), tmp.resolve("real"));
        org.junit.jupiter.api.Assumptions.assumeTrue(s.defaultSample().isPresent(),
            "sample models have not landed in samples/models yet");
        Path p = s.extract(s.defaultSample().get());
        assertThat(ModelService.standard().load(p).nodes()).isNotEmpty();
    }

    @Test
    void modelArgumentAcceptsAPathAloneOrAfterGui() {
        assertThat(EdgewiseApplication.modelArgument(List.of())).isEmpty();
        assertThat(EdgewiseApplication.modelArgument(List.of("--gui", "m.onnx"))).contains(Path.of("m.onnx"));
        assertThat(EdgewiseApplication.modelArgument(List.of("m.onnx"))).contains(Path.of("m.onnx"));
    }
}
