package dev.edgewise.plugin.tflite;

import dev.edgewise.core.ir.DataType;
import java.util.Map;

/** Builtin operator codes, tensor types and enums of TensorFlow Lite's published schema. */
final class TfliteOps {
    static final int ADD = 0;
    static final int AVERAGE_POOL_2D = 1;
    static final int CONCATENATION = 2;
    static final int CONV_2D = 3;
    static final int DEPTHWISE_CONV_2D = 4;
    static final int DEQUANTIZE = 6;
    static final int FULLY_CONNECTED = 9;
    static final int LOGISTIC = 14;
    static final int MAX_POOL_2D = 17;
    static final int MUL = 18;
    static final int RELU = 19;
    static final int RELU_N1_TO_1 = 20;
    static final int RELU6 = 21;
    static final int RESHAPE = 22;
    static final int SOFTMAX = 25;
    static final int TANH = 28;
    static final int PAD = 34;
    static final int MEAN = 40;
    static final int SUB = 41;
    static final int DIV = 42;
    static final int SQUEEZE = 43;
    static final int QUANTIZE = 114;
    static final int HARD_SWISH = 117;

    static final Map<Integer, String> NAMES = Map.ofEntries(Map.entry(ADD, "ADD"),
        Map.entry(AVERAGE_POOL_2D, "AVERAGE_POOL_2D"), Map.entry(CONCATENATION, "CONCATENATION"),
        Map.entry(CONV_2D, "CONV_2D"), Map.entry(DEPTHWISE_CONV_2D, "DEPTHWISE_CONV_2D"),
        Map.entry(5, "DEPTH_TO_SPACE"), Map.entry(DEQUANTIZE, "DEQUANTIZE"), Map.entry(FULLY_CONNECTED, "FULLY_CONNECTED"),
        Map.entry(LOGISTIC, "LOGISTIC"), Map.entry(MAX_POOL_2D, "MAX_POOL_2D"), Map.entry(MUL, "MUL"),
        Map.entry(RELU, "RELU"), Map.entry(RELU_N1_TO_1, "RELU_N1_TO_1"), Map.entry(RELU6, "RELU6"),
        Map.entry(RESHAPE, "RESHAPE"), Map.entry(23, "RESIZE_BILINEAR"), Map.entry(SOFTMAX, "SOFTMAX"),
        Map.entry(TANH, "TANH"), Map.entry(32, "CUSTOM"), Map.entry(PAD, "PAD"), Map.entry(39, "TRANSPOSE"),
        Map.entry(MEAN, "MEAN"), Map.entry(SUB, "SUB"), Map.entry(DIV, "DIV"), Map.entry(SQUEEZE, "SQUEEZE"),
        Map.entry(45, "STRIDED_SLICE"), Map.entry(49, "SPLIT"), Map.entry(QUANTIZE, "QUANTIZE"),
        Map.entry(HARD_SWISH, "HARD_SWISH"));

    /** Fused activation function codes. */
    static final int ACT_NONE = 0;
    static final int ACT_RELU = 1;
    static final int ACT_RELU_N1_TO_1 = 2;
    static final int ACT_RELU6 = 3;
    static final int ACT_TANH = 4;

    /** Padding enum. */
    static final int PADDING_SAME = 0;

    private TfliteOps() {
    }

    static String name(int code) {
        return NAMES.getOrDefault(code, "BUILTIN_" + code);
    }

    /** TensorType (schema order) to the IR type; null for types without one. */
    static DataType dataType(int tfliteType) {
        return switch (tfliteType) {
            case 0 -> DataType.FLOAT;
            case 1 -> DataType.FLOAT16;
            case 2 -> DataType.INT32;
            case 3 -> DataType.UINT8;
            case 4 -> DataType.INT64;
            case 5 -> DataType.STRING;
            case 6 -> DataType.BOOL;
            case 7 -> DataType.INT16;
            case 8 -> DataType.COMPLEX64;
            case 9 -> DataType.INT8;
            case 10 -> DataType.DOUBLE;
            case 11 -> DataType.COMPLEX128;
            case 12 -> DataType.UINT64;
            case 15 -> DataType.UINT32;
            case 16 -> DataType.UINT16;
            case 17 -> DataType.INT4;
            case 18 -> DataType.BFLOAT16;
            default -> DataType.UNDEFINED;
        };
    }
}
