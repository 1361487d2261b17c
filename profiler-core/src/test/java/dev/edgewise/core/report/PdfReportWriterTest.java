package dev.edgewise.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PdfReportWriterTest {
    private static byte[] full;
    private static long fullMillis;

    @BeforeAll
    static void renderOnce() throws IOException {
        pdf(ReportFixtures.factory().fromAnalysis(ReportFixtures.digits())); // warm-up: class loading, font cache
        long t0 = System.nanoTime();
        full = pdf(ReportFixtures.full());
        fullMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("PDF of the digits fixture with optimization and device sections: %d bytes in %d ms%n",
            full.length, fullMillis);
    }

    static byte[] pdf(Report r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PdfReportWriter().write(r, out);
        return out.toByteArray();
    }

    static String text(byte[] pdf) throws IOException {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            return new PDFTextStripper().getText(doc);
        }
    }

    /** Text with line breaks folded, since table cells may wrap inside a word. */
    static String flat(byte[] pdf) throws IOException {
        return text(pdf).replaceAll("\\s+", " ");
    }

    @Test
    void numbersAndLabelsOfEverySectionAreInThePdf() throws IOException {
        String t = flat(full);
        assertThat(t).contains("Edgewise report: digits_cnn", "How to read the figures", "pytorch 2.1.0",
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "batchx1x8x8");
        assertThat(t).contains("Parameters 1.37 k 1,370 counted", "MACs 5.89 k 5,888 counted",
            "estimated: Horowitz 45nm table");
        assertThat(t).contains("0 conv1 Conv conv 1x8x8x8 80 4,608 9,728 320 2,304 3.71 1.200",
            "4 fc1 Gemm fc 1x10 1,290 1,280 2,570 5,160 552 0.45 0.900");
        assertThat(t).contains("Conv / fc / other: params 5.8% / 94.2% / 0.0%; MACs 78.3% / 21.7% / 0.0%.");
        assertThat(t).contains("MACs 5888 3584 -2304 -39.1% counted", "pruned 4 of 8 channels, int8",
            "measured: ONNX Runtime 1.29 on host, digits test set");
        assertThat(t).contains("50 1.000 1.255 1.200 1.450 2.850 2.850 0.271 measured: CLOCK_MONOTONIC",
            "Inferences per second per watt 384.60 measured: hwmon ina3221 VDD_IN", "cpu0 capped at 1.5 GHz");
        assertThat(t).contains("Warnings (2)", "layer 'flatten': shape op, no cost");
    }

    @Test
    void chartsAreDrawnInThePdf() throws IOException {
        try (PDDocument doc = Loader.loadPDF(full)) {
            long blueFills = 0;
            long orangeFills = 0;
            long strokes = 0;
            for (int i = 0; i < doc.getNumberOfPages(); i++) {
                List<PdfContent.Op> ops = PdfContent.operators(doc.getPage(i));
                blueFills += PdfContent.fillColourUses(ops, SvgCharts.PALETTE[0]);
                orangeFills += PdfContent.fillColourUses(ops, SvgCharts.PALETTE[1]);
                strokes += ops.stream().filter(o -> o.name().equals("S")).count();
            }
            // MACs chart: 2 bars (conv1, fc1), category chart: 2 conv segments + 1 legend key; same for params
            assertThat(blueFills).isGreaterThanOrEqualTo(5);
            assertThat(orangeFills).isGreaterThanOrEqualTo(5);
            // latency, power and temperature lines plus their axes
            assertThat(strokes).isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void hostileStringsAppearLiterallyAndDoNotBreakLayout() throws IOException {
        Report r = ReportFixtures.factory().fromAnalysis(ReportFixtures.hostile())
            .withDevice(ReportFixtures.device(false));
        String t = flat(pdf(r));
        assertThat(t).contains("conv1" + ReportFixtures.SCRIPT, "evil" + ReportFixtures.SCRIPT,
            "Raspberry Pi 4 Model B" + ReportFixtures.SCRIPT);
    }

    @Test
    void namesOutsideLatin1OrWithControlCharactersDoNotBreakThePdf() throws IOException {
        var a = ReportFixtures.analysis("卷积层", "relu ✓", "pool Ω", "flat\u0000\u0001\u001bten", "fc😀", "producer",
            "模型");
        String t = flat(pdf(ReportFixtures.factory().fromAnalysis(a)));
        // The PDF uses the standard PDF fonts (WinAnsi): other characters print as '#'; HTML and JSON keep them.
        assertThat(t).contains("Edgewise report: ##", "relu #", "pool #", "4,608");
    }

    @Test
    void renderingIsReasonablyFast() {
        // Generous bound for a shared 2-core machine; the measured time is printed above.
        assertThat(fullMillis).isLessThan(15_000);
    }

    @Test
    void producerAndTitleAreInTheDocumentInformation() throws IOException {
        try (PDDocument doc = Loader.loadPDF(full)) {
            assertThat(doc.getDocumentInformation().getProducer()).isEqualTo("Edgewise test");
            assertThat(doc.getDocumentInformation().getTitle()).isEqualTo("Edgewise report: digits_cnn");
            assertThat(doc.getPage(0).getMediaBox().getWidth()).isGreaterThan(doc.getPage(0).getMediaBox().getHeight());
        }
    }
}
