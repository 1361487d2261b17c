package dev.edgewise.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code edgewise analyze} as a user runs it: formats, bindings, exit codes and messages. */
class AnalyzeCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return EdgewiseCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    private static Path sample(String rel) {
        return Path.of(System.getProperty("edgewise.samples", "../samples")).resolve(rel);
    }

    @Test
    void jsonHasTheDocumentedShapeAndAgreesWithItself() throws Exception {
        assertThat(run("analyze", sample("models/digits_cnn.onnx").toString(), "--format", "json")).isZero();
        JsonNode j = new ObjectMapper().readTree(out.toString());
        for (String k : new String[] {"path", "format", "producer", "opset", "sha256"}) {
            assertThat(j.get("model").has(k)).as("model." + k).isTrue();
        }
        assertThat(j.get("model").get("sha256").asText()).hasSize(64);
        assertThat(j.get("inputs").get(0).get("shape").toString()).isEqualTo("[1,1,8,8]");
        for (String k : new String[] {"params", "macs", "flops", "weight_bytes", "activation_bytes",
            "peak_activation_bytes", "energy_uj_estimate"}) {
            assertThat(j.get("totals").has(k)).as("totals." + k).isTrue();
        }
        long layerMacs = 0;
        long convMacs = 0;
        for (JsonNode l : j.get("layers")) {
            for (String k : new String[] {"name", "op", "category", "inputs", "outputs", "output_shapes", "params",
                "macs", "flops", "weight_bytes", "activation_bytes", "arithmetic_intensity", "energy_uj_estimate"}) {
                assertThat(l.has(k)).as(l.get("name") + "." + k).isTrue();
            }
            layerMacs += l.get("macs").asLong();
            if (l.get("op").asText().equals("Conv")) {
                convMacs += l.get("macs").asLong();
            }
        }
        assertThat(j.get("totals").get("macs").asLong()).isEqualTo(layerMacs).isPositive();
        assertThat(j.get("by_category").get("conv").get("macs").asLong()).isEqualTo(convMacs);
        assertThat(j.get("by_category").get("fc").get("layers").asInt()).isEqualTo(2);
        assertThat(j.get("warnings")).isEmpty();
    }

    @Test
    void tableShowsTotalsSharesAndProvenance() {
        assertThat(run("analyze", sample("models/resnet_tiny.onnx").toString())).isZero();
        String t = out.toString();
        assertThat(t).contains("Total", "Category", "conv", "fc", "counted from the graph", "estimated by the energy model");
        assertThat(t).contains("1x10");
    }

    @Test
    void symbolicDimsAreBoundFromTheCommandLine() throws Exception {
        String model = sample("models/transformer_tiny.onnx").toString();
        assertThat(run("analyze", model, "--format", "json", "--dim", "batch_size=2", "--dim", "sequence_length=16")).isZero();
        JsonNode bound = new ObjectMapper().readTree(out.toString());
        assertThat(bound.get("inputs").get(0).get("shape").toString()).isEqualTo("[2,16,32]");
        assertThat(bound.get("warnings")).isEmpty();
        long macs16 = bound.get("totals").get("macs").asLong();
        out.getBuffer().setLength(0);
        assertThat(run("analyze", model, "--format", "json", "--input", "input=1x16x32")).isZero();
        long macsBatch1 = new ObjectMapper().readTree(out.toString()).get("totals").get("macs").asLong();
        assertThat(macs16).isEqualTo(2 * macsBatch1);
    }

    @Test
    void unboundSymbolsAreReportedNotFatal() {
        assertThat(run("analyze", sample("models/transformer_tiny.onnx").toString(), "--format", "csv")).isZero();
        assertThat(err.toString()).contains("warning:");
    }

    @Test
    void badFilesExitWithTwoAndOneLineNamingTheFile() {
        for (String bad : new String[] {"corpus/truncated.onnx", "corpus/cycle.onnx", "corpus/not_a_model.onnx",
            "corpus/negative_dim.onnx", "corpus/empty.onnx", "corpus/absurd_dim.onnx", "models/does_not_exist.onnx"}) {
            err.getBuffer().setLength(0);
            assertThat(run("analyze", sample(bad).toString())).as(bad).isEqualTo(2);
            String e = err.toString().strip();
            assertThat(e.lines().count()).as(e).isEqualTo(1);
            assertThat(e).startsWith("edgewise: ").contains(Path.of(bad).getFileName().toString()).doesNotContain("Exception");
        }
    }

    @Test
    void badOptionsExitWithTwo() {
        String model = sample("models/digits_cnn.onnx").toString();
        assertThat(run("analyze", model, "--input", "nosuch=1x1x8x8")).isEqualTo(2);
        assertThat(err.toString()).contains("nosuch").contains("input");
        assertThat(run("analyze", model, "--dim", "batch=-1")).isEqualTo(2);
        assertThat(run("analyze", model, "--input", "input=1x1x-8x8")).isEqualTo(2);
        assertThat(run("analyze", model, "--format", "xml")).isEqualTo(2);
    }

    @Test
    void outputFileIsWrittenWholeOrNotAtAll(@TempDir Path dir) throws Exception {
        Path ok = dir.resolve("a.json");
        assertThat(run("analyze", sample("models/digits_mlp.onnx").toString(), "--format", "json", "-o", ok.toString())).isZero();
        assertThat(new ObjectMapper().readTree(ok.toFile()).get("layers").size()).isPositive();
        Path missingDir = dir.resolve("no/such/folder/a.json");
        assertThat(run("analyze", sample("models/digits_mlp.onnx").toString(), "-o", missingDir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no/such/folder");
        Path failed = dir.resolve("b.json");
        assertThat(run("analyze", sample("corpus/truncated.onnx").toString(), "--format", "json", "-o", failed.toString()))
            .isEqualTo(2);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("a.json");
        }
    }

    @Test
    void helpAndVersion() {
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).startsWith("edgewise ");
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("analyze", "report", "zoo");
    }
}
