package dev.edgewise.bridge.plan;

import dev.edgewise.bridge.plan.proto.KernelId;
import java.util.List;

/**
 * The kernel chosen for one op of the plan and why.
 *
 * @param layer      the op's name (the model's node name of the producing layer)
 * @param ops        the model's layers folded into this op (e.g. Conv, BatchNormalization, Relu)
 * @param kernel     the runtime kernel
 * @param candidates the kernels the runtime accepts for this layer's shape
 * @param source     HEURISTIC, OVERRIDE, AUTOTUNE or FIXED (the op has a single kernel)
 * @param reason     human-readable: the rule or measurement that decided
 */
public record LayerDecision(String layer, List<String> ops, KernelId kernel, List<KernelId> candidates,
                            Source source, String reason) {
    public enum Source { HEURISTIC, OVERRIDE, AUTOTUNE, FIXED }

    public LayerDecision {
        ops = List.copyOf(ops);
        candidates = List.copyOf(candidates);
    }
}
