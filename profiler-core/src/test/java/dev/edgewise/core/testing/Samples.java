package dev.edgewise.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The committed samples folder (system property edgewise.samples, set by the build). */
public final class Samples {
    private Samples() {
    }

    public static Path dir() {
        String p = System.getProperty("edgewise.samples");
        Path dir = p != null ? Path.of(p) : Path.of("../samples");
        if (!Files.isDirectory(dir.resolve("models"))) {
            throw new IllegalStateException("samples folder not found at " + dir.toAbsolutePath());
        }
        return dir;
    }

    public static Path model(String name) {
        return dir().resolve("models").resolve(name);
    }
}
