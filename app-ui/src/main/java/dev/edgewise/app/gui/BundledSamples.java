package dev.edgewise.app.gui;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The sample models shipped in the samples jar. Importers read files (and memory-map them), so the
 * chosen sample is copied once into the user's cache folder and opened from there.
 */
public final class BundledSamples {
    public static final String RESOURCE_FOLDER = "dev/edgewise/samples/models/";
    public static final String DATA_FOLDER = "dev/edgewise/samples/data/";
    /** Preferred first: the most interesting graph that is still small. */
    public static final List<String> PREFERRED = List.of("resnet_tiny.onnx", "digits_cnn.onnx");

    private final ClassLoader loader;
    private final Path cacheDir;

    public BundledSamples(ClassLoader loader, Path cacheDir) {
        this.loader = loader;
        this.cacheDir = cacheDir;
    }

    public static BundledSamples standard() {
        return new BundledSamples(BundledSamples.class.getClassLoader(), defaultCacheDir());
    }

    /** $XDG_CACHE_HOME/edgewise/samples, or ~/.cache/edgewise/samples. */
    public static Path defaultCacheDir() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("edgewise").resolve("samples");
    }

    /** The first preferred sample present on the class path. */
    public Optional<String> defaultSample() {
        return PREFERRED.stream().filter(n -> loader.getResource(RESOURCE_FOLDER + n) != null).findFirst();
    }

    /** Copies the sample to the cache (again if its size changed) and returns the file. */
    public Path extract(String name) throws IOException {
        return copyOut(RESOURCE_FOLDER, name);
    }

    /** Copies a sample data file (e.g. digits_test.csv) to the cache and returns it. */
    public Path extractData(String name) throws IOException {
        return copyOut(DATA_FOLDER, name);
    }

    private Path copyOut(String folder, String name) throws IOException {
        String resource = folder + name;
        var url = loader.getResource(resource);
        if (url == null) {
            throw new IOException("bundled sample '" + name + "' is not on the class path (looked for " + resource
                + " in the samples jar)");
        }
        Files.createDirectories(cacheDir);
        Path target = cacheDir.resolve(name);
        long size = url.openConnection().getContentLengthLong();
        if (Files.isRegularFile(target) && size >= 0 && Files.size(target) == size) {
            return target;
        }
        Path tmp = Files.createTempFile(cacheDir, name, ".part");
        try (InputStream in = url.openStream()) {
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }
}
