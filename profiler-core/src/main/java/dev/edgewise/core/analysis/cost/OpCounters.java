package dev.edgewise.core.analysis.cost;

import java.util.Map;
import java.util.Set;

/**
 * The counters op-metadata.json may name, with the roles each one reads; the metadata loader
 * rejects a file naming an unknown counter or omitting a role, so a typo fails at start-up.
 */
final class OpCounters {
    record Spec(OpCounter counter, Set<String> requiredRoles) {
    }

    private static final Map<String, Spec> COUNTERS = Map.of(
            "conv", new Spec(ConvCounters::conv, Set.of("x", "w")),
            "convTranspose", new Spec(ConvCounters::convTranspose, Set.of("x", "w")),
            "gemm", new Spec(MatMulCounters::gemm, Set.of("a", "b")),
            "matmul", new Spec(MatMulCounters::matmul, Set.of("a", "b")),
            "elementwise", new Spec(ElementwiseCounters::elementwise, Set.of()),
            "variadic", new Spec(ElementwiseCounters::variadic, Set.of()),
            "reduce", new Spec(PoolingCounters::reduce, Set.of()),
            "pool", new Spec(PoolingCounters::pool, Set.of()),
            "lrn", new Spec(PoolingCounters::lrn, Set.of()),
            "resize", new Spec(ElementwiseCounters::resize, Set.of()));

    private static final Spec ZERO = new Spec(ElementwiseCounters::zero, Set.of());

    private OpCounters() {
    }

    static Spec get(String name) {
        return name.equals("zero") ? ZERO : COUNTERS.get(name);
    }

    static Set<String> names() {
        return new java.util.TreeSet<>(java.util.stream.Stream.concat(COUNTERS.keySet().stream(),
                java.util.stream.Stream.of("zero")).toList());
    }
}
