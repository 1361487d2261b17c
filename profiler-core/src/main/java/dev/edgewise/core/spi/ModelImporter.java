package dev.edgewise.core.spi;

import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads one model format into the IR. Found through {@link java.util.ServiceLoader}: built-in
 * importers and plugins register in {@code META-INF/services/dev.edgewise.core.spi.ModelImporter}.
 * Like Netron's format modules: a cheap, side-effect-free {@link #sniff} and then the full {@link #load}.
 */
public interface ModelImporter {
    /** Short stable id, e.g. "onnx", "caffe". */
    String id();

    /** Name shown to people, e.g. "ONNX". */
    String formatName();

    /** File name endings this importer reads, without dot, e.g. "onnx", "prototxt". */
    List<String> fileExtensions();

    /** Version of the importer (its plugin jar's version for plugins). */
    default String version() {
        Package p = getClass().getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Reads at most a few bytes; no side effects; never throws for unreadable or foreign files. */
    boolean sniff(Path file);

    /** Parses the file into a graph whose nodes are topologically ordered. */
    Graph load(Path file, ImportOptions options) throws EdgewiseException;
}
