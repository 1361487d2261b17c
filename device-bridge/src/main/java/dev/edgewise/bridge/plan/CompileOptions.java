package dev.edgewise.bridge.plan;

import dev.edgewise.bridge.plan.proto.KernelId;
import dev.edgewise.core.analysis.DimBindings;
import java.util.Map;

/**
 * What the caller can say about a compilation: bindings for symbolic input dims (every shape must
 * become static), per-layer conv kernel overrides (they win over autotune and the heuristic), and
 * measured autotune results (they win over the heuristic).
 *
 * @param modelSha256 SHA-256 of the source model file (32 bytes) or null; provenance only
 */
public record CompileOptions(DimBindings bindings, Map<String, KernelId> kernelOverrides,
                             AutotuneResults autotune, String modelName, byte[] modelSha256) {
    public static final CompileOptions DEFAULT = new CompileOptions(DimBindings.NONE, Map.of(), AutotuneResults.NONE, null, null);

    public CompileOptions {
        bindings = bindings == null ? DimBindings.NONE : bindings;
        kernelOverrides = kernelOverrides == null ? Map.of() : Map.copyOf(kernelOverrides);
        autotune = autotune == null ? AutotuneResults.NONE : autotune;
        modelSha256 = modelSha256 == null ? null : modelSha256.clone();
    }

    public CompileOptions withBindings(DimBindings b) {
        return new CompileOptions(b, kernelOverrides, autotune, modelName, modelSha256);
    }

    public CompileOptions withOverrides(Map<String, KernelId> overrides) {
        return new CompileOptions(bindings, overrides, autotune, modelName, modelSha256);
    }

    public CompileOptions withAutotune(AutotuneResults results) {
        return new CompileOptions(bindings, kernelOverrides, results, modelName, modelSha256);
    }
}
