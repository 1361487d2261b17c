package dev.edgewise.core.analysis.cost;

import static dev.edgewise.core.analysis.cost.ElementwiseCounters.scaled;
import static dev.edgewise.core.analysis.cost.LayerContext.add;
import static dev.edgewise.core.analysis.cost.LayerContext.elements;

/** Ops that combine a window of elements per output: pooling, reductions, LRN. */
final class PoolingCounters {
    private PoolingCounters() {
    }

    /** Reductions and global pooling: perInputElement * inputs + perOutput * outputs. */
    static Counts reduce(LayerContext c) {
        long inputs = c.inputElements(0);
        long outputs = c.outputElements();
        return new Counts(0, add(scaled(c.constant("perInputElement", 1), inputs),
                scaled(c.constant("perOutput", 0), outputs)));
    }

    /** Windowed pooling: outputs * (prod(kernel_shape)*perWindowElement + perOutput). */
    static Counts pool(LayerContext c) {
        long[] kernel = c.attrInts("kernel_shape");
        long window = elements(kernel);
        long outputs = c.outputElements();
        double perOutput = window * c.constant("perWindowElement", 1) + c.constant("perOutput", 0);
        return new Counts(0, scaled(perOutput, outputs));
    }

    /** LRN: a sum of squares over {@code size} channels, then scale, bias, power and divide. */
    static Counts lrn(LayerContext c) {
        long size = c.attrInt("size");
        double perOutput = size * c.constant("perWindowElement", 2) + c.constant("perElement", 4);
        return new Counts(0, scaled(perOutput, c.outputElements()));
    }
}
