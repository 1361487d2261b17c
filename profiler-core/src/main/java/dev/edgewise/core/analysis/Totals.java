package dev.edgewise.core.analysis;

/**
 * Whole-model sums. {@code params} and {@code weightBytes} count a shared initializer once;
 * {@code peakActivationBytes} is the largest sum of simultaneously live activations along the
 * topological order; {@code energyUjEstimate} is an estimate (see the energy model's assumptions).
 */
public record Totals(long params, long macs, long flops, long weightBytes, long activationBytes,
                     long peakActivationBytes, double energyUjEstimate) {
}
