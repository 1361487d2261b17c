package dev.edgewise.core.report;

import dev.edgewise.core.spi.ReportWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** Everything in the report as JSON with stable, sorted keys; {@code edgewise report} reads it back. */
public final class JsonReportWriter implements ReportWriter {
    @Override
    public String id() {
        return "json";
    }

    @Override
    public String formatName() {
        return "JSON (complete, machine-readable)";
    }

    @Override
    public List<String> fileExtensions() {
        return List.of("json");
    }

    @Override
    public void write(Report report, OutputStream out) throws IOException {
        JsonReports.write(report, out);
        out.write('\n');
    }
}
