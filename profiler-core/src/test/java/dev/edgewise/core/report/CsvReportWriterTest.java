package dev.edgewise.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvReportWriterTest {
    private static String csv(Report r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new CsvReportWriter().write(r, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static List<String[]> parse(String csv) throws IOException {
        CsvMapper m = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);
        try (MappingIterator<String[]> it = m.readerFor(String[].class).readValues(csv)) {
            return it.readAll();
        }
    }

    @Test
    void oneRowPerLayerWithCountsAndProvenance() throws IOException {
        List<String[]> rows = parse(csv(ReportFixtures.factory().fromAnalysis(ReportFixtures.digits())));
        assertThat(rows).hasSize(6);
        assertThat(rows.get(0)).startsWith("index", "name", "op", "category", "output_shapes", "params", "macs");
        assertThat(rows.get(0)).endsWith("counts_provenance", "energy_provenance");
        assertThat(rows.get(1)).startsWith("0", "conv1", "Conv", "conv", "1x8x8x8", "80", "4608", "9728", "320", "2304");
        assertThat(rows.get(5)[5]).isEqualTo("1290");
        assertThat(rows.get(1)[14]).isEqualTo("counted");
        assertThat(rows.get(1)[15]).isEqualTo("estimated: Horowitz 45nm table (pJ per MAC and per DRAM byte)");
        assertThat(rows.get(4)[12]).isEqualTo("false");
    }

    @Test
    void rfc4180QuotingKeepsCommasQuotesAndNewlinesInNames() throws IOException {
        String text = csv(ReportFixtures.factory().fromAnalysis(ReportFixtures.hostile()));
        assertThat(text).contains("\"flat,ten \"\"q\"\"\nline\"");
        assertThat(text.split("\r\n", -1)).hasSize(7); // header + 5 rows + empty tail; the \n inside stays quoted
        List<String[]> rows = parse(text);
        assertThat(rows).hasSize(6);
        assertThat(rows.get(4)[1]).isEqualTo("flat,ten \"q\"\nline");
        assertThat(rows.get(1)[1]).isEqualTo("conv1" + ReportFixtures.SCRIPT);
        assertThat(rows.get(2)[1]).isEqualTo("relu1" + ReportFixtures.IMG);
        assertThat(rows).allSatisfy(r -> assertThat(r).hasSize(16));
    }

    @Test
    void spreadsheetFormulasInNamesAreDefused() {
        assertThat(CsvReportWriter.text("=HYPERLINK(\"http://x\")")).isEqualTo("'=HYPERLINK(\"http://x\")");
        assertThat(CsvReportWriter.text("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(CsvReportWriter.text("conv1")).isEqualTo("conv1");
        assertThat(CsvReportWriter.num(0.1)).isEqualTo("0.1");
        assertThat(CsvReportWriter.num(1e-7)).isEqualTo("0.0000001");
    }

    @Test
    void deviceTimesAndOptimizationErrorsJoinTheirLayers() throws IOException {
        List<String[]> rows = parse(csv(ReportFixtures.full()));
        List<String> header = List.of(rows.get(0));
        assertThat(header).contains("time_mean_ms", "time_provenance", "sqnr_db", "error_provenance");
        String[] conv = rows.get(1);
        assertThat(conv[header.indexOf("time_mean_ms")]).isEqualTo("0.61");
        assertThat(conv[header.indexOf("time_provenance")]).isEqualTo("measured: CLOCK_MONOTONIC");
        assertThat(conv[header.indexOf("params_after")]).isEqualTo("40");
        assertThat(conv[header.indexOf("sqnr_db")]).isEqualTo("31.25");
        String[] relu = rows.get(2);
        assertThat(relu[header.indexOf("time_mean_ms")]).isEmpty();
        assertThat(rows.get(5)[header.indexOf("max_abs_error")]).isEmpty();
    }
}
