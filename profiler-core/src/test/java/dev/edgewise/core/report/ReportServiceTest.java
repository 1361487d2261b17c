package dev.edgewise.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgewise.core.ir.EdgewiseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.jsoup.Jsoup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportServiceTest {
    private final ReportService service = new ReportService(ReportWriters.fromClasspath(), ReportFixtures.factory());

    @Test
    void savedJsonRendersAgainInEveryFormat(@TempDir Path dir) throws Exception {
        Path json = service.write(ReportFixtures.full(), dir.resolve("result.json"));
        for (String ext : List.of("html", "pdf", "md", "csv", "json")) {
            Path out = service.render(json, dir.resolve("again." + ext));
            assertThat(Files.size(out)).as(ext).isGreaterThan(500);
        }
        assertThat(Files.readString(dir.resolve("again.json"))).isEqualTo(Files.readString(json));
        assertThat(Jsoup.parse(dir.resolve("again.html").toFile()).select("section#device table.latency td").text())
            .contains("2.850");
        assertThat(Files.readString(dir.resolve("again.md"))).contains("| MACs | 5888 | 3584 | -39.1% | counted |");
        assertThat(PdfReportWriterTest.flat(Files.readAllBytes(dir.resolve("again.pdf")))).contains("4,608");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
        }
    }

    @Test
    void writeErrorsNameTheFile(@TempDir Path dir) throws IOException {
        Path notADir = Files.writeString(dir.resolve("plain"), "x");
        Path target = notADir.resolve("r.html");
        assertThatThrownBy(() -> service.write(ReportFixtures.full(), target))
            .isInstanceOf(EdgewiseException.class).hasMessageStartingWith(target + ": cannot write the html report");
        assertThatThrownBy(() -> service.write(ReportFixtures.full(), dir.resolve("r.xlsx")))
            .hasMessageContaining("unknown report extension '.xlsx'");
    }
}
