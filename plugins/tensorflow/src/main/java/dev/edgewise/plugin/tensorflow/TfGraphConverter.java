package dev.edgewise.plugin.tensorflow;

import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Dim;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.GraphBuilder;
import dev.edgewise.core.ir.ModelMetadata;
import dev.edgewise.core.ir.NhwcLayout;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
import dev.edgewise.plugin.tensorflow.proto.TfAttrValue.AttrValue;
import dev.edgewise.plugin.tensorflow.proto.TfGraph.GraphDef;
import dev.edgewise.plugin.tensorflow.proto.TfNodeDef.NodeDef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts a frozen GraphDef. Tensor "node:0" is named "node", "node:k" keeps its suffix. Const nodes
 * (and Identity chains over them, as freezing leaves "w/read") become initializers; a BiasAdd right
 * after a conv or MatMul becomes that node's bias input, as ONNX exporters do.
 */
final class TfGraphConverter {
    static final long OPSET = 13;

    final Path file;
    private final GraphDef gd;
    private final long batch;
    final GraphBuilder gb = GraphBuilder.create();
    private final Map<String, NodeDef> byName = new HashMap<>();
    private final Map<String, List<NodeDef>> consumers = new HashMap<>();
    private final Map<String, String> alias = new HashMap<>();
    private final Set<String> folded = new HashSet<>();
    private final Set<String> registered = new HashSet<>();
    private final Set<String> names = new HashSet<>();
    private final Set<String> produced = new LinkedHashSet<>();
    private final Set<String> used = new HashSet<>();
    private final List<Node> nodes = new ArrayList<>();

    TfGraphConverter(Path file, GraphDef gd, long batch) {
        this.file = file;
        this.gd = gd;
        this.batch = batch;
    }

    Graph convert() throws EdgewiseException {
        for (NodeDef n : gd.getNodeList()) {
            if (byName.putIfAbsent(n.getName(), n) != null) {
                throw new EdgewiseException(ErrorCode.DUPLICATE_TENSOR, file + ": two nodes are named '" + n.getName() + "'");
            }
            names.add(n.getName());
        }
        for (NodeDef n : gd.getNodeList()) {
            for (String in : n.getInputList()) {
                if (!in.startsWith("^")) {
                    consumers.computeIfAbsent(nodeOf(in), k -> new ArrayList<>()).add(n);
                }
            }
        }
        TfOps ops = new TfOps(this);
        for (NodeDef n : gd.getNodeList()) {
            if (!folded.contains(n.getName())) {
                ops.convert(n);
            }
        }
        Set<String> outputs = new HashSet<>();
        for (String t : produced) {
            if (!used.contains(t)) {
                gb.addOutput(new TensorInfo(t, DataType.UNDEFINED, Shape.unknownRank()));
                outputs.add(t);
            }
        }
        NhwcLayout.cancelTransposePairs(nodes, outputs);
        gb.nodes(nodes);
        Map<String, String> props = new LinkedHashMap<>();
        props.put("tf.producer", Integer.toString(gd.getVersions().getProducer()));
        props.put("layout", "NHWC ops wrapped in Transpose nodes around NCHW ops");
        gb.name(stem(file)).metadata(new ModelMetadata(file.toString(), "tensorflow", "TensorFlow",
            Integer.toString(gd.getVersions().getProducer()), 0, Map.of("", OPSET), "", props));
        return gb.build();
    }

    // ---- naming and lookup ----

    static String nodeOf(String ref) {
        String r = ref.startsWith("^") ? ref.substring(1) : ref;
        int colon = r.lastIndexOf(':');
        return colon > 0 && r.substring(colon + 1).chars().allMatch(Character::isDigit) ? r.substring(0, colon) : r;
    }

    static String irName(String ref) {
        String node = nodeOf(ref);
        String idx = ref.length() > node.length() ? ref.substring(node.length() + 1) : "0";
        return idx.equals("0") ? node : node + ":" + idx;
    }

    EdgewiseException error(NodeDef n, String msg) {
        return new EdgewiseException(ErrorCode.CORRUPT_MODEL, file + ": node '" + n.getName() + "' (" + n.getOp()
            + "): " + msg);
    }

    /** Data inputs (control inputs "^x" dropped). */
    List<String> dataInputs(NodeDef n) {
        return n.getInputList().stream().filter(s -> !s.startsWith("^")).toList();
    }

    String inputRef(NodeDef n, int i) throws EdgewiseException {
        List<String> in = dataInputs(n);
        if (i >= in.size()) {
            throw error(n, "needs input " + i + ", has " + in.size());
        }
        String ref = in.get(i);
        if (!byName.containsKey(nodeOf(ref))) {
            throw error(n, "input '" + ref + "' names no node of the graph");
        }
        return ref;
    }

    /** The Const node a reference resolves to through Identity nodes, or null. */
    NodeDef constNode(String ref) {
        NodeDef n = byName.get(nodeOf(ref));
        for (int guard = 0; n != null && guard < 100; guard++) {
            if (n.getOp().equals("Const")) {
                return n;
            }
            if (!n.getOp().equals("Identity") || n.getInputCount() == 0) {
                return null;
            }
            n = byName.get(nodeOf(n.getInput(0)));
        }
        return null;
    }

