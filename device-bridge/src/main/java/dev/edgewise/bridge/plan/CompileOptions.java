package dev.edgewise.bridge.plan;

import dev.edgewise.bridge.plan.proto.KernelId;
import dev.edgewise.core.analysis.DimBindings;
import java.util.Map;

/**
 * What the caller can say about a compilation: bindings for symbolic input dims (every shape must
 * become static), per-layer kernel overrides (conv and fully-connected layers by node name; they
 * win over everything else), measured autotune results (they win over the heuristics), the sparse
 * kernel policy and threshold, and the weight precision.
 *
 * @param modelSha256     SHA-256 of the source model file (32 bytes) or null; provenance only
 * @param sparse          AUTO: a pruned FC / 1x1 conv layer takes its CSR kernel when its fraction of
 *                        zero weights is at least {@code sparseThreshold}; NEVER / ALWAYS for every
 *                        eligible layer (per-layer overrides still win)
 * @param sparseThreshold fraction of zeros from which AUTO picks the sparse kernel
 * @param f16Weights      store conv / FC weights as fp16 in the plan (widened to fp32 at load)
 * @param f16Arithmetic   let the runtime compute GEMM-based layers with fp16 FMLA where the CPU has it
 */
public record CompileOptions(DimBindings bindings, Map<String, KernelId> kernelOverrides,
                             AutotuneResults autotune, String modelName, byte[] modelSha256,
                             SparsePolicy sparse, double sparseThreshold, boolean f16Weights,
                             boolean f16Arithmetic) {
    /** Measured break-even on the host build (device-bridge/bench/sparse-f16-bench.sh); see plan-compiler.md. */
    public static final double DEFAULT_SPARSE_THRESHOLD = SparseKernels.DEFAULT_THRESHOLD;
    public static final CompileOptions DEFAULT = new CompileOptions(DimBindings.NONE, Map.of(), AutotuneResults.NONE, null, null,
        SparsePolicy.AUTO, DEFAULT_SPARSE_THRESHOLD, false, false);

    public enum SparsePolicy { AUTO, NEVER, ALWAYS }

    public CompileOptions {
        bindings = bindings == null ? DimBindings.NONE : bindings;
        kernelOverrides = kernelOverrides == null ? Map.of() : Map.copyOf(kernelOverrides);
        autotune = autotune == null ? AutotuneResults.NONE : autotune;
        modelSha256 = modelSha256 == null ? null : modelSha256.clone();
        sparse = sparse == null ? SparsePolicy.AUTO : sparse;
        if (!(sparseThreshold >= 0 && sparseThreshold <= 1)) {
            throw new IllegalArgumentException("sparse threshold must be a fraction of zeros in [0, 1], got " + sparseThreshold);
        }
    }

    public CompileOptions withBindings(DimBindings b) {
        return new CompileOptions(b, kernelOverrides, autotune, modelName, modelSha256, sparse, sparseThreshold, f16Weights, f16Arithmetic);
    }

    public CompileOptions withOverrides(Map<String, KernelId> overrides) {
        return new CompileOptions(bindings, overrides, autotune, modelName, modelSha256, sparse, sparseThreshold, f16Weights, f16Arithmetic);
    }

    public CompileOptions withAutotune(AutotuneResults results) {
        return new CompileOptions(bindings, kernelOverrides, results, modelName, modelSha256, sparse, sparseThreshold, f16Weights,
            f16Arithmetic);
    }

    public CompileOptions withSparse(SparsePolicy policy, double threshold) {
        return new CompileOptions(bindings, kernelOverrides, autotune, modelName, modelSha256, policy, threshold, f16Weights, f16Arithmetic);
    }

    public CompileOptions withF16Weights(boolean on) {
        return new CompileOptions(bindings, kernelOverrides, autotune, modelName, modelSha256, sparse, sparseThreshold, on, f16Arithmetic);
    }

    public CompileOptions withF16Arithmetic(boolean on) {
        return new CompileOptions(bindings, kernelOverrides, autotune, modelName, modelSha256, sparse, sparseThreshold, f16Weights, on);
    }
}
