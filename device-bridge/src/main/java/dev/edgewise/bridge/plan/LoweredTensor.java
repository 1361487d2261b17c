package dev.edgewise.bridge.plan;

/**
 * A tensor of the plan being built. Constants carry their fp32 data; views name the tensor whose
 * bytes they share (always the root of a view chain, never another view).
 */
final class LoweredTensor {
    final String name;
    final long[] dims;
    final float[] constant;
    final String viewOf;
    int id = -1;
    long offset = -1;

    LoweredTensor(String name, long[] dims, float[] constant, String viewOf) {
        this.name = name;
        this.dims = dims.clone();
        this.constant = constant;
        this.viewOf = viewOf;
    }

    long elements() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }

    long bytes() {
        return elements() * 4;
    }

    boolean isConstant() {
        return constant != null;
    }
}
