package dev.edgewise.core.spi;

import dev.edgewise.core.report.Report;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Writes a {@link Report} in one format (HTML, PDF, Markdown, JSON, CSV, ...). Found through
 * {@link java.util.ServiceLoader}: built-in writers and plugins register in
 * {@code META-INF/services/dev.edgewise.core.spi.ReportWriter}; the registry
 * {@link dev.edgewise.core.report.ReportWriters} picks one by file extension.
 */
public interface ReportWriter {
    /** Short stable id, e.g. "html", "pdf". */
    String id();

    /** Name shown to people, e.g. "HTML (self-contained)". */
    String formatName();

    /** File name endings, without dot, lower case; the first is the preferred one. */
    List<String> fileExtensions();

    /**
     * Writes the whole report to {@code out} (not closed). Every string that came from a model or a
     * device is untrusted: a writer escapes it for its format so it shows literally.
     */
    void write(Report report, OutputStream out) throws IOException;
}
