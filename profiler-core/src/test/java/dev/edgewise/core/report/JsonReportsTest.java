package dev.edgewise.core.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonReportsTest {
    private static String json(Report r) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new JsonReportWriter().write(r, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static Report read(String json) throws EdgewiseException {
        return JsonReports.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), "test.json");
    }

    @Test
    void jsonToModelToJsonIsIdenticalWithAndWithoutOptionalSections() throws Exception {
        for (Report r : List.of(ReportFixtures.factory().fromAnalysis(ReportFixtures.digits()), ReportFixtures.full(),
            ReportFixtures.factory().fromAnalysis(ReportFixtures.hostile()).withDevice(ReportFixtures.device(true)))) {
            String first = json(r);
            Report back = read(first);
            assertThat(back).isEqualTo(r);
            assertThat(json(back)).isEqualTo(first);
        }
    }

    @Test
    void keysAreSnakeCaseAndSortedAtEveryLevel() throws Exception {
        JsonNode root = new ObjectMapper().readTree(json(ReportFixtures.full()));
        assertThat(root.get("report_version").asInt()).isEqualTo(Report.CURRENT_VERSION);
        assertThat(root.at("/totals/macs").asLong()).isEqualTo(5888);
        assertThat(root.at("/totals/counts/provenance").asText()).isEqualTo("COUNTED");
        assertThat(root.at("/device/latency/origin/source").asText()).isEqualTo("CLOCK_MONOTONIC");
        assertThat(root.at("/layers/rows/0/name").asText()).isEqualTo("conv1");
        assertThat(root.at("/model/opsets").fieldNames()).toIterable().containsExactly("", "com.microsoft");
        checkSorted(root, "$");
    }

    private static void checkSorted(JsonNode node, String path) {
        if (node.isObject()) {
            List<String> keys = new ArrayList<>();
            node.fieldNames().forEachRemaining(keys::add);
            assertThat(keys).as(path).isSorted();
            keys.forEach(k -> {
                assertThat(k).as(path).matches("[a-z0-9_.]*");
                checkSorted(node.get(k), path + "." + k);
            });
        } else if (node.isArray()) {
            Iterator<JsonNode> it = node.elements();
            int i = 0;
            while (it.hasNext()) {
                checkSorted(it.next(), path + "[" + i++ + "]");
            }
        }
    }

    @Test
    void absentSectionsAreOmittedNotNull() throws Exception {
        JsonNode root = new ObjectMapper().readTree(json(ReportFixtures.factory().fromAnalysis(ReportFixtures.digits())));
        assertThat(root.has("optimization")).isFalse();
        assertThat(root.has("device")).isFalse();
    }

    @Test
    void aNewerReportVersionIsRefusedByName() {
        assertThatThrownBy(() -> read("{\"report_version\": 99}"))
            .isInstanceOf(EdgewiseException.class)
            .hasMessageContaining("test.json").hasMessageContaining("report_version 99 is not supported");
    }

    @Test
    void otherJsonAndGarbageAreRefusedWithTheFileName() {
        assertThatThrownBy(() -> read("{\"graph\": {}}")).hasMessageContaining("test.json: not an Edgewise report");
        assertThatThrownBy(() -> read("not json")).hasMessageContaining("test.json: not a JSON report");
        assertThatThrownBy(() -> read("{\"report_version\": 1, \"title\": \"x\"}"))
            .hasMessageContaining("test.json: malformed report");
    }

    @Test
    void missingFileIsAUserError(@TempDir Path dir) {
        Path f = dir.resolve("nothing.json");
        assertThatThrownBy(() -> JsonReports.read(f)).isInstanceOf(EdgewiseException.class)
            .hasMessage(f + ": no such file")
            .satisfies(e -> assertThat(((EdgewiseException) e).code()).isEqualTo(ErrorCode.FILE_NOT_FOUND));
    }

    @Test
    void savedFileReadsBack(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("r.json");
        Files.writeString(f, json(ReportFixtures.full()));
        assertThat(JsonReports.read(f)).isEqualTo(ReportFixtures.full());
    }
}
