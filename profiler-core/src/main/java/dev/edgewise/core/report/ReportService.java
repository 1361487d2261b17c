package dev.edgewise.core.report;

import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.spi.ReportWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What the CLI ({@code --report FILE}, {@code edgewise report}) and the GUI's export call: build a
 * report from an analysis, write it in the format its file name asks for, read a saved JSON back.
 */
public final class ReportService {
    private final ReportWriters writers;
    private final ReportFactory factory;

    public ReportService(ReportWriters writers, ReportFactory factory) {
        this.writers = writers;
        this.factory = factory;
    }

    public static ReportService withDefaults() {
        return new ReportService(ReportWriters.fromClasspath(), ReportFactory.withDefaults());
    }

    public ReportWriters writers() {
        return writers;
    }

    public Report fromAnalysis(ModelAnalysis analysis) {
        return factory.fromAnalysis(analysis);
    }

    /**
     * Writes the report to {@code file}, the format chosen by its extension. The output goes to a
     * temporary file first and replaces {@code file} only when complete, so a failure never leaves
     * half a report behind.
     */
    public Path write(Report report, Path file) throws EdgewiseException {
        ReportWriter writer = writers.forFile(file);
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, ".edgewise-report-", ".part");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.write(report, out);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (AccessDeniedException e) {
            throw new EdgewiseException(ErrorCode.IO_ERROR, file + ": cannot write the " + writer.id()
                + " report: permission denied", e);
        } catch (IOException | RuntimeException e) {
            throw new EdgewiseException(ErrorCode.IO_ERROR, file + ": cannot write the " + writer.id() + " report: "
                + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    public Report read(Path json) throws EdgewiseException {
        return JsonReports.read(json);
    }

    /** {@code edgewise report RESULT.json -o OUT}: reads a saved report and writes it in OUT's format. */
    public Path render(Path json, Path out) throws EdgewiseException {
        return write(read(json), out);
    }

    private static void deleteQuietly(Path tmp) {
        if (tmp == null) {
            return;
        }
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // The report itself was written or its error is already reported; a stray .part file is harmless.
        }
    }
}
