package dev.edgewise.core.analysis.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An energy ESTIMATE per layer from a table of energy per operation and per memory access
 * (default: Horowitz, 45 nm, {@code energy-45nm.json}; a user may load another file for another
 * process node). The assumptions travel with the model and are shown with every figure.
 */
public final class EnergyModel {
    public static final String DEFAULT_RESOURCE = "/dev/edgewise/core/analysis/energy-45nm.json";
    private static final double PJ_PER_UJ = 1e6;

    /** Energy of one MAC and of one other counted operation at a precision, in pJ. */
    public record Precision(String name, double macPj, double flopPj) {
    }

    private final String name;
    private final String source;
    private final Map<String, Precision> precisions;
    private final Map<DataType, Precision> byDataType;
    private final Precision defaultPrecision;
    private final double constantPjPerByte;
    private final double activationPjPerByte;
    private final String constantLevel;
    private final String activationLevel;
    private final List<String> assumptions;

    private EnergyModel(Builder b) {
        this.name = b.name;
        this.source = b.source;
        this.precisions = Map.copyOf(b.precisions);
        this.byDataType = new EnumMap<>(b.byDataType);
        this.defaultPrecision = b.defaultPrecision;
        this.constantPjPerByte = b.constantPjPerByte;
        this.activationPjPerByte = b.activationPjPerByte;
        this.constantLevel = b.constantLevel;
        this.activationLevel = b.activationLevel;
        this.assumptions = List.copyOf(b.assumptions);
    }

    public static EnergyModel defaults() {
        return DefaultHolder.INSTANCE;
    }

    public static EnergyModel load(Path file) throws EdgewiseException {
        try (InputStream in = Files.newInputStream(file)) {
            return load(in, file.toString());
        } catch (IOException e) {
            throw new EdgewiseException(ErrorCode.IO_ERROR, file + ": cannot read energy model: " + e.getMessage(), e);
        }
    }

