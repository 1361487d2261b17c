package dev.edgewise.core.report;

import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.spi.ReportWriter;
import dev.edgewise.core.util.AtomicFiles;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;

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
     * Writes the report to {@code file}, the format chosen by its extension. The output replaces
     * {@code file} only when complete ({@link AtomicFiles}), so a failure never leaves half a report.
     */
    public Path write(Report report, Path file) throws EdgewiseException {
        ReportWriter writer = writers.forFile(file);
        try {
            AtomicFiles.write(file, out -> writer.write(report, out));
            return file.toAbsolutePath();
        } catch (AccessDeniedException e) {
            throw new EdgewiseException(ErrorCode.IO_ERROR, file + ": cannot write the " + writer.id()
                + " report: permission denied", e);
        } catch (IOException | RuntimeException e) {
            throw new EdgewiseException(ErrorCode.IO_ERROR, file + ": cannot write the " + writer.id() + " report: "
                + e.getMessage(), e);
        }
    }

    public Report read(Path json) throws EdgewiseException {
        return JsonReports.read(json);
    }

    /** {@code edgewise report RESULT.json -o OUT}: reads a saved report and writes it in OUT's format. */
    public Path render(Path json, Path out) throws EdgewiseException {
        return write(read(json), out);
    }
}
