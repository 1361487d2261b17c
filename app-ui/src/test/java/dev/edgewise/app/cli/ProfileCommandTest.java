package dev.edgewise.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code edgewise devices} and {@code edgewise profile} as a user runs them, on this computer and under qemu. */
class ProfileCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return EdgewiseCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    private static String sample(String rel) {
        return Path.of(System.getProperty("edgewise.samples", "../samples")).resolve(rel).toString();
    }

    private JsonNode json() throws Exception {
        return JSON.readTree(out.toString());
    }

    @Test
    void devicesListsThisComputerWithWhatTheAgentReports() throws Exception {
        assertThat(run("devices", "--format", "json")).as(err.toString()).isZero();
        JsonNode local = null;
        for (JsonNode d : json().get("devices")) {
            if (d.get("id").asText().equals("local")) {
                local = d;
            }
        }
        assertThat(local).as(out.toString()).isNotNull();
        assertThat(local.get("kind").asText()).isEqualTo("local");
        assertThat(local.get("info").get("cores").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(local.get("info").get("arch").asText()).isEqualTo("x86_64");
        assertThat(json().get("problems").isArray()).isTrue();
    }

    @Test
    void profileOnThisComputerChecksOutputsAgainstOnnxRuntime() throws Exception {
        int rc = run("profile", sample("models/digits_cnn.onnx"), "--device", "local", "--warmup", "2", "--iterations", "8",
            "--per-layer", "--check", "--format", "json");
        assertThat(rc).as(err.toString()).isZero();
        JsonNode b = json().get("baseline");
        assertThat(b.get("status").asText()).isEqualTo("completed");
        assertThat(b.get("iterations_ms").get("values")).hasSize(8);
        JsonNode mean = b.get("latency_ms").get("mean");
        assertThat(mean.get("label").asText()).isEqualTo("measured");
        assertThat(mean.get("source").asText()).contains("CLOCK_MONOTONIC");
        assertThat(mean.get("value").asDouble()).isPositive();
        JsonNode check = b.get("check");
        assertThat(check.get("top1_agreement").get("value").asDouble()).isEqualTo(1.0);
        assertThat(check.get("max_rel_error").get("value").asDouble()).isLessThan(1e-4);
        assertThat(check.get("reference").asText()).contains("ONNX Runtime");
        double shares = 0;
        for (JsonNode l : b.get("layers")) {
            shares += l.get("share").get("value").asDouble();
        }
        assertThat(b.get("layers").size()).isGreaterThan(3);
        assertThat(shares).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(b.get("energy").get("energy_per_inference_estimate").get("label").asText()).isEqualTo("estimated");
        assertThat(labels(json()).keySet()).allMatch(p -> !p.isEmpty());
    }

    @Test
    void tableShowsProvenanceLatencyLayersAndCheck() {
        int rc = run("profile", sample("models/digits_mlp.onnx"), "--device", "local", "--warmup", "1", "--iterations", "5",
            "--per-layer", "--top", "2", "--check", "--sensor-rate", "0");
        assertThat(rc).as(err.toString()).isZero();
        String text = out.toString();
        assertThat(text).contains("Device      local", "Timing", "latency (ms)", "measured: CLOCK_MONOTONIC on local",
            "Slowest layers (2 of", "Check vs ONNX Runtime", "top-1 agreement 1/1", "Energy      not sampled");
        String latencyLine = text.lines().filter(l -> l.startsWith("measured: CLOCK_MONOTONIC")).findFirst().orElseThrow();
        assertThat(latencyLine.trim().split("\\s+")).hasSizeGreaterThanOrEqualTo(10);
    }

    @Test
    void emulatedRunIsLabelledEmulatedEverywhereAndItsReportSaysSo(@TempDir Path dir) throws Exception {
        Path o = dir.resolve("a53.json");
        Path html = dir.resolve("a53.html");
        int rc = run("profile", sample("models/digits_cnn.onnx"), "--device", "qemu:cortex-a53", "--warmup", "1",
            "--iterations", "3", "--per-layer", "--check", "--format", "json", "-o", o.toString(), "--report", html.toString());
        assertThat(rc).as(err.toString()).isZero();
        assertThat(out.toString()).isEmpty();
        JsonNode root = JSON.readTree(Files.readString(o));
        Map<String, String> labels = labels(root);
        assertThat(labels).isNotEmpty();
        labels.forEach((path, label) -> assertThat(label).as(path).isIn("emulated", "estimated"));
        labels.forEach((p, l) -> {
            if (p.contains("latency_ms") || p.contains("iterations_ms") || p.contains("layers") || p.contains("throughput")
                    || p.contains("check") || p.contains("samples")) {
                assertThat(l).as(p).isEqualTo("emulated");
            }
        });
        assertThat(labels).containsKey("baseline.latency_ms.p99");
        JsonNode b = root.get("baseline");
        assertThat(b.get("provenance").get("emulated").asBoolean()).isTrue();
        assertThat(b.get("timing_label").asText()).contains("emulated");
        assertThat(b.get("check").get("top1_agreement").get("value").asDouble()).isEqualTo(1.0);
        assertThat(b.get("check").get("max_rel_error").get("value").asDouble()).isLessThan(1e-4);

        Document doc = Jsoup.parse(html.toFile());
        Element device = doc.getElementById("device");
        assertThat(device).as("device section").isNotNull();
        assertThat(device.text()).contains("emulation", "cortex-a53", "Latency", "Time per layer");
    }

    @Test
    void inputsFromTheLabelledCsvAreCheckedRowByRow() throws Exception {
        int rc = run("profile", sample("models/digits_cnn.onnx"), "--device", "local", "--warmup", "1", "--iterations", "3",
            "--inputs", sample("data/digits_test.csv"), "--rows", "12", "--check", "--format", "json");
        assertThat(rc).as(err.toString()).isZero();
        JsonNode b = json().get("baseline");
        JsonNode check = b.get("check");
        assertThat(check.get("rows").asInt()).isEqualTo(12);
        assertThat(check.get("top1_agree_rows").asInt()).isEqualTo(12);
        assertThat(check.get("accuracy").get("value").asDouble()).isGreaterThanOrEqualTo(11 / 12.0);
        assertThat(b.get("settings").get("input").asText()).contains("12 row(s) of", "digits_test.csv");
    }

    @Test
    void optimizedModelAndSettingsFileBothGiveDeltasOnTheSameSession(@TempDir Path dir) throws Exception {
        Path opt = dir.resolve("cnn_s50.onnx");
        assertThat(run("optimize", sample("models/digits_cnn.onnx"), "--prune-structured", "0.5", "-o", opt.toString()))
            .as(err.toString()).isZero();
        out.getBuffer().setLength(0);
        assertThat(run("profile", sample("models/digits_cnn.onnx"), "--device", "local", "--warmup", "1", "--iterations", "5",
            "--optimized", opt.toString(), "--inputs", sample("data/digits_test.csv"), "--rows", "6", "--format", "json"))
            .as(err.toString()).isZero();
        JsonNode first = json();
        JsonNode deltas = first.get("deltas");
        assertThat(deltas.get("mean_latency").get("change").get("label").asText()).isEqualTo("measured");
        double base = first.get("baseline").get("latency_ms").get("mean").get("value").asDouble();
        double optMean = first.get("optimized").get("latency_ms").get("mean").get("value").asDouble();
        assertThat(deltas.get("mean_latency").get("change").get("value").asDouble()).isCloseTo(optMean - base,
            org.assertj.core.data.Offset.offset(1e-9));
        JsonNode agreement = deltas.get("outputs");
        assertThat(agreement.get("rows").asInt()).isEqualTo(6);
        assertThat(agreement.get("max_abs_error").get("value").asDouble()).isPositive(); // half the filters are gone
        assertThat(deltas.get("energy_per_inference").get("optimized").get("value").asDouble())
            .isLessThan(deltas.get("energy_per_inference").get("baseline").get("value").asDouble());

        out.getBuffer().setLength(0);
        assertThat(run("profile", sample("models/digits_cnn.onnx"), "--device", "local", "--warmup", "1", "--iterations", "5",
            "--settings", dir.resolve("cnn_s50.onnx.settings.json").toString(), "--inputs", sample("data/digits_test.csv"),
            "--rows", "6", "--format", "json")).as(err.toString()).isZero();
        JsonNode again = json().get("deltas").get("outputs");
        // the settings reproduce the optimized model exactly, so the device computes the same outputs
        assertThat(again.get("max_abs_error").get("value").asDouble()).isEqualTo(agreement.get("max_abs_error").get("value").asDouble());
        assertThat(again.get("top1_agree_rows").asInt()).isEqualTo(agreement.get("top1_agree_rows").asInt());
    }

    @Test
    void reportHtmlHoldsTheMeasuredDeviceSection(@TempDir Path dir) throws Exception {
        Path html = dir.resolve("r.html");
        Path md = dir.resolve("r.md");
        assertThat(run("profile", sample("models/digits_cnn.onnx"), "--device", "local", "--warmup", "1", "--iterations", "4",
            "--per-layer", "--report", html.toString(), "--report", md.toString())).as(err.toString()).isZero();
        Element device = Jsoup.parse(html.toFile()).getElementById("device");
        assertThat(device).isNotNull();
        assertThat(device.text()).contains("Device results", "CLOCK_MONOTONIC on local", "Latency", "Time per layer",
            "4 iterations").doesNotContain("emulation");
        assertThat(device.select("table.latency td").first().text()).isEqualTo("4");
        assertThat(Files.readString(md)).containsIgnoringCase("device");
    }

    @Test
    void agentDyingMidRunKeepsPartialResultsAndExits1(@TempDir Path dir) throws Exception {
        Path o = dir.resolve("partial.json");
        int rc = run("profile", sample("models/digits_cnn.onnx"), "--device", "flaky:1500", "--warmup", "0", "--duration", "30",
            "--format", "json", "-o", o.toString());
        assertThat(rc).as(err.toString()).isEqualTo(1);
        assertThat(err.toString()).contains("device flaky:1500: baseline run failed");
        JsonNode b = JSON.readTree(Files.readString(o)).get("baseline");
        assertThat(b.get("status").asText()).isEqualTo("failed");
        assertThat(b.get("failure").get("fatal").asBoolean()).isTrue();
        assertThat(b.get("iterations_ms").get("values").size()).isPositive();
    }

    @Test
    void compileOptionsReachTheDeviceSparseKernelsAndFp16WeightsStayWithinTheirBound() throws Exception {
        int rc = run("profile", sample("models/digits_mlp.onnx"), "--device", "local", "--warmup", "1", "--iterations", "3",
            "--per-layer", "--check", "--sparse", "always", "--f16-weights", "--sensor-rate", "0", "--format", "json");
        assertThat(rc).as(err.toString()).isZero();
        JsonNode b = json().get("baseline");
        List<String> kernels = new ArrayList<>();
        b.get("layers").forEach(l -> kernels.add(l.get("kernel").asText()));
        assertThat(kernels).contains("GEMM_CSR").doesNotContain("GEMM");
        assertThat(b.get("check").get("top1_agreement").get("value").asDouble()).isEqualTo(1.0);
        // fp16 weights: documented bound 5e-3 of max |reference| (plan-format.md); fp32 would be ~1e-7
        double rel = b.get("check").get("max_rel_error").get("value").asDouble();
        assertThat(rel).isLessThan(5e-3).isGreaterThan(1e-6);

        assertThat(run("profile", sample("models/digits_mlp.onnx"), "--device", "local", "--sparse", "sometimes")).isEqualTo(2);
        assertThat(lastLine()).contains("--sparse", "sometimes");
        assertThat(run("profile", sample("models/digits_mlp.onnx"), "--device", "local", "--sparse-threshold", "1.5")).isEqualTo(2);
        assertThat(lastLine()).contains("--sparse-threshold 1.5");
    }

    @Test
    void userErrorsAreOneLineNamingTheDeviceFileOrLayer(@TempDir Path dir) {
        String model = sample("models/digits_cnn.onnx");
        assertThat(run("profile", model, "--device", "nosuch:thing", "--iterations", "1")).isEqualTo(2);
        assertThat(lastLine()).startsWith("edgewise: ").contains("nosuch:thing");

        assertThat(run("profile", sample("models/transformer_tiny.onnx"), "--device", "local", "--iterations", "1",
            "--dim", "batch_size=1", "--dim", "sequence_length=8")).isEqualTo(2);
        assertThat(lastLine()).contains("transformer_tiny.onnx: cannot compile for the device runtime: layer '");

        Path unwritable = dir.resolve("missing-folder").resolve("x.json");
        assertThat(run("profile", model, "--device", "local", "--iterations", "1", "-o", unwritable.toString())).isEqualTo(2);
        assertThat(lastLine()).contains(unwritable.toString(), "does not exist");

        assertThat(run("profile", model, "--device", "local", "--iterations", "1", "--report", dir.resolve("r.docx").toString()))
            .isEqualTo(2);
        assertThat(run("profile", model, "--iterations", "0")).isEqualTo(2);
        assertThat(lastLine()).contains("--iterations 0");
        assertThat(run("profile", model, "--iterations", "3", "--duration", "1")).isEqualTo(2);
    }

    private String lastLine() {
        List<String> lines = err.toString().lines().filter(l -> !l.isBlank()).toList();
        return lines.get(lines.size() - 1);
    }

    /** Every "label" in the tree by its dotted path. */
    private static Map<String, String> labels(JsonNode root) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        collect(root, "", out);
        return out;
    }

    private static void collect(JsonNode n, String path, Map<String, String> out) {
        if (n.isObject()) {
            if (n.has("label") && n.get("label").isTextual()) {
                out.put(path, n.get("label").asText());
            }
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            it.forEachRemaining(fields::add);
            fields.forEach(e -> collect(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out));
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                collect(n.get(i), path + "[" + i + "]", out);
            }
        }
    }
}
