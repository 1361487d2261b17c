package dev.edgewise.core.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One operator application. Inputs and outputs are tensor names; an empty string marks an omitted
 * optional input, as in ONNX. Immutable.
 */
public final class Node {
    public static final String DEFAULT_DOMAIN = "";

    private final String name;
    private final String opType;
    private final String domain;
    private final List<String> inputs;
    private final List<String> outputs;
    private final Map<String, Attribute> attributes;

    public Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
                Map<String, Attribute> attributes) {
        this.name = Objects.requireNonNull(name, "name");
        this.opType = Objects.requireNonNull(opType, "opType");
        this.domain = normalizeDomain(domain);
        this.inputs = List.copyOf(inputs);
        this.outputs = List.copyOf(outputs);
        this.attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    public static Node of(String name, String opType, List<String> inputs, List<String> outputs, Attribute... attrs) {
        Map<String, Attribute> m = new LinkedHashMap<>();
        for (Attribute a : attrs) {
            m.put(a.name(), a);
        }
        return new Node(name, opType, DEFAULT_DOMAIN, inputs, outputs, m);
    }

    /** "ai.onnx" and "" both mean the default domain. */
    static String normalizeDomain(String domain) {
        return domain == null || domain.equals("ai.onnx") ? DEFAULT_DOMAIN : domain;
    }

    public String name() {
        return name;
    }

    public String opType() {
        return opType;
    }

    public String domain() {
        return domain;
    }

    public boolean isDefaultDomain() {
        return domain.isEmpty();
    }

    public List<String> inputs() {
        return inputs;
    }

    public List<String> outputs() {
        return outputs;
    }

    /** The i-th input name, or "" when absent or omitted. */
    public String input(int i) {
        return i < inputs.size() ? inputs.get(i) : "";
    }

    public boolean hasInput(int i) {
        return !input(i).isEmpty();
    }

    public String output(int i) {
        return i < outputs.size() ? outputs.get(i) : "";
    }

    public Map<String, Attribute> attributes() {
        return attributes;
    }

    public Attribute attribute(String attrName) {
        return attributes.get(attrName);
    }

    public long attrInt(String attrName, long defaultValue) {
        Attribute a = attributes.get(attrName);
        return a == null ? defaultValue : a.asInt();
    }

    public double attrFloat(String attrName, double defaultValue) {
        Attribute a = attributes.get(attrName);
        return a == null ? defaultValue : a.asFloat();
    }

    public String attrString(String attrName, String defaultValue) {
        Attribute a = attributes.get(attrName);
        return a == null ? defaultValue : a.asString();
    }

    /** The ints attribute, or null when absent. */
    public long[] attrInts(String attrName) {
        Attribute a = attributes.get(attrName);
        return a == null ? null : a.asInts();
    }

    public Node withName(String newName) {
        return new Node(newName, opType, domain, inputs, outputs, attributes);
    }

    public Node withInputs(List<String> newInputs) {
        return new Node(name, opType, domain, newInputs, outputs, attributes);
    }

    public Node withOutputs(List<String> newOutputs) {
        return new Node(name, opType, domain, inputs, newOutputs, attributes);
    }

    public Node withAttribute(Attribute a) {
        Map<String, Attribute> m = new LinkedHashMap<>(attributes);
        m.put(a.name(), a);
        return new Node(name, opType, domain, inputs, outputs, m);
    }

    @Override
    public String toString() {
        return name + " (" + (domain.isEmpty() ? "" : domain + ":") + opType + ")";
    }
}
