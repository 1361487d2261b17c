package dev.edgewise.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgewise.core.analysis.Analyzer;
import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.analysis.LayerCost;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.testing.Samples;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every writer on the real sample models, analysed by the real analyzer. The op counts and node
 * totals to find come from samples/models/models_info.json, written by the script that built the
 * models, not from Edgewise. Skipped while the cost model is still a placeholder on this branch.
 */
class SampleModelReportsTest {
    private static ModelAnalysis analyze(String model) throws Exception {
        try {
            return Analyzer.withDefaults().analyze(Samples.model(model), ImportOptions.DEFAULT, DimBindings.NONE);
        } catch (UnsupportedOperationException e) {
            assumeTrue(false, "cost model not available: " + e.getMessage());
            throw e;
        }
    }

    private static byte[] write(dev.edgewise.core.spi.ReportWriter w, Report r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        w.write(r, out);
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"digits_cnn.onnx", "resnet_tiny.onnx", "mobilenetv2_tiny.onnx", "transformer_tiny.onnx"})
    void everyFormatCarriesTheModelsFigures(String name) throws Exception {
        ModelAnalysis a = analyze(name);
        JsonNode info = new ObjectMapper().readTree(Samples.dir().resolve("models/models_info.json").toFile()).get(name);
        Report r = ReportFixtures.factory().fromAnalysis(a);
        Map<String, Long> expectedOps = new TreeMap<>();
        info.get("op_counts").fields().forEachRemaining(e -> expectedOps.put(e.getKey(), e.getValue().asLong()));
        long nodes = expectedOps.values().stream().mapToLong(Long::longValue).sum();

        Document html = Jsoup.parse(new String(write(new HtmlReportWriter(), r), StandardCharsets.UTF_8));
        assertThat(html.select("section#model tr:contains(Nodes) td").text()).isEqualTo(Fmt.count(nodes));
        assertThat(html.select("section#model").text()).contains("ai.onnx " + info.get("opset").asLong());
        Map<String, Long> tableOps = html.select("table.layers tbody tr").stream()
            .map(tr -> tr.child(2).text()).collect(Collectors.groupingBy(Function.identity(), TreeMap::new,
                Collectors.counting()));
        Map<String, Long> analysedOps = a.layers().stream().collect(Collectors.groupingBy(LayerCost::op, TreeMap::new,
            Collectors.counting()));
        assertThat(tableOps).isEqualTo(analysedOps);
        assertThat(expectedOps).containsAllEntriesOf(tableOps);
        assertThat(html.select("section#totals tr:contains(Parameters) td").get(2).text())
            .isEqualTo(Fmt.count(a.totals().params()));

        long t0 = System.nanoTime();
        byte[] pdf = write(new PdfReportWriter(), r);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String text = PdfReportWriterTest.flat(pdf);
        assertThat(text).contains("Parameters " + Fmt.si(a.totals().params()) + " " + Fmt.count(a.totals().params()));
        assertThat(text).contains("MACs " + Fmt.si(a.totals().macs()) + " " + Fmt.count(a.totals().macs()));

        byte[] json = write(new JsonReportWriter(), r);
        assertThat(JsonReports.read(new java.io.ByteArrayInputStream(json), name)).isEqualTo(r);
        byte[] csv = write(new CsvReportWriter(), r);
        byte[] md = write(new MarkdownReportWriter(), r);
        System.out.printf("%s: %d layers; html %d B, pdf %d B in %d ms, md %d B, csv %d B, json %d B%n", name,
            a.layers().size(), html.outerHtml().length(), pdf.length, ms, md.length, csv.length, json.length);
    }
}
