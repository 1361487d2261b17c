package dev.edgewise.core.ir;

import java.util.Map;
import java.util.Objects;

/**
 * Where a graph came from: the file, its format and hash, and what the producing tool declared.
 * {@code opsets} maps an operator domain ("" for the default ONNX domain) to its version.
 */
public record ModelMetadata(String path, String format, String producerName, String producerVersion,
                            long irVersion, Map<String, Long> opsets, String sha256, Map<String, String> properties) {
    public ModelMetadata {
        format = Objects.requireNonNullElse(format, "unknown");
        producerName = Objects.requireNonNullElse(producerName, "");
        producerVersion = Objects.requireNonNullElse(producerVersion, "");
        opsets = Map.copyOf(opsets == null ? Map.of() : opsets);
        sha256 = Objects.requireNonNullElse(sha256, "");
        properties = Map.copyOf(properties == null ? Map.of() : properties);
    }

    public static ModelMetadata of(String path, String format) {
        return new ModelMetadata(path, format, "", "", 0, Map.of(), "", Map.of());
    }

    /** The default-domain opset version, or 0 when the model declares none. */
    public long defaultOpset() {
        return opsets.getOrDefault("", 0L);
    }

    public ModelMetadata withSha256(String hash) {
        return new ModelMetadata(path, format, producerName, producerVersion, irVersion, opsets, hash, properties);
    }

    public ModelMetadata withOpsets(Map<String, Long> newOpsets) {
        return new ModelMetadata(path, format, producerName, producerVersion, irVersion, newOpsets, sha256, properties);
    }
}
