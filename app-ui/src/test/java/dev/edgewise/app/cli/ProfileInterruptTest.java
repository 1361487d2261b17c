package dev.edgewise.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C as the JVM receives it: SIGINT to a real {@code edgewise profile} process mid-run. The
 * shutdown hook cancels the run, the command writes what was measured, the exit status is 130.
 */
class ProfileInterruptTest {
    @Test
    void sigintCancelsTheRunAndKeepsWhatWasMeasured(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("interrupted.json");
        String samples = System.getProperty("edgewise.samples", "../samples");
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), "dev.edgewise.app.Main", "profile",
            Path.of(samples, "models", "digits_cnn.onnx").toString(), "--device", "local", "--warmup", "0",
            "--duration", "60", "--sensor-rate", "0", "--format", "json", "-o", out.toString()))
            .redirectErrorStream(true).start();
        try {
            StringBuilder log = new StringBuilder();
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                log.append(line).append('\n');
                if (line.contains(": measuring")) {
                    break;
                }
            }
            assertThat(log.toString()).contains("measuring");
            Thread.sleep(500); // let some iterations be measured
            assertThat(new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor()).isZero();
            r.transferTo(java.io.Writer.nullWriter());
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exits soon after SIGINT").isTrue();
            assertThat(p.exitValue()).isEqualTo(130);
        } finally {
            p.destroyForcibly();
        }
        JsonNode root = new ObjectMapper().readTree(Files.readString(out));
        assertThat(root.get("interrupted").asBoolean()).isTrue();
        JsonNode b = root.get("baseline");
        assertThat(b.get("status").asText()).isEqualTo("cancelled");
        assertThat(b.get("iterations_ms").get("values").size()).isPositive();
        assertThat(b.get("latency_ms").get("count").asInt()).isEqualTo(b.get("iterations_ms").get("values").size());
    }
}
