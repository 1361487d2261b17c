package dev.edgewise.core.analysis.shapes;

import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Dim;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorInfo;
import java.util.List;

/**
 * What a {@link ShapeRule} sees of one node: its inputs' types, shapes and known values, its
 * attributes, the model's opset, and where it writes its outputs.
 */
public final class OpContext {
    /** Larger than any real tensor dimension (2^32, as the importer's limit). */
    public static final long ABSURD_DIM = 1L << 32;

    private final Node node;
    private final TensorStore store;
    private final long opset;
    private final TensorInfo[] outInfos;
    private final Value[] outValues;
    private final SubgraphRunner subgraphs;
    private String reason;

    /** Runs a subgraph (an If branch) in the scope of the current node and returns its outputs. */
    @FunctionalInterface
    public interface SubgraphRunner {
        List<Result> run(Graph body, TensorStore outerScope, String where, List<Result> bodyInputs);
    }

    /** One output of a subgraph: its type and shape, and its value when known. */
    public record Result(TensorInfo info, Value value) {
    }

    public OpContext(Node node, TensorStore store, long opset, SubgraphRunner subgraphs) {
        this.node = node;
        this.store = store;
        this.opset = opset;
        this.subgraphs = subgraphs;
        this.outInfos = new TensorInfo[node.outputs().size()];
        this.outValues = new Value[node.outputs().size()];
    }

    public Node node() {
        return node;
    }

    /** The model's default-domain opset, or 0 when it declares none (then both forms are tried). */
    public long opset() {
        return opset;
    }

    public int inputCount() {
        return node.inputs().size();
    }

    public boolean hasInput(int i) {
        return node.hasInput(i);
    }

    public int outputCount() {
        return node.outputs().size();
    }

    public TensorInfo input(int i) {
        if (!node.hasInput(i)) {
            return null;
        }
        return store.info(node.input(i));
    }

    public DataType type(int i) {
        TensorInfo t = input(i);
        return t == null ? DataType.UNDEFINED : t.dataType();
    }

    public Shape shape(int i) {
        TensorInfo t = input(i);
        return t == null ? Shape.unknownRank() : t.shape();
    }

    /** The shape of input i, which must have a known rank. */
    public Shape rankedShape(int i) {
        if (!node.hasInput(i)) {
            throw new Unresolved("input " + i + " is missing");
        }
        Shape s = shape(i);
        if (!s.hasRank()) {
            throw new Unresolved("input '" + node.input(i) + "' has unknown rank");
        }
        return s;
    }

    /** The known contents of input i, or null. */
    public Value value(int i) {
        return node.hasInput(i) ? store.value(node.input(i)) : null;
    }

    /** The contents of input i, which must be known; {@code role} names it in the warning. */
    public Value requireValue(int i, String role) {
        Value v = value(i);
        if (v == null) {
            throw new Unresolved(role + " input '" + node.input(i) + "' is not a constant");
        }
        return v;
    }

    /** Infers the subgraph held by attribute {@code attr}; its outputs in order. */
    public List<Result> runSubgraph(String attr) {
        return runSubgraph(attr, List.of());
    }

    /** As {@link #runSubgraph(String)}, feeding the subgraph's inputs (Loop bodies) with the given infos. */
    public List<Result> runSubgraph(String attr, List<Result> bodyInputs) {
        Attribute a = node.attribute(attr);
        if (a == null || a.kind() != Attribute.Kind.GRAPH || subgraphs == null) {
            throw new Unresolved("no subgraph attribute '" + attr + "'");
        }
        return subgraphs.run((Graph) a.value(), store, attr + " of layer '" + node.name() + "'", bodyInputs);
    }

    public boolean hasAttr(String name) {
        return node.attribute(name) != null;
    }

    public Attribute attr(String name) {
        return node.attribute(name);
    }

    public long attrInt(String name, long defaultValue) {
        return node.attrInt(name, defaultValue);
    }

    public double attrFloat(String name, double defaultValue) {
        return node.attrFloat(name, defaultValue);
    }

    public String attrString(String name, String defaultValue) {
        return node.attrString(name, defaultValue);
    }

    /** Ints attribute or null. */
    public long[] attrInts(String name) {
        return node.attrInts(name);
    }

    /** Normalises a possibly negative axis against a rank; out of range cannot be resolved. */
    public int axis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new Unresolved("axis " + axis + " is out of range for rank " + rank);
        }
        return (int) a;
    }

    /** A computed dimension, checked: negative or absurd values mean the model is wrong. */
    public Dim dim(long v, String what) {
        if (v < 0 || v >= ABSURD_DIM) {
            throw new InvalidDimension((v < 0 ? "negative" : "absurd") + " dimension " + v + " computed for " + what);
        }
        return Dim.of(v);
    }

    public void output(int i, DataType type, Shape shape) {
        output(i, type, shape, null);
    }

    /** Sets output i; silently ignores outputs the node does not have (optional outputs). */
    public void output(int i, DataType type, Shape shape, Value value) {
        if (i >= outInfos.length || node.output(i).isEmpty()) {
            return;
        }
        outInfos[i] = new TensorInfo(node.output(i), type, shape);
        outValues[i] = value;
    }

    /** Output i gets input j's type and shape (elementwise ops). */
    public void outputLike(int i, int j) {
        output(i, type(j), shape(j));
    }

    /** Records why an output stays partly unknown although the rule did not fail. */
    public void because(String why) {
        if (reason == null) {
            reason = why;
        }
    }

    public String reason() {
        return reason;
    }

    public TensorInfo outputInfo(int i) {
        return outInfos[i];
    }

    public Value outputValue(int i) {
        return outValues[i];
    }
}
