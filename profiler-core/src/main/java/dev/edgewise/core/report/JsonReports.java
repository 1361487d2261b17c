package dev.edgewise.core.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The JSON form of a report: snake_case keys in alphabetical order at every level, absent
 * sections omitted, a {@code report_version} to refuse files from a newer Edgewise. Reading a
 * written report and writing it again gives the same bytes.
 */
public final class JsonReports {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
        .disable(MapperFeature.SORT_CREATOR_PROPERTIES_FIRST)
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
        .enable(SerializationFeature.INDENT_OUTPUT)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .serializationInclusion(JsonInclude.Include.NON_NULL)
        .build();

    private JsonReports() {
    }

    public static void write(Report report, OutputStream out) throws IOException {
        MAPPER.writer().without(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            .writeValue(out, report);
    }

    public static String toJson(Report report) {
        try {
            return MAPPER.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("report cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Reads a report saved by {@link #write}; the error names the file and what is wrong with it. */
    public static Report read(Path file) throws EdgewiseException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new EdgewiseException(ErrorCode.FILE_NOT_FOUND, file + ": no such file");
        } catch (IOException e) {
            throw new EdgewiseException(ErrorCode.IO_ERROR, file + ": cannot read: " + e.getMessage(), e);
        }
    }

    public static Report read(InputStream in, String sourceName) throws EdgewiseException {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(in);
        } catch (IOException e) {
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, sourceName + ": not a JSON report: "
                + firstLine(e.getMessage()), e);
        }
        if (tree == null || !tree.isObject() || !tree.has("report_version")) {
            throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, sourceName
                + ": not an Edgewise report (no report_version); pass a file written by --report FILE.json");
        }
        int version = tree.get("report_version").asInt(-1);
        if (version < 1 || version > Report.CURRENT_VERSION) {
            throw new EdgewiseException(ErrorCode.UNSUPPORTED, sourceName + ": report_version " + tree.get(
                "report_version") + " is not supported (this Edgewise reads 1.." + Report.CURRENT_VERSION + ")");
        }
        try {
            return MAPPER.treeToValue(tree, Report.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, sourceName + ": malformed report: "
                + firstLine(e.getMessage()), e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
