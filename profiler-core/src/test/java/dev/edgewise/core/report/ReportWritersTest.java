package dev.edgewise.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.spi.ReportWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ReportWritersTest {
    private final ReportWriters writers = ReportWriters.fromClasspath();

    @Test
    void serviceLoaderFindsTheBuiltInWriters() {
        assertThat(writers.all()).extracting(ReportWriter::id)
            .containsExactly("html", "pdf", "markdown", "json", "csv");
        assertThat(writers.problems()).isEmpty();
    }

    @Test
    void extensionPicksTheWriterCaseInsensitively() throws EdgewiseException {
        assertThat(writers.forFile(Path.of("out/report.HTML"))).isInstanceOf(HtmlReportWriter.class);
        assertThat(writers.forFile(Path.of("r.htm"))).isInstanceOf(HtmlReportWriter.class);
        assertThat(writers.forFile(Path.of("r.pdf"))).isInstanceOf(PdfReportWriter.class);
        assertThat(writers.forFile(Path.of("r.md"))).isInstanceOf(MarkdownReportWriter.class);
        assertThat(writers.forFile(Path.of("r.markdown"))).isInstanceOf(MarkdownReportWriter.class);
        assertThat(writers.forFile(Path.of("result.v2.json"))).isInstanceOf(JsonReportWriter.class);
        assertThat(writers.forFile(Path.of("layers.csv"))).isInstanceOf(CsvReportWriter.class);
        assertThat(writers.forFormat("markdown")).isInstanceOf(MarkdownReportWriter.class);
    }

    @Test
    void unknownExtensionNamesTheFileAndTheChoices() {
        assertThatThrownBy(() -> writers.forFile(Path.of("report.docx")))
            .isInstanceOf(EdgewiseException.class)
            .hasMessage("report.docx: unknown report extension '.docx'; use one of "
                + "[.html, .htm, .pdf, .md, .markdown, .json, .csv]");
        assertThatThrownBy(() -> writers.forFile(Path.of("report")))
            .hasMessageStartingWith("report: no file extension; use one of");
    }
}
