package dev.edgewise.bridge.plan;

import dev.edgewise.bridge.plan.proto.KernelId;
import java.util.Locale;
import java.util.Optional;

/**
 * When a pruned fully-connected or 1x1 convolution layer takes its CSR kernel (plan-compiler.md
 * "Sparse kernels"). The threshold is the break-even measured with the committed bench.
 */
final class SparseKernels {
    /**
     * Fraction of zero weights from which CSR beats the dense kernel: measured on the host build
     * (device-bridge/bench/sparse-f16-bench.sh, plan-compiler.md has the table); published figures
     * for ARM put the break-even near two thirds. Re-measure on the device (autotune) before trusting it there.
     */
    static final double DEFAULT_THRESHOLD = 0.70;

    private SparseKernels() {
    }

    /** The CSR twin of a dense kernel, if the layer can take one. */
    static Optional<KernelId> sparseTwin(KernelId dense, ConvGeometry conv) {
        if (dense == KernelId.GEMM) {
            return Optional.of(KernelId.GEMM_CSR);
        }
        if (conv != null && conv.isPointwise() && conv.group() == 1 && conv.dh() == 1 && conv.dw() == 1) {
            return Optional.of(KernelId.CONV1X1_CSR);
        }
        return Optional.empty();
    }

    static boolean isSparse(KernelId k) {
        return k == KernelId.GEMM_CSR || k == KernelId.CONV1X1_CSR;
    }

    /** The policy's pick for an eligible layer, or empty to leave the choice to autotune / the dense heuristic. */
    static Optional<LayerDecision> decide(LoweredOp op, KernelId sparse, java.util.List<KernelId> candidates, CompileOptions opts) {
        double zeros = WeightEncoding.sparsity(op.weight);
        String pct = String.format(Locale.ROOT, "%.1f%% zeros", 100 * zeros);
        switch (opts.sparse()) {
            case ALWAYS:
                return Optional.of(new LayerDecision(op.name, op.layers, sparse, candidates, LayerDecision.Source.OVERRIDE,
                    "sparse kernels forced for every eligible layer (" + pct + ")"));
            case NEVER:
                return Optional.empty();
            default:
                if (zeros >= opts.sparseThreshold() && zeros > 0) {
                    return Optional.of(new LayerDecision(op.name, op.layers, sparse, candidates, LayerDecision.Source.HEURISTIC,
                        String.format(Locale.ROOT, "%s >= sparse threshold %.0f%%: CSR does only the non-zero products", pct,
                            100 * opts.sparseThreshold())));
                }
                return Optional.empty();
        }
    }
}
