package dev.edgewise.core.spi;

import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** The importers available to this process, and the choice of one for a file. */
public final class ModelImporters {
    private final List<ModelImporter> importers;
    private final List<String> problems;

    private ModelImporters(List<ModelImporter> importers, List<String> problems) {
        this.importers = List.copyOf(importers);
        this.problems = List.copyOf(problems);
    }

    /** Importers registered on the given class loader; a broken provider is recorded, not fatal. */
    public static ModelImporters load(ClassLoader loader) {
        List<ModelImporter> found = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        var it = ServiceLoader.load(ModelImporter.class, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                ModelImporter imp = it.next();
                if (found.stream().noneMatch(i -> i.id().equals(imp.id()))) {
                    found.add(imp);
                }
            } catch (ServiceConfigurationError | LinkageError e) {
                problems.add("skipped a broken importer: " + e.getMessage());
            }
        }
        return new ModelImporters(found, problems);
    }

    public static ModelImporters fromClasspath() {
        return load(ModelImporters.class.getClassLoader());
    }

    public static ModelImporters of(List<ModelImporter> importers) {
        return new ModelImporters(importers, List.of());
    }

    /** Importers plus the problems met while finding them (see {@link PluginLoader}). */
    public static ModelImporters of(List<ModelImporter> importers, List<String> problems) {
        return new ModelImporters(importers, problems);
    }

    public List<ModelImporter> all() {
        return importers;
    }

    public List<String> problems() {
        return problems;
    }

    /** Picks by content sniffing first, then by extension; the error names the file and the formats known. */
    public ModelImporter forFile(Path file) throws EdgewiseException {
        if (!Files.exists(file)) {
            throw new EdgewiseException(ErrorCode.FILE_NOT_FOUND, file + ": no such file");
        }
        if (Files.isDirectory(file)) {
            throw new EdgewiseException(ErrorCode.NOT_A_MODEL, file + ": is a folder, not a model file");
        }
        try {
            if (Files.size(file) == 0) {
                throw new EdgewiseException(ErrorCode.FILE_EMPTY, file + ": file is empty (0 bytes)");
            }
        } catch (IOException e) {
            throw new EdgewiseException(ErrorCode.IO_ERROR, file + ": cannot read: " + e.getMessage(), e);
        }
        for (ModelImporter i : importers) {
            if (i.sniff(file)) {
                return i;
            }
        }
        String ext = extension(file);
        for (ModelImporter i : importers) {
            if (i.fileExtensions().contains(ext)) {
                return i;
            }
        }
        List<String> names = importers.stream().map(ModelImporter::formatName).toList();
        throw new EdgewiseException(ErrorCode.NOT_A_MODEL, file + ": not a model file of a known format "
            + names + "");
    }

    public Graph load(Path file, ImportOptions options) throws EdgewiseException {
        return forFile(file).load(file, options);
    }

    static String extension(Path file) {
        String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot + 1);
    }
}
