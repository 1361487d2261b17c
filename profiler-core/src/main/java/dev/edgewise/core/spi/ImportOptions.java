package dev.edgewise.core.spi;

import java.util.Map;
import java.util.Optional;

/**
 * Options an importer may honour. {@code properties} carries format-specific settings
 * ("batch" for Caffe deploy files, a weights file path, ...).
 */
public record ImportOptions(Map<String, String> properties) {
    public static final ImportOptions DEFAULT = new ImportOptions(Map.of());

    public ImportOptions {
        properties = Map.copyOf(properties == null ? Map.of() : properties);
    }

    public Optional<String> property(String key) {
        return Optional.ofNullable(properties.get(key));
    }
}
