package dev.edgewise.core.optimize;

import java.util.Locale;

/** How one weight layer is stored and computed after quantization. */
public enum Precision {
    /** Left as float32. */
    FLOAT,
    /** float16 initializers followed by Cast to float32, so any ONNX Runtime build runs them. */
    FP16,
    /** int8 per-channel symmetric weights + DequantizeLinear; activations stay float. */
    INT8_WEIGHTS,
    /** int8 weights as above and the activation input quantized by a QuantizeLinear/DequantizeLinear pair. */
    INT8;

    public static Precision parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "float", "fp32", "float32", "none" -> FLOAT;
            case "fp16", "float16" -> FP16;
            case "int8-weights", "int8w" -> INT8_WEIGHTS;
            case "int8" -> INT8;
            default -> throw new IllegalArgumentException("unknown precision '" + s
                + "' (expected float, fp16, int8-weights or int8)");
        };
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
