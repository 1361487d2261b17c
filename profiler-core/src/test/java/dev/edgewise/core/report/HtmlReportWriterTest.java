package dev.edgewise.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Attribute;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;

class HtmlReportWriterTest {
    private final HtmlReportWriter writer = new HtmlReportWriter();

    private static List<String> column(Document doc, String tableSelector, int column) {
        return doc.select(tableSelector + " tbody tr").stream().map(tr -> tr.child(column).ownText()).toList();
    }

    @Test
    void layerTableShowsEveryLayerWithItsCountsAndProvenance() {
        Document doc = Jsoup.parse(writer.render(ReportFixtures.factory().fromAnalysis(ReportFixtures.digits())));
        assertThat(column(doc, "table.layers", 1)).containsExactly("conv1", "relu1", "pool1", "flatten", "fc1");
        assertThat(column(doc, "table.layers", 5)).containsExactly("80", "0", "0", "0", "1,290");
        assertThat(column(doc, "table.layers", 6)).containsExactly("4,608", "0", "0", "0", "1,280");
        assertThat(column(doc, "table.layers", 4)).containsExactly("1x8x8x8", "1x8x8x8", "1x8x4x4", "1x128", "1x10");
        // conv1: 9,728 FLOPs over 320 + 2,304 bytes
        assertThat(doc.select("table.layers tbody tr").get(0).child(10).text()).isEqualTo("3.71");
        List<String> provenance = doc.select("table.layers tr.prov-row th").stream().map(Element::text).toList();
        assertThat(provenance.subList(5, 11)).containsOnly("counted");
        assertThat(provenance.get(11)).startsWith("estimated: Horowitz 45nm");
        assertThat(doc.select("table.layers tr.unresolved").text()).contains("flatten", "shape op: no arithmetic");
    }

    @Test
    void summaryTotalsAndCategoriesAreThere() {
        Document doc = Jsoup.parse(writer.render(ReportFixtures.factory().fromAnalysis(ReportFixtures.digits())));
        String model = doc.select("section#model").text();
        assertThat(model).contains("/models/digits_cnn.onnx", "pytorch 2.1.0", "ai.onnx 17", "com.microsoft 1",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "batchx1x8x8", "logits", "1x10");
        Element totals = doc.selectFirst("section#totals table");
        assertThat(totals.select("tr:contains(Parameters) td").eachText()).containsExactly("Parameters", "1.37 k",
            "1,370", "counted");
        assertThat(totals.select("tr:contains(MACs) td").eachText()).containsExactly("MACs", "5.89 k", "5,888",
            "counted");
        assertThat(totals.select("tr:contains(Energy) td").last().text()).startsWith("estimated:");
        // 4,608 of 5,888 MACs are conv (78.3%), 1,280 fc (21.7%); params 80 / 1,370 = 5.8%, 1,290 / 1,370 = 94.2%
        assertThat(doc.selectFirst("p.split").text())
            .isEqualTo("Conv / fc / other: params 5.8% / 94.2% / 0.0%; MACs 78.3% / 21.7% / 0.0%.");
        assertThat(column(doc, "section#categories table", 0)).containsExactly("conv", "fc", "activation", "pool",
            "shape");
        assertThat(doc.select("section#warnings li").eachText()).containsExactly("importer: doc_string dropped",
            "layer 'flatten': shape op, no cost");
    }

