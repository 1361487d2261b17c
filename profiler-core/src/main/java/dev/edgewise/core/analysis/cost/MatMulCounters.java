package dev.edgewise.core.analysis.cost;

import static dev.edgewise.core.analysis.cost.LayerContext.add;
import static dev.edgewise.core.analysis.cost.LayerContext.mul;

/** Fully-connected ops: Gemm and the (batched, broadcasting) MatMul family. */
final class MatMulCounters {
    private MatMulCounters() {
    }

    /**
     * Y = alpha*op(A)*op(B) + beta*C with op(A) {@code [M,K]}, op(B) {@code [K,N]}: MACs = M*N*K;
     * FLOPs = 2*MACs + M*N adds of C + M*N multiplies when alpha != 1 + |C| multiplies when beta != 1.
     */
    static Counts gemm(LayerContext c) {
        long[] a = c.roleShape("a");
        long[] b = c.roleShape("b");
        if (a.length != 2 || b.length != 2) {
            throw new UnresolvedException("Gemm needs 2-D A and B, got ranks " + a.length + " and " + b.length);
        }
        boolean transA = c.attrInt("transA") != 0;
        boolean transB = c.attrInt("transB") != 0;
        long m = transA ? a[1] : a[0];
        long k = transA ? a[0] : a[1];
        long n = transB ? b[0] : b[1];
        long outputs = mul(m, n);
        long macs = mul(outputs, k);
        long flops = mul(2, macs);
        if (c.attrFloat("alpha") != 1.0) {
            flops = add(flops, outputs);
        }
        if (c.hasRole("c")) {
            flops = add(flops, outputs);
            if (c.attrFloat("beta") != 1.0) {
                flops = add(flops, LayerContext.elements(c.roleShape("c")));
            }
        }
        return new Counts(macs, flops);
    }

    /**
     * numpy matmul semantics: every output element (batch dims broadcast, 1-D operands promoted)
     * is one dot product of length K, K being A's last dim (A's other dims may stay symbolic). MACs = outputs*K; FLOPs = 2*MACs
     * (+ requantization per output for QLinearMatMul).
     */
    static Counts matmul(LayerContext c) {
        long k = c.roleDim("a", -1);
        long outputs = c.outputElements();
        long macs = mul(outputs, k);
        long flops = add(mul(2, macs), mul((long) c.constant("perOutput", 0), outputs));
        return new Counts(macs, flops);
    }
}