    public static EnergyModel load(InputStream in, String sourceName) throws EdgewiseException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw invalid(sourceName, "not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw invalid(sourceName, "expected a JSON object");
        }
        return new Parser(sourceName, root).parse();
    }

    /** The precision a layer computes at, from the element type of its first input. */
    public Precision precisionOf(DataType type) {
        return byDataType.getOrDefault(type, defaultPrecision);
    }

    /**
     * Estimated energy of one layer in microjoules: MACs at the MAC cost, the remaining operations
     * (flops - 2*MACs) at the add cost, constant bytes at the constants' memory level and activation
     * bytes (read + written) at the activations' level.
     */
    public double layerEnergyUj(Precision p, long macs, long flops, long constantBytes, long activationBytesMoved) {
        double otherOps = Math.max(0.0, (double) flops - 2.0 * macs);
        double pj = macs * p.macPj() + otherOps * p.flopPj()
                + constantBytes * constantPjPerByte + activationBytesMoved * activationPjPerByte;
        return pj / PJ_PER_UJ;
    }

    public String name() {
        return name;
    }

    public Map<String, Precision> precisions() {
        return precisions;
    }

    public double constantPjPerByte() {
        return constantPjPerByte;
    }

    public double activationPjPerByte() {
        return activationPjPerByte;
    }

    public List<String> assumptions() {
        return assumptions;
    }

    /** One paragraph for reports: what the estimate is, its source, its figures and assumptions. */
    public String description() {
        StringBuilder s = new StringBuilder("ESTIMATE (not measured) from the ").append(name)
                .append(" energy table [").append(source).append("]. Per MAC:");
        precisions.values().stream().sorted((a, b) -> Double.compare(b.macPj(), a.macPj()))
                .forEach(p -> s.append(' ').append(p.name()).append(' ').append(fmt(p.macPj())).append(" pJ,"));
        s.setLength(s.length() - 1);
        s.append(". Constants (weights) from ").append(constantLevel).append(" at ")
                .append(fmt(constantPjPerByte)).append(" pJ/byte; activations from ").append(activationLevel)
                .append(" at ").append(fmt(activationPjPerByte)).append(" pJ/byte. Assumptions: ")
                .append(String.join(" ", assumptions));
        return s.toString();
    }

    private static String fmt(double v) {
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).stripTrailingZeros().toPlainString();
    }

    private static EdgewiseException invalid(String src, String problem) {
        return new EdgewiseException(ErrorCode.INVALID_ARGUMENT, "energy model " + src + ": " + problem);
    }

    private static final class Builder {
        String name;
        String source;
        Map<String, Precision> precisions = new LinkedHashMap<>();
        Map<DataType, Precision> byDataType = new EnumMap<>(DataType.class);
        Precision defaultPrecision;
        double constantPjPerByte;
        double activationPjPerByte;
        String constantLevel;
        String activationLevel;
        List<String> assumptions = new ArrayList<>();
    }

    /** Reads the JSON layout documented in energy-45nm.json, naming the file and key on any error. */
    private static final class Parser {
        private final String src;
        private final JsonNode root;
        private final Map<String, Double> ops = new LinkedHashMap<>();

        Parser(String src, JsonNode root) {
            this.src = src;
            this.root = root;
        }

        EnergyModel parse() throws EdgewiseException {
            Builder b = new Builder();
            b.name = text(root, "name");
            b.source = root.path("source").asText("unspecified source");
            var it = object(root, "operations").properties().iterator();
            while (it.hasNext()) {
                var e = it.next();
                if (!e.getValue().isNumber() || e.getValue().asDouble() < 0) {
                    throw invalid(src, "operations." + e.getKey() + " must be a number >= 0");
                }
                ops.put(e.getKey(), e.getValue().asDouble());
            }
            var ps = object(root, "precisions").properties().iterator();
            while (ps.hasNext()) {
                var e = ps.next();
                String where = "precisions." + e.getKey();
                b.precisions.put(e.getKey(), new Precision(e.getKey(), sum(e.getValue().path("mac"), where + ".mac"),
                        sum(e.getValue().path("flop"), where + ".flop")));
            }
            b.defaultPrecision = precision(b, text(root, "default_precision"), "default_precision");
            var dts = object(root, "data_types").properties().iterator();
            while (dts.hasNext()) {
                var e = dts.next();
                DataType t = dataType(e.getKey());
                b.byDataType.put(t, precision(b, e.getValue().asText(), "data_types." + e.getKey()));
            }
            JsonNode memory = object(root, "memory");
            double wordBytes = memory.path("word_bytes").asDouble(0);
            if (wordBytes <= 0) {
                throw invalid(src, "memory.word_bytes must be a positive number");
            }
            b.constantLevel = text(object(memory, "constants"), "level");
            b.constantPjPerByte = op(text(memory.get("constants"), "access"), "memory.constants.access") / wordBytes;
            b.activationLevel = text(object(memory, "activations"), "level");
            b.activationPjPerByte = op(text(memory.get("activations"), "access"), "memory.activations.access") / wordBytes;
            root.path("assumptions").forEach(a -> b.assumptions.add(a.asText()));
            if (b.assumptions.isEmpty()) {
                throw invalid(src, "'assumptions' must state what the estimate assumes");
            }
            return new EnergyModel(b);
        }

        private double sum(JsonNode names, String where) throws EdgewiseException {
            if (!names.isArray() || names.isEmpty()) {
                throw invalid(src, where + " must list operation names");
            }
            double total = 0;
            for (JsonNode n : names) {
                total += op(n.asText(), where);
            }
            return total;
        }

        private double op(String opName, String where) throws EdgewiseException {
            Double v = ops.get(opName);
            if (v == null) {
                throw invalid(src, where + " names '" + opName + "', which is not in 'operations'");
            }
            return v;
        }

        private Precision precision(Builder b, String p, String where) throws EdgewiseException {
            Precision found = b.precisions.get(p);
            if (found == null) {
                throw invalid(src, where + " names precision '" + p + "', not one of " + b.precisions.keySet());
            }
            return found;
        }

        private DataType dataType(String name) throws EdgewiseException {
            try {
                return DataType.valueOf(name);
            } catch (IllegalArgumentException e) {
                throw invalid(src, "data_types: '" + name + "' is not a data type name (FLOAT, INT8, ...)");
            }
        }

        private JsonNode object(JsonNode parent, String key) throws EdgewiseException {
            JsonNode n = parent.get(key);
            if (n == null || !n.isObject()) {
                throw invalid(src, "'" + key + "' must be an object");
            }
            return n;
        }

        private String text(JsonNode parent, String key) throws EdgewiseException {
            JsonNode n = parent == null ? null : parent.get(key);
            if (n == null || !n.isTextual() || n.asText().isBlank()) {
                throw invalid(src, "'" + key + "' must be a non-empty string");
            }
            return n.asText();
        }
    }

    private static final class DefaultHolder {
        static final EnergyModel INSTANCE = loadDefault();

        private static EnergyModel loadDefault() {
            try (InputStream in = EnergyModel.class.getResourceAsStream(DEFAULT_RESOURCE)) {
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
