package dev.edgewise.core.analysis.shapes;

import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
import java.util.HashMap;
import java.util.Map;

/**
 * What inference knows about each tensor so far: type and shape, and the contents of small
 * tensors. Initializers are read into values only when a rule asks for them and only when small,
 * so weights are never touched.
 */
public final class TensorStore {
    private final Map<String, TensorInfo> infos = new HashMap<>();
    private final Map<String, Value> values = new HashMap<>();
    private final Map<String, TensorData> initializers;
    private final TensorStore outer;

    public TensorStore(Map<String, TensorData> initializers) {
        this(initializers, null);
    }

    /** A store for a subgraph (If/Loop body): names it does not hold resolve in the outer scope. */
    public TensorStore(Map<String, TensorData> initializers, TensorStore outer) {
        this.outer = outer;
        this.initializers = initializers;
        for (TensorData t : initializers.values()) {
            infos.put(t.name(), new TensorInfo(t.name(), t.dataType(), t.shape()));
        }
    }

    public TensorInfo info(String name) {
        TensorInfo t = infos.get(name);
        return t == null && outer != null ? outer.info(name) : t;
    }

    public void put(TensorInfo info, Value value) {
        infos.put(info.name(), info);
        if (value != null) {
            values.put(info.name(), value);
        } else {
            values.remove(info.name());
        }
    }

    /** The known contents of a tensor, or null. */
    public Value value(String name) {
        Value v = values.get(name);
        if (v == null && !values.containsKey(name)) {
            TensorData t = initializers.get(name);
            if (t != null && t.shape().isStatic()) {
                v = t.numElements() <= Value.MAX_ELEMENTS ? Value.fromTensor(t) : null;
                values.put(name, v);
            } else if (t == null && outer != null && !infos.containsKey(name)) {
                return outer.value(name);
            }
        }
        return v;
    }
}
