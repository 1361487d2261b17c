package dev.edgewise.viewer.detail;

import dev.edgewise.core.ir.TensorData;

/**
 * Summary of one constant tensor's values. Computed from {@link TensorData#toFloats()}, which reads
 * (and for mapped models, pages in) the weights, so callers run it off the FX thread.
 *
 * @param sparsity fraction of values that are exactly zero
 */
public record WeightStats(String tensor, String dataType, String shape, long count, double min, double max,
                          double mean, double std, double sparsity) {

    public static WeightStats of(TensorData t) {
        return of(t.name(), t.dataType().displayName(), t.shape().toString(), t.toFloats());
    }

    /** Two-pass mean and standard deviation (population), in double to stay exact for large tensors. */
    public static WeightStats of(String tensor, String dataType, String shape, float[] values) {
        int n = values.length;
        if (n == 0) {
            return new WeightStats(tensor, dataType, shape, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        long zeros = 0;
        for (float v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
            if (v == 0f) {
                zeros++;
            }
        }
        double mean = sum / n;
        double sq = 0;
        for (float v : values) {
            double d = v - mean;
            sq += d * d;
        }
        return new WeightStats(tensor, dataType, shape, n, min, max, mean, Math.sqrt(sq / n), (double) zeros / n);
    }
}
