package dev.edgewise.bridge.plan;

import dev.edgewise.core.analysis.shapes.OpContext;
import dev.edgewise.core.analysis.shapes.OpRegistry;
import dev.edgewise.core.analysis.shapes.ShapeRule;
import dev.edgewise.core.analysis.shapes.TensorStore;
import dev.edgewise.core.analysis.shapes.Unresolved;
import dev.edgewise.core.analysis.shapes.Value;
import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compile-time values of the graph: initializers, Constant nodes, and everything computed only from
 * them or from static shapes (Shape -> Gather -> Concat chains). Small tensors are evaluated with the
 * shape inference's own op rules (their values are what the inference propagates); large constant
 * tensors are followed through the layout-only ops (Reshape, Flatten, Squeeze, Unsqueeze,
 * Identity), which is what exporters put between weights and their users.
 */
final class ConstantValues {
    private static final Set<String> LAYOUT_ONLY = Set.of("Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity");

    private final Graph graph;
    private final TensorStore store;
    /** Large constants reached through Constant nodes or layout-only ops: name -> (source data). */
    private final Map<String, TensorData> large = new HashMap<>();

    ConstantValues(Graph inferred) {
        this.graph = inferred;
        this.store = new TensorStore(inferred.initializers());
        for (TensorInfo in : inferred.inputs()) {
            if (!inferred.isInitializer(in.name())) {
                store.put(in, null);
            }
        }
        long opset = inferred.metadata().defaultOpset();
        for (Node node : inferred.nodes()) {
            evaluate(node, opset);
        }
    }

    private void evaluate(Node node, long opset) {
        Optional<ShapeRule> rule = OpRegistry.rule(node.domain(), node.opType());
        Value[] values = new Value[node.outputs().size()];
        if (rule.isPresent()) {
            OpContext ctx = new OpContext(node, store, opset, (body, outer, where, in) -> {
                throw new Unresolved("subgraphs are not evaluated by the plan compiler");
            });
            try {
                rule.get().infer(ctx);
                for (int i = 0; i < values.length; i++) {
                    values[i] = ctx.outputValue(i);
                }
            } catch (RuntimeException e) {
                // not evaluable at compile time: the op stays in the plan (or is refused there)
            }
        }
        for (int i = 0; i < values.length; i++) {
            String name = node.output(i);
            if (name.isEmpty()) {
                continue;
            }
            TensorInfo info = graph.tensor(name).orElse(null);
            if (info != null) {
                store.put(info, values[i] != null && values[i].isFullyKnown() ? values[i] : null);
            }
        }
        trackLarge(node);
    }

    private void trackLarge(Node node) {
        if (node.opType().equals("Constant") && node.attribute("value") != null
            && node.attribute("value").kind() == Attribute.Kind.TENSOR) {
            large.put(node.output(0), node.attribute("value").asTensor());
        } else if (LAYOUT_ONLY.contains(node.opType()) && node.hasInput(0) && source(node.input(0)) != null) {
            large.put(node.output(0), source(node.input(0)));
        }
    }

    private TensorData source(String name) {
        TensorData t = graph.isInitializer(name) ? graph.initializer(name) : null;
        return t != null ? t : large.get(name);
    }

    /** Adds a tensor computed at compile time by the lowering (e.g. dequantized int8 weights). */
    void define(String name, TensorData value) {
        large.put(name, value);
    }

    boolean isConstant(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        return source(name) != null || store.value(name) != null;
    }

    /** The elements of a constant as floats (row-major), or null when the tensor is not constant. */
    float[] floats(String name) {
        Value v = store.value(name);
        if (v != null) {
            if (v.isFloat()) {
                double[] d = v.doubles();
                float[] f = new float[d.length];
                for (int i = 0; i < d.length; i++) {
                    f[i] = (float) d[i];
                }
                return f;
            }
            long[] l = v.longs();
            float[] f = new float[l.length];
            for (int i = 0; i < l.length; i++) {
                f[i] = l[i];
            }
            return f;
        }
        TensorData t = source(name);
        return t == null ? null : t.toFloats();
    }

    /** The elements of a small integer constant (axes, pads, shapes), or null. */
    long[] longs(String name) {
        Value v = store.value(name);
        if (v != null && !v.isFloat()) {
            return v.longs();
        }
        TensorData t = source(name);
        return t == null ? null : t.toLongs();
    }
}
