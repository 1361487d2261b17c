package dev.edgewise.core.optimize;

/**
 * Per-channel symmetric int8 quantization: scale_c = max|w_c| / 127, q = round(w / scale_c)
 * clamped to [-127, 127] (-128 unused so the range is symmetric). Parallel over channel blocks
 * of the flat array.
 */
public record Int8Weights(byte[] values, float[] scales) {
    private static final int BLOCK = 1 << 18;

    public static Int8Weights quantize(float[] w, int[] dims, int axis) {
        int channels = dims[axis];
        int inner = 1;
        for (int d = axis + 1; d < dims.length; d++) {
            inner *= dims[d];
        }
        int stride = inner;
        int blocks = (w.length + BLOCK - 1) / BLOCK;
        float[][] partialMax = new float[blocks][channels];
        Parallel.forEach(blocks, bk -> {
            float[] m = partialMax[bk];
            int end = Math.min(w.length, (bk + 1) * BLOCK);
            int start = bk * BLOCK;
            int c = (start / stride) % channels;
            int r = start % stride;
            for (int i = start; i < end; i++) {
                float a = Math.abs(w[i]);
                if (a > m[c]) {
                    m[c] = a;
                }
                if (++r == stride) {
                    r = 0;
                    c = c + 1 == channels ? 0 : c + 1;
                }
            }
        });
        float[] scales = new float[channels];
        float[] inverse = new float[channels];
        for (int c = 0; c < channels; c++) {
            float max = 0;
            for (float[] m : partialMax) {
                max = Math.max(max, m[c]);
            }
            // an all-zero channel (fully pruned) still needs a positive scale for DequantizeLinear
            scales[c] = max == 0 ? 1f : max / 127f;
            inverse[c] = 1f / scales[c];
        }
        byte[] q = new byte[w.length];
        Parallel.forEach(blocks, bk -> {
            int end = Math.min(w.length, (bk + 1) * BLOCK);
            int start = bk * BLOCK;
            int c = (start / stride) % channels;
            int r = start % stride;
            for (int i = start; i < end; i++) {
                int v = Math.round(w[i] * inverse[c]);
                q[i] = (byte) Math.max(-127, Math.min(127, v));
                if (++r == stride) {
                    r = 0;
                    c = c + 1 == channels ? 0 : c + 1;
                }
            }
        });
        return new Int8Weights(q, scales);
    }

    public float dequantized(int i, int channel) {
        return values[i] * scales[channel];
    }
}
