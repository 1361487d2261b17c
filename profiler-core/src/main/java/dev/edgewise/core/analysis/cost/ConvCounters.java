package dev.edgewise.core.analysis.cost;

import static dev.edgewise.core.analysis.cost.LayerContext.add;
import static dev.edgewise.core.analysis.cost.LayerContext.mul;
import static dev.edgewise.core.analysis.cost.LayerContext.product;

/**
 * Convolutions (Conv, ConvInteger, QLinearConv, ConvTranspose). MACs come from the weight shape:
 * a weight {@code [Cout, Cin/group, k...]} means every output element takes {@code Cin/group * prod(k)}
 * multiply-accumulates, which is right for plain, grouped and depthwise convolutions alike.
 */
final class ConvCounters {
    private ConvCounters() {
    }

    /** MACs = N*Cout*prod(out spatial) * (Cin/group)*prod(kernel); FLOPs = 2*MACs + bias adds + requantization. */
    static Counts conv(LayerContext c) {
        long outputs = c.outputElements();
        long macs = mul(outputs, macsPerOutput(c));
        return new Counts(macs, flops(c, macs, outputs));
    }

    /** Each input element is scattered into {@code Cout/group * prod(kernel)} outputs: MACs = inputs * that. */
    static Counts convTranspose(LayerContext c) {
        long[] w = c.roleShape("w");
        if (w.length < 3) {
            throw new UnresolvedException("weight rank " + w.length + " < 3");
        }
        long inputs = LayerContext.elements(c.roleShape("x"));
        long macs = mul(inputs, product(w, 1, w.length));
        return new Counts(macs, flops(c, macs, c.outputElements()));
    }

    private static long flops(LayerContext c, long macs, long outputs) {
        long flops = mul(2, macs);
        if (c.hasRole("bias")) {
            flops = add(flops, outputs);
        }
        return add(flops, mul((long) c.constant("perOutput", 0), outputs));
    }

    /** From the weight shape when known, else from the input channels, group and kernel_shape. */
    private static long macsPerOutput(LayerContext c) {
        long[] w = c.roleShapeOrNull("w");
        if (w != null) {
            if (w.length < 3) {
                throw new UnresolvedException("weight rank " + w.length + " < 3");
            }
            return product(w, 1, w.length);
        }
        long[] x = c.roleShape("x");
        long group = c.attrInt("group");
        if (x.length < 2 || group <= 0 || x[1] % group != 0) {
            throw new UnresolvedException("weight shape unknown and input channels/group unusable");
        }
        long[] kernel = c.attrInts("kernel_shape");
        return mul(x[1] / group, product(kernel, 0, kernel.length));
    }
}
