package dev.edgewise.bridge.plan;

import dev.edgewise.bridge.plan.proto.DataType;

/**
 * A tensor of the plan being built. Constants carry their fp32 data; views name the tensor whose
 * bytes they share (always the root of a view chain, never another view). Activations are fp32
 * unless an int8 op or QUANTIZE writes them ({@link #dtype} DT_U8 / DT_I8).
 */
final class LoweredTensor {
    final String name;
    final long[] dims;
    final float[] constant;
    final String viewOf;
    final DataType dtype;
    int id = -1;
    long offset = -1;

    LoweredTensor(String name, long[] dims, float[] constant, String viewOf) {
        this(name, dims, constant, viewOf, DataType.DT_F32);
    }

    LoweredTensor(String name, long[] dims, float[] constant, String viewOf, DataType dtype) {
        this.name = name;
        this.dims = dims.clone();
        this.constant = constant;
        this.viewOf = viewOf;
        this.dtype = dtype;
    }

    boolean isQuantized() {
        return dtype == DataType.DT_U8 || dtype == DataType.DT_I8;
    }

    long elements() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    long bytes() {
        return elements() * (isQuantized() ? 1 : 4);
    }

    boolean isConstant() {
        return constant != null;
    }
}
