package dev.edgewise.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarkdownReportWriterTest {
    private final MarkdownReportWriter writer = new MarkdownReportWriter();

    /** Table cell separators: pipes not preceded by a backslash. */
    private static long cellSeparators(String line) {
        return line.replace("\\|", "").chars().filter(c -> c == '|').count();
    }

    @Test
    void compactSummaryWithTopLayersAndCategorySplit() {
        String md = writer.render(ReportFixtures.factory().fromAnalysis(ReportFixtures.digits()));
        assertThat(md).startsWith("### Edgewise report: digits\\_cnn\n");
        assertThat(md).contains("| 1.37 k | 5.89 k | 14.3 k | 5.35 KiB | 6.00 KiB | 2.19 uJ |");
        assertThat(md).contains("| counted | counted | counted | counted | counted | estimated: Horowitz 45nm table "
            + "\\(pJ per MAC and per DRAM byte\\) |");
        assertThat(md).contains("**Top 2 of 5 layers by MACs** (counted)");
        assertThat(md).doesNotContain("| relu1 |");
        assertThat(md).contains("| 0 | conv1 | Conv | 4.61 k | 78.3% | 80 |", "| 4 | fc1 | Gemm | 1.28 k | 21.7% | 1.29 k |");
        assertThat(md).contains("Conv / fc / other: params 5.8% / 94.2% / 0.0%, MACs 78.3% / 21.7% / 0.0% (counted)");
        assertThat(md).doesNotContain("**Optimization**", "**Device**");
        assertThat(md.lines().count()).isLessThan(60);
    }

    @Test
    void optimizedReportShowsDeltasAndMarksRegressions() {
        String md = writer.render(ReportFixtures.full());
        assertThat(md).contains("**Optimization**: model quantize=int8 per-channel, conv1 prune=50% channels \\(L1\\)");
        assertThat(md).contains("| MACs | 5888 | 3584 | -39.1% | counted |");
        assertThat(md).contains("| Top-1 accuracy | 97.2 % | 96.4 % | -0.8% (worse) | measured: ONNX Runtime 1.29 on "
            + "host, digits test set |");
        assertThat(md).contains("| measured: CLOCK\\_MONOTONIC | 1.000 | 1.255 | 1.200 | 1.450 | 2.850 | 0.271 |");
        assertThat(md).contains("Power 2.150 W, energy 2.600 mJ / inference, 384.60 inferences/s/W "
            + "(measured: hwmon ina3221 VDD\\_IN)");
    }

    @Test
    void hostileNamesCannotBreakTablesOrInjectMarkup() {
        Report r = ReportFixtures.factory().fromAnalysis(ReportFixtures.hostile()).withDevice(ReportFixtures.device(false));
        String md = writer.render(r);
        List<String> tableLines = md.lines().filter(l -> l.startsWith("| ")).toList();
        // every row of a table has as many cell separators as its header
        String[] blocks = md.split("\n\n");
        for (String block : blocks) {
            List<String> rows = Arrays.stream(block.split("\n")).filter(l -> l.startsWith("|")).toList();
            if (!rows.isEmpty()) {
                long cols = cellSeparators(rows.get(0));
                assertThat(rows).allSatisfy(l -> assertThat(cellSeparators(l)).as(l).isEqualTo(cols));
            }
        }
        assertThat(tableLines).isNotEmpty();
        // only our own <details>, <summary>, <sub> tags; every other '<' or link bracket is backslash-escaped
        String stripped = md.replaceAll("</?(details|summary|sub)>", "");
        assertThat(stripped).doesNotContainPattern("(?<!\\\\)<").doesNotContainPattern("(?<!\\\\)\\]");
        assertThat(md).contains("conv1\\<script\\>alert\\(1\\)\\</script\\>", "fc1\\|\\*x\\*", "flat,ten \"q\" line");
    }

    @Test
    void emulatedLatencyIsCalledOut() {
        Report r = ReportFixtures.factory().fromAnalysis(ReportFixtures.digits()).withDevice(ReportFixtures.device(true));
        assertThat(writer.render(r)).contains("emulated: qemu-aarch64 7.2 -cpu max",
            "Timings come from emulation and are not representative of the device.");
    }
}
