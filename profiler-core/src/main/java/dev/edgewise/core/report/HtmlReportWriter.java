package dev.edgewise.core.report;

import dev.edgewise.core.spi.ReportWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One self-contained HTML file: inline CSS and SVG charts, no script, no external resource, print CSS. */
public final class HtmlReportWriter implements ReportWriter {
    @Override
    public String id() {
        return "html";
    }

    @Override
    public String formatName() {
        return "HTML (self-contained, with charts)";
    }

    @Override
    public List<String> fileExtensions() {
        return List.of("html", "htm");
    }

    @Override
    public void write(Report report, OutputStream out) throws IOException {
        out.write(render(report).getBytes(StandardCharsets.UTF_8));
    }

    public String render(Report report) {
        return HtmlReportDocument.build(report).outerHtml();
    }
}
