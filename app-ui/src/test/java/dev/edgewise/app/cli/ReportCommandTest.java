package dev.edgewise.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.edgewise.core.analysis.Analyzer;
import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.analysis.Provenance;
import dev.edgewise.core.report.CategoryBreakdown;
import dev.edgewise.core.report.JsonReports;
import dev.edgewise.core.report.LayerRow;
import dev.edgewise.core.report.LayerTable;
import dev.edgewise.core.report.ModelSummary;
import dev.edgewise.core.report.Origin;
import dev.edgewise.core.report.Report;
import dev.edgewise.core.report.ReportTotals;
import dev.edgewise.core.spi.ImportOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return EdgewiseCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    private static Report smallReport() {
        Origin counted = Origin.counted();
        Origin estimated = new Origin(Provenance.ESTIMATED, "test energy table");
        var model = new ModelSummary("tiny", "/m/tiny.onnx", "onnx", "hand", "1", 8, Map.of("", 13L), "ab12",
            List.of(new ModelSummary.TensorSummary("x", "float", "1x4")),
            List.of(new ModelSummary.TensorSummary("y", "float", "1x2")), 1, 2);
        var row = new LayerRow(0, "dense_<b>1</b>", "Gemm", "fc", List.of("1x2"), 10, 8, 18, 40, 24, 0.28, 0.05,
            true, "");
        var cats = new CategoryBreakdown(List.of(new CategoryBreakdown.CategoryRow("fc", 1, 10, 8, 18, 40, 0.05, 1, 1)),
            new CategoryBreakdown.ConvFcSplit(0, 1, 0, 0, 1, 0), counted, estimated);
        return new Report(Report.CURRENT_VERSION, "Edgewise report: tiny", "Edgewise test", "2026-11-29T10:00:00Z",
            model, new ReportTotals(10, 8, 18, 40, 24, 24, 0.05, counted, estimated), cats,
            new LayerTable(List.of(row), counted, estimated), List.of(), "test energy table", null, null);
    }

    @Test
    void rendersASavedJsonInEachRequestedFormat(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("result.json");
        Files.writeString(json, JsonReports.toJson(smallReport()));
        Path html = dir.resolve("r.html");
        Path md = dir.resolve("r.md");
        Path csv = dir.resolve("r.csv");
        int code = run("report", json.toString(), "-o", html.toString(), "-o", md.toString(), "-o", csv.toString(),
            "--title", "Weekly size check");
        assertThat(code).as(err.toString()).isZero();
        assertThat(Files.readString(html)).contains("dense_&lt;b&gt;1&lt;/b&gt;", "<title>Weekly size check</title>");
        assertThat(Files.readString(md)).startsWith("### Weekly size check");
        assertThat(Files.readString(csv)).contains("dense_<b>1</b>,Gemm,fc,1x2,10,8,18,40,24");
        assertThat(err.toString()).contains("wrote " + html.toAbsolutePath());
    }

    @Test
    void unknownExtensionIsRefusedBeforeAnythingIsWritten(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("result.json");
        Files.writeString(json, JsonReports.toJson(smallReport()));
        int code = run("report", json.toString(), "-o", dir.resolve("a.html").toString(), "-o",
            dir.resolve("b.docx").toString());
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("b.docx: unknown report extension '.docx'; use one of [.html");
        assertThat(dir.resolve("a.html")).doesNotExist();
    }

    @Test
    void missingOrForeignInputIsAUserError(@TempDir Path dir) throws Exception {
        assertThat(run("report", dir.resolve("none.json").toString(), "-o", dir.resolve("r.html").toString()))
            .isEqualTo(2);
        assertThat(err.toString()).contains("none.json: no such file");
        Path other = Files.writeString(dir.resolve("analysis.json"), "{\"layers\": []}");
        assertThat(run("report", other.toString(), "-o", dir.resolve("r.html").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("analysis.json: not an Edgewise report (no report_version)");
    }

    @Test
    void analyzeRefusesAnUnknownReportExtensionUpFront(@TempDir Path dir) {
        Path model = Path.of(System.getProperty("edgewise.samples", "../samples"), "models", "digits_cnn.onnx");
        assertThat(run("analyze", model.toString(), "--report", dir.resolve("r.xlsx").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("r.xlsx: unknown report extension '.xlsx'");
    }

    @Test
    void analyzeWritesReportsOfASampleModel(@TempDir Path dir) throws Exception {
        Path model = Path.of(System.getProperty("edgewise.samples", "../samples"), "models", "digits_cnn.onnx");
        assumeTrue(costModelAvailable(model), "cost model not on this branch yet");
        Path html = dir.resolve("digits.html");
        Path json = dir.resolve("digits.json");
        int code = run("analyze", model.toString(), "--report", html.toString(), "--report", json.toString());
        assertThat(code).as(err.toString()).isZero();
        Report saved = JsonReports.read(json);
        assertThat(saved.model().path()).endsWith("digits_cnn.onnx");
        // 11 nodes: samples/models/models_info.json op_counts, written by the script that built the model
        assertThat(saved.layers().rows()).hasSize(11);
        long params = Analyzer.withDefaults().analyze(model, ImportOptions.DEFAULT, DimBindings.NONE).totals().params();
        assertThat(saved.totals().params()).isEqualTo(params);
        assertThat(Files.readString(html)).contains(String.format(java.util.Locale.ROOT, ">%,d<", params));
    }

    private static boolean costModelAvailable(Path model) {
        try {
            Analyzer.withDefaults().analyze(model, ImportOptions.DEFAULT, DimBindings.NONE);
            return true;
        } catch (UnsupportedOperationException e) {
            return false;
        } catch (Exception e) {
            return true; // any other failure is for the test to show
        }
    }
}
