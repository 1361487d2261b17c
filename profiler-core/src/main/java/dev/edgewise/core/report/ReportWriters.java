package dev.edgewise.core.report;

import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.spi.ReportWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/** The report writers available to this process, and the choice of one by file extension or id. */
public final class ReportWriters {
    private final List<ReportWriter> writers;
    private final List<String> problems;

    private ReportWriters(List<ReportWriter> writers, List<String> problems) {
        this.writers = List.copyOf(writers);
        this.problems = List.copyOf(problems);
    }

    /** Writers registered on the given class loader; a broken provider is recorded, not fatal. */
    public static ReportWriters load(ClassLoader loader) {
        List<ReportWriter> found = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        var it = ServiceLoader.load(ReportWriter.class, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                ReportWriter w = it.next();
                if (found.stream().noneMatch(x -> x.id().equals(w.id()))) {
                    found.add(w);
                }
            } catch (ServiceConfigurationError | LinkageError e) {
                problems.add("skipped a broken report writer: " + e.getMessage());
            }
        }
        return new ReportWriters(found, problems);
    }

    public static ReportWriters fromClasspath() {
        return load(ReportWriters.class.getClassLoader());
    }

    public static ReportWriters of(List<ReportWriter> writers) {
        return new ReportWriters(writers, List.of());
    }

    public List<ReportWriter> all() {
        return writers;
    }

    public List<String> problems() {
        return problems;
    }

    /** Every extension some writer handles, in registration order: for help texts and error messages. */
    public List<String> extensions() {
        return writers.stream().flatMap(w -> w.fileExtensions().stream()).distinct().toList();
    }

    /** The writer for the file's extension; the error names the file and the extensions known. */
    public ReportWriter forFile(Path file) throws EdgewiseException {
        String name = file.getFileName() == null ? "" : file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        for (ReportWriter w : writers) {
            if (w.fileExtensions().contains(ext)) {
                return w;
            }
        }
        throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, file + ": "
            + (ext.isEmpty() ? "no file extension" : "unknown report extension '." + ext + "'")
            + "; use one of " + extensions().stream().map(e -> "." + e).toList());
    }

    /** The writer with this id ("html", "pdf", "markdown", "json", "csv") or one of its extensions. */
    public ReportWriter forFormat(String format) throws EdgewiseException {
        String f = format.toLowerCase(Locale.ROOT);
        for (ReportWriter w : writers) {
            if (w.id().equals(f) || w.fileExtensions().contains(f)) {
                return w;
            }
        }
        throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, "unknown report format '" + format
            + "'; known: " + writers.stream().map(ReportWriter::id).toList());
    }
}
