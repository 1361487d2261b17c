package dev.edgewise.core.analysis;

import dev.edgewise.core.analysis.cost.CostAnalysis;
import dev.edgewise.core.analysis.cost.EnergyModel;
import dev.edgewise.core.analysis.cost.OpMetadata;
import dev.edgewise.core.ir.EdgewiseException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Per-layer params, MACs, FLOPs, bytes and energy estimate of a shape-inferred graph, plus totals,
 * per-category totals and peak activation memory. Operator knowledge comes from
 * {@code op-metadata.json}, energy figures from {@code energy-45nm.json}; both can be replaced.
 * Conventions: profiler-core/docs/cost-model.md. Immutable and thread-safe.
 */
public final class CostModel {
    private final OpMetadata metadata;
    private final EnergyModel energy;

    public CostModel(OpMetadata metadata, EnergyModel energy) {
        this.metadata = Objects.requireNonNull(metadata, "metadata");
        this.energy = Objects.requireNonNull(energy, "energy");
    }

    /** The built-in op metadata and the Horowitz 45 nm energy table. */
    public static CostModel withDefaults() {
        return new CostModel(OpMetadata.defaults(), EnergyModel.defaults());
    }

    /** This cost model with the energy table of another JSON file (same layout as energy-45nm.json). */
    public CostModel withEnergyModel(Path jsonFile) throws EdgewiseException {
        return new CostModel(metadata, EnergyModel.load(jsonFile));
    }

    public CostModel withEnergyModel(EnergyModel model) {
        return new CostModel(metadata, model);
    }

    /** This cost model with operator metadata from another JSON file (same layout as op-metadata.json). */
    public CostModel withOpMetadata(Path jsonFile) throws EdgewiseException {
        return new CostModel(OpMetadata.load(jsonFile), energy);
    }

    public OpMetadata opMetadata() {
        return metadata;
    }

    public EnergyModel energyModel() {
        return energy;
    }

    public ModelAnalysis analyze(ShapeInferenceResult inferred) {
        return CostAnalysis.run(inferred, metadata, energy);
    }
}
