package dev.edgewise.core.analysis.cost;

import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
import java.util.HashMap;
import java.util.Map;

/**
 * Types, shapes and constant values of a graph's tensors. A constant is an initializer or the value
 * of a {@code Constant} node: exporters use both for weights, so both count the same way. Only
 * sizes are ever read from a constant, never its bytes.
 */
final class TensorLookup {
    private final Graph graph;
    private final Map<String, TensorData> constantNodeValues = new HashMap<>();

    TensorLookup(Graph graph) {
        this.graph = graph;
        for (Node n : graph.nodes()) {
            if (n.isDefaultDomain() && n.opType().equals("Constant") && !n.output(0).isEmpty()) {
                Attribute value = n.attribute("value");
                if (value != null && value.kind() == Attribute.Kind.TENSOR) {
                    constantNodeValues.put(n.output(0), value.asTensor());
                }
            }
        }
    }

    Graph graph() {
        return graph;
    }

    /** The constant tensor of this name, or null when the tensor is computed at run time. */
    TensorData constant(String name) {
        TensorData t = graph.initializer(name);
        return t != null ? t : constantNodeValues.get(name);
    }

    /**
     * The constant if it may be a parameter: any initializer, or a Constant node holding more than
     * one value (a one-value Constant is a literal such as GELU's 0.5, not a learned weight).
     */
    TensorData parameterCandidate(String name) {
        TensorData t = graph.initializer(name);
        if (t != null) {
            return t;
        }
        TensorData c = constantNodeValues.get(name);
        return c != null && c.numElements() > 1 ? c : null;
    }

    boolean isConstant(String name) {
        return graph.isInitializer(name) || constantNodeValues.containsKey(name);
    }

    /** Best known type and shape, preferring a static shape from value info, else the constant's. */
    TensorInfo info(String name) {
        TensorInfo t = graph.tensor(name).orElse(null);
        if (t != null && t.shape().isStatic() && t.dataType().bits() > 0) {
            return t;
        }
        TensorData c = constantNodeValues.get(name);
        if (c != null) {
            return new TensorInfo(name, c.dataType(), c.shape());
        }
        return t;
    }

    /** Bytes of the tensor, or -1 when its shape or element type is not known. */
    long byteSize(String name) {
        TensorData c = constant(name);
        if (c != null) {
            return c.byteSize();
        }
        TensorInfo t = info(name);
        return t == null ? -1 : t.byteSize();
    }
}
