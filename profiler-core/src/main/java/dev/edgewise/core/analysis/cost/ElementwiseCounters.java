package dev.edgewise.core.analysis.cost;

import static dev.edgewise.core.analysis.cost.LayerContext.mul;

/** Ops whose cost is a constant per element: activations, arithmetic, softmax, normalization. */
final class ElementwiseCounters {
    private ElementwiseCounters() {
    }

    /** FLOPs = perElement * elements of output 0 (the broadcast result for binary ops). */
    static Counts elementwise(LayerContext c) {
        return new Counts(0, scaled(c.constant("perElement", 0), c.outputElements()));
    }

    /** Sum/Mean/Max/Min over n inputs: (n-1)*perExtraInput + perOutput per output element. */
    static Counts variadic(LayerContext c) {
        long outputs = c.outputElements();
        double perOutput = (c.presentInputs() - 1) * c.constant("perExtraInput", 1) + c.constant("perOutput", 0);
        return new Counts(0, scaled(Math.max(0, perOutput), outputs));
    }

    /**
     * Resize/Upsample: nearest is a copy (0). An interpolating mode with {@code taps} taps per axis,
     * over the k axes that change size, weighs taps^k inputs: taps^k multiplies + taps^k - 1 adds.
     */
    static Counts resize(LayerContext c) {
        long taps = (long) c.constant("taps", 0);
        if (taps == 0) {
            return Counts.ZERO;
        }
        long[] in = c.inputShape(0);
        long[] out = c.outputShape(0);
        int resized = 0;
        for (int i = 0; i < Math.min(in.length, out.length); i++) {
            if (in[i] != out[i]) {
                resized++;
            }
        }
        if (resized == 0) {
            return Counts.ZERO;
        }
        long weights = (long) Math.pow(taps, resized);
        return new Counts(0, mul(2 * weights - 1, c.outputElements()));
    }

    /** Data movement and shape arithmetic: no arithmetic counted. */
    static Counts zero(LayerContext c) {
        return Counts.ZERO;
    }

    static long scaled(double perElement, long elements) {
        if (perElement == Math.rint(perElement)) {
            return mul((long) perElement, elements);
        }
        double v = perElement * elements;
        return v >= Long.MAX_VALUE ? Long.MAX_VALUE : Math.round(v);
    }
}
