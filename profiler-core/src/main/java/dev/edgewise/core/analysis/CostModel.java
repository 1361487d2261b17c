package dev.edgewise.core.analysis;

/** Per-layer params, MACs, FLOPs, bytes and energy estimate. */
public final class CostModel {
    /** PLACEHOLDER until the real cost model lands. */
    public static CostModel withDefaults() {
        return new CostModel();
    }

    public ModelAnalysis analyze(ShapeInferenceResult inferred) {
        throw new UnsupportedOperationException("cost model not implemented yet");
    }
}
