package dev.edgewise.core.report;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the model is: file, format, producing tool, opsets, content hash, inputs and outputs.
 * Opsets are kept sorted by domain so every writer lists them in the same order.
 */
public record ModelSummary(String name, String path, String format, String producerName,
                           String producerVersion, long irVersion, Map<String, Long> opsets, String sha256,
                           List<TensorSummary> inputs, List<TensorSummary> outputs, int nodeCount,
                           int initializerCount) {
    public ModelSummary {
        name = nonNull(name);
        path = nonNull(path);
        format = nonNull(format);
        producerName = nonNull(producerName);
        producerVersion = nonNull(producerVersion);
        opsets = java.util.Collections.unmodifiableMap(new TreeMap<>(opsets == null ? Map.of() : opsets));
        sha256 = nonNull(sha256);
        inputs = List.copyOf(inputs == null ? List.of() : inputs);
        outputs = List.copyOf(outputs == null ? List.of() : outputs);
    }

    /** "pytorch 2.1.0", or "" when the file names no producer. */
    public String producer() {
        return (producerName + " " + producerVersion).trim();
    }

    /** Opsets as "ai.onnx 17, com.microsoft 1"; the default domain is shown as ai.onnx. */
    public String opsetText() {
        StringBuilder b = new StringBuilder();
        opsets.forEach((domain, version) -> {
            if (b.length() > 0) {
                b.append(", ");
            }
            b.append(domain.isEmpty() ? "ai.onnx" : domain).append(' ').append(version);
        });
        return b.toString();
    }

    static String nonNull(String s) {
        return s == null ? "" : s;
    }

    /** A graph input or output: its name, element type and shape as text ("1x3x224x224", "batchx10"). */
    public record TensorSummary(String name, String dtype, String shape) {
        public TensorSummary {
            name = nonNull(name);
            dtype = nonNull(dtype);
            shape = nonNull(shape);
        }
    }
}
