package dev.edgewise.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.analysis.CategoryTotals;
import dev.edgewise.core.analysis.LayerCost;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.analysis.Totals;
import dev.edgewise.core.ir.Shape;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A 600-layer model (ResNet-50 has ~120 nodes, BERT-base ~1,000): the PDF must stay quick. */
class LargeReportTimingTest {
    @Test
    void sixHundredLayersRenderInSeconds() throws Exception {
        List<LayerCost> layers = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            layers.add(ReportFixtures.cost("block" + i / 3 + "/conv" + i % 3 + "/Conv", "Conv", "conv",
                Shape.of(1, 64, 56, 56), 36_928, 115_605_504L + i, 231_211_008L, 147_712, 802_816, 12.5));
        }
        var digits = ReportFixtures.digits();
        ModelAnalysis a = new ModelAnalysis(digits.graph(), layers,
            new Totals(600 * 36_928L, 600 * 115_605_504L, 600 * 231_211_008L, 600 * 147_712L, 600 * 802_816L,
                1_605_632, 7500),
            Map.of("conv", new CategoryTotals("conv", 600, 600 * 36_928L, 600 * 115_605_504L, 600 * 231_211_008L,
                600 * 147_712L, 7500)), List.of(), "test");
        Report r = ReportFixtures.factory().fromAnalysis(a);
        new PdfReportWriter().write(ReportFixtures.full(), new ByteArrayOutputStream()); // warm-up
        long t0 = System.nanoTime();
        ByteArrayOutputStream html = new ByteArrayOutputStream();
        new HtmlReportWriter().write(r, html);
        long t1 = System.nanoTime();
        ByteArrayOutputStream pdf = new ByteArrayOutputStream();
        new PdfReportWriter().write(r, pdf);
        long t2 = System.nanoTime();
        System.out.printf("600 layers: html %d B in %d ms, pdf %d B in %d ms%n", html.size(), (t1 - t0) / 1_000_000,
            pdf.size(), (t2 - t1) / 1_000_000);
        assertThat(PdfReportWriterTest.flat(pdf.toByteArray())).contains("599 block199/conv2/Conv");
        assertThat((t2 - t1) / 1_000_000).isLessThan(30_000);
    }
}
