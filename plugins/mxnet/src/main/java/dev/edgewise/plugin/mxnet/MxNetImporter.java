package dev.edgewise.plugin.mxnet;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.spi.ModelImporter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * MXNet symbol files ({@code prefix-symbol.json}) with their parameters ({@code prefix-NNNN.params},
 * the latest epoch next to the symbol, or option {@code params}). Option {@code input_shape} gives
 * input shapes ("1x3x224x224" for a single input, or "data=1x3x224x224;other=..."); it is needed when
 * the symbol does not state them, and without a params file every weight shape is derived from it.
 */
public final class MxNetImporter implements ModelImporter {
    /** MXNet writes "nodes" first in every symbol file; other JSON (reports, lists) does not. */
    private static final Pattern SYMBOL_START = Pattern.compile("^\\s*\\{\\s*\"nodes\"\\s*:\\s*\\[");
    private static final Pattern EPOCH_PARAMS = Pattern.compile("-(\\d+)\\.params$");

    @Override
    public String id() {
        return "mxnet";
    }

    @Override
    public String formatName() {
        return "MXNet";
    }

    @Override
    public List<String> fileExtensions() {
        return List.of("json");
    }

    @Override
    public boolean sniff(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(256);
            return SYMBOL_START.matcher(new String(head, StandardCharsets.UTF_8)).find();
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    @Override
    public Graph load(Path file, ImportOptions options) throws EdgewiseException {
        JsonNode root = readJson(file);
        if (!root.has("nodes") || !root.get("nodes").isArray() || root.get("nodes").isEmpty()) {
            throw new EdgewiseException(ErrorCode.NOT_A_MODEL, file + ": not an MXNet symbol file (no \"nodes\" array)");
        }
        Path paramsFile = paramsFile(file, options);
        MxParams params = paramsFile == null ? MxParams.none() : MxParams.read(paramsFile);
        return new MxGraphConverter(file, root, params, inputShapes(file, options)).convert();
    }

    private static JsonNode readJson(Path file) throws EdgewiseException {
        try {
            byte[] bytes = Files.readAllBytes(file);
            if (bytes.length == 0) {
                throw new EdgewiseException(ErrorCode.FILE_EMPTY, file + ": file is empty (0 bytes)");
            }
            return new ObjectMapper().readTree(bytes);
        } catch (JsonProcessingException e) {
            String m = e.getOriginalMessage();
            boolean eof = m != null && m.toLowerCase(java.util.Locale.ROOT).contains("end-of-input");
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr();
            throw new EdgewiseException(eof ? ErrorCode.TRUNCATED : ErrorCode.CORRUPT_MODEL, file + ": "
                + (eof ? "truncated MXNet symbol JSON (ends inside a value" + where + ")"
                    : "invalid MXNet symbol JSON" + where + ": " + m), e);
        } catch (NoSuchFileException e) {
            throw new EdgewiseException(ErrorCode.FILE_NOT_FOUND, file + ": no such file", e);
        } catch (IOException e) {
            throw new EdgewiseException(ErrorCode.IO_ERROR, file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Option {@code params}, else the highest-epoch {@code prefix-NNNN.params} beside {@code prefix-symbol.json}. */
    static Path paramsFile(Path symbol, ImportOptions options) throws EdgewiseException {
        var explicit = options.property("params");
        if (explicit.isPresent()) {
            Path p = Path.of(explicit.get());
            if (!Files.isRegularFile(p)) {
                throw new EdgewiseException(ErrorCode.FILE_NOT_FOUND, p + ": params file for " + symbol
                    + " not found (option params)");
            }
            return p;
        }
        String name = symbol.getFileName().toString();
        if (!name.endsWith("-symbol.json")) {
            return null;
        }
        String prefix = name.substring(0, name.length() - "-symbol.json".length());
        Path dir = symbol.toAbsolutePath().getParent();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix + "-") && EPOCH_PARAMS.matcher(n).find()
                    && n.substring(prefix.length() + 1).matches("\\d+\\.params");
            }).max((a, b) -> Long.compare(epoch(a), epoch(b))).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static long epoch(Path p) {
        var m = EPOCH_PARAMS.matcher(p.getFileName().toString());
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    static Map<String, Shape> inputShapes(Path file, ImportOptions options) throws EdgewiseException {
        Map<String, Shape> out = new LinkedHashMap<>();
        var opt = options.property("input_shape");
        if (opt.isEmpty()) {
            return out;
        }
        for (String part : opt.get().split(";")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String name = eq < 0 ? "" : p.substring(0, eq).trim();
            try {
                Shape s = Shape.parse(eq < 0 ? p : p.substring(eq + 1));
                if (!s.isStatic()) {
                    throw new IllegalArgumentException("all dimensions must be numbers");
                }
                out.put(name, s);
            } catch (IllegalArgumentException e) {
                throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, file + ": option input_shape='" + opt.get()
                    + "': " + e.getMessage());
            }
        }
        return out;
    }
}
