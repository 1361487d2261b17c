package dev.edgewise.core.analysis.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Node;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Operator knowledge as data ({@code op-metadata.json}): category, counter, parameter inputs, flop
 * constants and attribute defaults per op. The one place where an op's category is decided.
 */
public final class OpMetadata {
    public static final String DEFAULT_RESOURCE = "/dev/edgewise/core/analysis/op-metadata.json";

    private final List<String> categories;
    private final Map<String, OpInfo> ops;
    private final String source;

    private OpMetadata(List<String> categories, Map<String, OpInfo> ops, String source) {
        this.categories = List.copyOf(categories);
        this.ops = Map.copyOf(ops);
        this.source = source;
    }

    /** The metadata shipped with Edgewise. */
    public static OpMetadata defaults() {
        return DefaultHolder.INSTANCE;
    }

    public static OpMetadata load(Path file) throws EdgewiseException {
        try (InputStream in = Files.newInputStream(file)) {
            return load(in, file.toString());
        } catch (IOException e) {
            throw new EdgewiseException(ErrorCode.IO_ERROR, file + ": cannot read op metadata: " + e.getMessage(), e);
        }
    }

    public static OpMetadata load(InputStream in, String sourceName) throws EdgewiseException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw invalid(sourceName, "not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.path("categories").isArray() || !root.path("ops").isObject()) {
            throw invalid(sourceName, "needs a 'categories' array and an 'ops' object");
        }
        List<String> categories = new ArrayList<>();
        root.get("categories").forEach(c -> categories.add(c.asText()));
        Map<String, OpInfo> ops = new HashMap<>();
        var fields = root.get("ops").properties().iterator();
        while (fields.hasNext()) {
            var e = fields.next();
            ops.put(e.getKey(), parseOp(sourceName, e.getKey(), e.getValue(), categories));
        }
        return new OpMetadata(categories, ops, sourceName);
    }

    /** The op's metadata; keyed by op type in the default domain, {@code domain:OpType} elsewhere. */
    public Optional<OpInfo> lookup(Node node) {
        return Optional.ofNullable(ops.get(key(node)));
    }

    public Optional<OpInfo> lookup(String key) {
        return Optional.ofNullable(ops.get(key));
    }

    public static String key(Node node) {
        return node.isDefaultDomain() ? node.opType() : node.domain() + ":" + node.opType();
    }

    /** Category names in the file's order (conv, fc, activation, ...). */
    public List<String> categories() {
        return categories;
    }

    public Map<String, OpInfo> ops() {
        return ops;
    }

    public String source() {
        return source;
    }

    OpCounter counterFor(OpInfo info) {
        return OpCounters.get(info.counter()).counter();
    }

    private static OpInfo parseOp(String src, String key, JsonNode op, List<String> categories)
            throws EdgewiseException {
        String category = op.path("category").asText("");
        if (!categories.contains(category)) {
            throw invalid(src, "op '" + key + "': category '" + category + "' is not one of " + categories);
        }
        String counter = op.path("counter").asText("");
        OpCounters.Spec spec = OpCounters.get(counter);
        if (spec == null) {
            throw invalid(src, "op '" + key + "': counter '" + counter + "' is not one of " + OpCounters.names());
        }
        List<Integer> weights = new ArrayList<>();
        JsonNode w = op.path("weights");
        if (w.isTextual() && w.asText().equals("all")) {
            weights.add(OpInfo.ALL_INPUTS);
        } else if (w.isArray()) {
            w.forEach(i -> weights.add(i.asInt()));
        } else if (!w.isMissingNode()) {
            throw invalid(src, "op '" + key + "': 'weights' must be a list of input indices or \"all\"");
        }
        Map<String, Integer> roles = new LinkedHashMap<>();
        op.path("roles").properties().forEach(r -> roles.put(r.getKey(), r.getValue().asInt()));
        for (String required : spec.requiredRoles()) {
            if (!roles.containsKey(required)) {
                throw invalid(src, "op '" + key + "': counter '" + counter + "' needs role '" + required + "'");
            }
        }
        Map<String, Map<String, Double>> variants = new LinkedHashMap<>();
        var vs = op.path("variants").properties().iterator();
        while (vs.hasNext()) {
            var v = vs.next();
            if (!v.getKey().contains("=")) {
                throw invalid(src, "op '" + key + "': variant '" + v.getKey() + "' must read attribute=value");
            }
            variants.put(v.getKey(), numbers(src, key, v.getValue()));
        }
        Map<String, Object> defaults = new LinkedHashMap<>();
        op.path("attributes").properties().forEach(a -> defaults.put(a.getKey(), scalar(a.getValue())));
        return new OpInfo(key, category, counter, weights, roles, numbers(src, key, op.path("flops")),
                variants, defaults);
    }

    private static Map<String, Double> numbers(String src, String key, JsonNode obj) throws EdgewiseException {
        Map<String, Double> out = new LinkedHashMap<>();
        var it = obj.properties().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().isNumber() || e.getValue().asDouble() < 0) {
                throw invalid(src, "op '" + key + "': flop constant '" + e.getKey() + "' must be a number >= 0");
            }
            out.put(e.getKey(), e.getValue().asDouble());
        }
        return out;
    }

    private static Object scalar(JsonNode v) {
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        return v.isNumber() ? (Object) v.asDouble() : v.asText();
    }

    private static EdgewiseException invalid(String src, String problem) {
        return new EdgewiseException(ErrorCode.INVALID_ARGUMENT, "op metadata " + src + ": " + problem);
    }

    private static final class DefaultHolder {
        static final OpMetadata INSTANCE = loadDefault();

        private static OpMetadata loadDefault() {
            try (InputStream in = OpMetadata.class.getResourceAsStream(DEFAULT_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("resource " + DEFAULT_RESOURCE + " missing from the build");
                }
                return load(in, DEFAULT_RESOURCE);
            } catch (IOException | EdgewiseException e) {
                throw new IllegalStateException("built-in " + DEFAULT_RESOURCE + " is broken: " + e.getMessage(), e);
            }
        }
    }
}
