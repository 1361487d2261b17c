package dev.edgewise.core.analysis;

import dev.edgewise.core.ir.Shape;
import java.util.Map;

/**
 * What the user pins before shape inference: values for symbolic dimensions
 * ({@code --dim batch_size=1}) and whole input shapes ({@code --input x=1x3x224x224}).
 */
public record DimBindings(Map<String, Long> symbols, Map<String, Shape> inputs) {
    public static final DimBindings NONE = new DimBindings(Map.of(), Map.of());

    public DimBindings {
        symbols = Map.copyOf(symbols == null ? Map.of() : symbols);
        inputs = Map.copyOf(inputs == null ? Map.of() : inputs);
    }
}
