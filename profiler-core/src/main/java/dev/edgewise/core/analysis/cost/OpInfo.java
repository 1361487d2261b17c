package dev.edgewise.core.analysis.cost;

import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.Node;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What the cost model knows about one operator, read from {@code op-metadata.json}: its category,
 * the counter that computes its MACs and FLOPs, which inputs are parameters, the roles a counter
 * reads inputs by, flop constants (with variants chosen by an attribute value) and attribute defaults.
 *
 * @param key         op type, or {@code domain:OpType} outside the default ONNX domain
 * @param weightInputs input indices whose constant tensors count as parameters; {@link #ALL_INPUTS} alone
 *                     means every input (variadic ops such as Concat and Sum)
 * @param variants    {@code "attr=value"} to constants overriding {@code flops} when the node matches
 * @param attributeDefaults values used when a node omits the attribute (Long, Double or String)
 */
public record OpInfo(String key, String category, String counter, List<Integer> weightInputs,
                     Map<String, Integer> roles, Map<String, Double> flops,
                     Map<String, Map<String, Double>> variants, Map<String, Object> attributeDefaults) {
    public OpInfo {
        weightInputs = List.copyOf(weightInputs);
        roles = Map.copyOf(roles);
        flops = Map.copyOf(flops);
        variants = Map.copyOf(variants);
        attributeDefaults = Map.copyOf(attributeDefaults);
    }

    public static final int ALL_INPUTS = -1;

    public boolean isWeightInput(int index) {
        return weightInputs.contains(index) || weightInputs.contains(ALL_INPUTS);
    }

    public OptionalInt role(String role) {
        Integer i = roles.get(role);
        return i == null ? OptionalInt.empty() : OptionalInt.of(i);
    }

    /** The flop constant for this node: a matching variant wins over the plain value. */
    public double flopConstant(Node node, String name, double fallback) {
        for (Map.Entry<String, Map<String, Double>> v : variants.entrySet()) {
            Double value = v.getValue().get(name);
            if (value != null && matches(node, v.getKey())) {
                return value;
            }
        }
        return flops.getOrDefault(name, fallback);
    }

    private boolean matches(Node node, String condition) {
        int eq = condition.indexOf('=');
        String attr = condition.substring(0, eq);
        String expected = condition.substring(eq + 1);
        Object actual = attributeValue(node, attr);
        return actual != null && expected.equals(String.valueOf(actual));
    }

    /** The node's attribute as Long, Double or String, else the metadata default, else null. */
    public Object attributeValue(Node node, String attr) {
        Attribute a = node.attribute(attr);
        if (a == null) {
            return attributeDefaults.get(attr);
        }
        return switch (a.kind()) {
            case INT -> a.asInt();
            case FLOAT -> a.asFloat();
            case STRING -> a.asString();
            default -> a.value();
        };
    }
}
