package dev.edgewise.bridge.plan;

import dev.edgewise.bridge.plan.proto.Plan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The output of {@link PlanCompiler}: the plan and the compiler's account of it.
 *
 * @param arenaSize       bytes of the activation arena the memory plan needs
 * @param arenaLowerBound the largest sum of bytes of activations live at once at any op; no plan
 *                        that keeps every op's inputs and outputs distinct can use less
 * @param notes           what the compiler changed (folds, fusions, views, dropped layers)
 */
public record CompiledPlan(Plan plan, List<LayerDecision> decisions, long arenaSize, long arenaLowerBound,
                           List<String> notes) {
    public CompiledPlan {
        decisions = List.copyOf(decisions);
        notes = List.copyOf(notes);
    }

    /** arena size / lower bound (1.0 is optimal for plans without in-place ops). */
    public double arenaRatio() {
        return arenaLowerBound == 0 ? 1.0 : (double) arenaSize / arenaLowerBound;
    }

    public void writeTo(Path file) throws IOException {
        Files.write(file, plan.toByteArray());
    }

    public LayerDecision decision(String layer) {
        return decisions.stream().filter(d -> d.layer().equals(layer)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no op named '" + layer + "' in the plan"));
    }
}