    @Test
    void chartsAreInlineSvgWithOneBarPerLayerThatHasSome() {
        Document doc = Jsoup.parse(writer.render(ReportFixtures.factory().fromAnalysis(ReportFixtures.digits())));
        List<Element> charts = doc.select("svg.chart");
        assertThat(charts).hasSize(3);
        Element macs = doc.selectFirst("section#layers svg.chart");
        assertThat(macs.selectFirst("title").text()).isEqualTo("MACs per layer (the 2 largest of 5 layers)");
        assertThat(macs.select("rect")).hasSize(2);
        assertThat(macs.select("text.label").eachText()).containsExactly("conv1", "fc1");
        // the widest bar is the largest value: conv1 beats fc1 on MACs
        double conv = Double.parseDouble(macs.select("rect").get(0).attr("width"));
        double fc = Double.parseDouble(macs.select("rect").get(1).attr("width"));
        assertThat(conv / fc).isCloseTo(4608.0 / 1280.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(macs.attr("viewBox")).isEqualTo("0 0 720 66");
    }

    @Test
    void fileIsSelfContainedAndPrintable() {
        String html = writer.render(ReportFixtures.full());
        Document doc = Jsoup.parse(html);
        assertThat(doc.select("script, link, iframe, object, embed, img")).isEmpty();
        assertThat(doc.select("[src], [href]")).isEmpty();
        for (Element e : doc.getAllElements()) {
            e.attributes().asList().stream().filter(a -> !a.getKey().equals("xmlns"))
                .forEach(a -> assertThat(a.getValue()).as(a.getKey()).doesNotContain("://"));
        }
        assertThat(doc.selectFirst("style").data()).doesNotContain("url(", "@import", "://");
        assertThat(html).startsWith("<!doctype html>").contains("viewBox=\"0 0 720 ");
        assertThat(doc.selectFirst("style").data()).contains("@media print", "@page");
        assertThat(doc.selectFirst("meta[charset]").attr("charset")).isEqualTo("utf-8");
    }

    @Test
    void markupInModelAndDeviceStringsIsShownLiterallyNeverInjected() {
        Report r = ReportFixtures.factory().fromAnalysis(ReportFixtures.hostile())
            .withOptimization(ReportFixtures.optimization()).withDevice(ReportFixtures.device(false));
        String html = writer.render(r);
        Document doc = Jsoup.parse(html);
        assertThat(doc.select("script, img, iframe, object, embed")).isEmpty();
        for (Element e : doc.getAllElements()) {
            for (Attribute a : e.attributes()) {
                assertThat(a.getKey()).as("attribute on <%s>", e.tagName()).doesNotStartWith("on");
            }
        }
        assertThat(column(doc, "table.layers", 1)).containsExactly("conv1" + ReportFixtures.SCRIPT,
            "relu1" + ReportFixtures.IMG, "pool1" + ReportFixtures.CDATA_END, "flat,ten \"q\" line", "fc1|*x*");
        assertThat(doc.select("section#model").text()).contains("evil" + ReportFixtures.SCRIPT + ReportFixtures.IMG
            + ReportFixtures.CDATA_END);
        assertThat(doc.title()).isEqualTo("Edgewise report: g" + ReportFixtures.IMG);
        assertThat(doc.select("section#device table.kv td").eachText())
            .contains("Raspberry Pi 4 Model B" + ReportFixtures.SCRIPT);
        assertThat(doc.select("section#layers svg text.label").eachText()).contains("conv1" + ReportFixtures.SCRIPT);
        // the raw text never appears unescaped in the file
        assertThat(html).doesNotContain("<script>", "<img", "]]>");
    }

    @Test
    void controlCharactersInNamesDoNotCorruptTheDocument() {
        var a = ReportFixtures.analysis("conv\u0000\u0007", "relu", "pool", "flatten", "fc", "p", "g");
        Document doc = Jsoup.parse(writer.render(ReportFixtures.factory().fromAnalysis(a)));
        assertThat(doc.select("table.layers tbody tr")).hasSize(5);
        assertThat(column(doc, "table.layers", 2)).containsExactly("Conv", "Relu", "MaxPool", "Flatten", "Gemm");
    }

    @Test
    void optionalSectionsAppearOnlyWhenPresent() {
        Document plain = Jsoup.parse(writer.render(ReportFixtures.factory().fromAnalysis(ReportFixtures.digits())));
        assertThat(plain.select("section#optimization, section#device")).isEmpty();

        Document doc = Jsoup.parse(writer.render(ReportFixtures.full()));
        Element opt = doc.selectFirst("section#optimization");
        assertThat(opt.select("table.compare tr:contains(MACs) td").eachText())
            .containsExactly("MACs", "5888", "3584", "-2304", "-39.1%", "counted");
        assertThat(opt.select("table.compare tr.worse").text()).contains("Top-1 accuracy", "-0.8%",
            "measured: ONNX Runtime 1.29 on host, digits test set");
        assertThat(opt.text()).contains("int8 per-channel", "pruned 4 of 8 channels, int8", "31.25",
            "digits test set, 360 samples");

        Element dev = doc.selectFirst("section#device");
        assertThat(dev.select("table.latency tbody td").eachText()).containsExactly("50", "1.000", "1.255", "1.200",
            "1.450", "2.850", "2.850", "0.271", "measured: CLOCK_MONOTONIC");
        assertThat(dev.select("svg.chart")).hasSize(4);
        assertThat(dev.select("svg.chart polyline").first().attr("points").split(" ")).hasSize(50);
        assertThat(dev.text()).contains("384.60", "measured: hwmon ina3221 VDD_IN", "cpu0 capped at 1.5 GHz",
            "measured: thermal_zone0");
        assertThat(dev.select("p.caution")).isEmpty();
    }

    @Test
    void emulatedTimingsAreLabelledAsSuch() {
        Report r = ReportFixtures.factory().fromAnalysis(ReportFixtures.digits())
            .withDevice(ReportFixtures.device(true));
        Document doc = Jsoup.parse(writer.render(r));
        assertThat(doc.selectFirst("section#device p.caution").text()).contains("emulation");
        assertThat(doc.select("table.latency td span.prov-emulated").text())
            .isEqualTo("emulated: qemu-aarch64 7.2 -cpu max");
    }
}