    /** The IR tensor for input i: a registered initializer for constants, else the (aliased) activation. */
    String value(NodeDef n, int i) throws EdgewiseException {
        String ref = inputRef(n, i);
        NodeDef c = constNode(ref);
        if (c != null) {
            return constant(c);
        }
        String t = alias.getOrDefault(irName(ref), irName(ref));
        used.add(t);
        return t;
    }

    String constant(NodeDef c) throws EdgewiseException {
        if (registered.add(c.getName())) {
            gb.addInitializer(constData(c).withName(c.getName()));
        }
        return c.getName();
    }

    TensorData constData(NodeDef c) throws EdgewiseException {
        AttrValue v = c.getAttrMap().get("value");
        if (v == null || !v.hasTensor()) {
            throw error(c, "Const without a value tensor");
        }
        return TfTensors.of(file, c.getName(), v.getTensor());
    }

    /** A constant registered under a new name with its axes permuted (bytes rearranged only when read). */
    String permutedConstant(NodeDef n, int input, int[] perm, long[] newShape) throws EdgewiseException {
        NodeDef c = constNode(inputRef(n, input));
        if (c == null) {
            throw error(n, "input " + input + " must be a constant (a frozen graph's weights)");
        }
        TensorData src = constData(c);
        long[] from = src.shape().toArray();
        int elem = Math.max(1, src.dataType().bits() / 8);
        String name = fresh(c.getName() + "/onnx_layout");
        gb.addInitializer(TensorData.lazy(name, src.dataType(), Shape.of(newShape), "graphdef (permuted)",
            () -> TfTensors.permute(src.bytes(), from, perm, elem)));
        return name;
    }

    /** The constant under a new name with another shape of the same element count (same bytes). */
    String reshapedConstant(NodeDef n, int input, long[] newShape) throws EdgewiseException {
        NodeDef c = constNode(inputRef(n, input));
        if (c == null) {
            throw error(n, "input " + input + " must be a constant");
        }
        TensorData src = constData(c);
        String name = fresh(c.getName() + "/nchw");
        gb.addInitializer(TensorData.lazy(name, src.dataType(), Shape.of(newShape), src.origin(), src::bytes));
        return name;
    }

    long[] constShape(NodeDef n, int input) throws EdgewiseException {
        NodeDef c = constNode(inputRef(n, input));
        if (c == null) {
            throw error(n, "input " + input + " must be a constant");
        }
        return constData(c).shape().toArray();
    }

    long[] constLongs(NodeDef n, int input) throws EdgewiseException {
        NodeDef c = constNode(inputRef(n, input));
        if (c == null) {
            throw error(n, "input " + input + " must be a constant");
        }
        return constData(c).toLongs();
    }

    /** The single consumer of the node's output 0 when it is of type {@code op}, or null. */
    NodeDef soleConsumer(NodeDef n, String op) {
        List<NodeDef> cs = consumers.getOrDefault(n.getName(), List.of());
        return cs.size() == 1 && cs.get(0).getOp().equals(op) ? cs.get(0) : null;
    }

    void fold(NodeDef n) {
        folded.add(n.getName());
    }

    void aliasTo(NodeDef n, String tensor) {
        alias.put(n.getName(), tensor);
    }

    String output(NodeDef n) {
        produced.add(n.getName());
        return n.getName();
    }

    String output(NodeDef n, int k) {
        String t = k == 0 ? n.getName() : n.getName() + ":" + k;
        produced.add(t);
        return t;
    }

    String fresh(String base) {
        String s = base;
        for (int k = 1; !names.add(s); k++) {
            s = base + "_" + k;
        }
        return s;
    }

    void node(String name, String op, List<String> in, List<String> out, List<Attribute> attrs) {
        Map<String, Attribute> m = new LinkedHashMap<>();
        attrs.forEach(a -> m.put(a.name(), a));
        nodes.add(new Node(name, op, Node.DEFAULT_DOMAIN, in, out, m));
    }

    String int64Constant(String base, long[] v) {
        String t = fresh(base);
        gb.addInitializer(TensorData.ofLongs(t, Shape.of(v.length), v));
        return t;
    }

    void placeholder(NodeDef n) throws EdgewiseException {
        AttrValue shape = n.getAttrMap().get("shape");
        DataType dt = n.getAttrMap().containsKey("dtype")
            ? TfTensors.dataType(n.getAttrMap().get("dtype").getType()) : DataType.FLOAT;
        Shape s = Shape.unknownRank();
        if (shape != null && shape.hasShape() && !shape.getShape().getUnknownRank()) {
            List<Dim> dims = new ArrayList<>();
            for (int i = 0; i < shape.getShape().getDimCount(); i++) {
                long d = shape.getShape().getDim(i).getSize();
                if (d >= 0) {
                    dims.add(Dim.of(d));
                } else if (i == 0) {
                    dims.add(Dim.of(batch));
                } else {
                    dims.add(Dim.unknown());
                    gb.addWarning("input '" + n.getName() + "': dimension " + i + " is not fixed in the graph");
                }
            }
            s = Shape.of(dims);
        } else {
            gb.addWarning("input '" + n.getName() + "' has no shape in the graph; give one with --input");
        }
        gb.addInput(new TensorInfo(n.getName(), dt, s));
    }

    void foreignNode(Node n) {
        nodes.add(n);
    }

    void warn(String w) {
        gb.addWarning(w);
    }

    static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? n : n.substring(0, dot);
    }
}
