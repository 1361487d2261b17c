package dev.edgewise.core.analysis.shapes;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The shape rules of the default ONNX domain, one family of ops per class. */
public final class OpRegistry {
    private static final Map<String, ShapeRule> RULES = build();

    private OpRegistry() {
    }

    private static Map<String, ShapeRule> build() {
        Map<String, ShapeRule> rules = new HashMap<>();
        ElementwiseRules.register(rules);
        ConvPoolRules.register(rules);
        MatrixRules.register(rules);
        ReshapeRules.register(rules);
        IndexRules.register(rules);
        ReduceQuantRules.register(rules);
        ResizeRules.register(rules);
        MiscRules.register(rules);
        SignalRules.register(rules);
        ControlFlowRules.register(rules);
        return Collections.unmodifiableMap(rules);
    }

    /** The rule for an op of the given domain ("" or "ai.onnx" is the default domain). */
    public static Optional<ShapeRule> rule(String domain, String opType) {
        if (domain != null && !domain.isEmpty() && !domain.equals("ai.onnx")) {
            return Optional.empty();
        }
        return Optional.ofNullable(RULES.get(opType));
    }

    public static boolean supports(String domain, String opType) {
        return rule(domain, opType).isPresent();
    }

    /** Sorted names of the supported default-domain ops. */
    public static Set<String> supportedOps() {
        return Collections.unmodifiableSet(new TreeSet<>(RULES.keySet()));
    }
}
