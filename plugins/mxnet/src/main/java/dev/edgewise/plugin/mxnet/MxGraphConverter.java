package dev.edgewise.plugin.mxnet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.GraphBuilder;
import dev.edgewise.core.ir.ModelMetadata;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Converts an MXNet symbol graph (NCHW, as MXNet's own layout) into ONNX-style nodes. "null" nodes
 * become initializers when an operator reads them as weights, graph inputs otherwise. Shapes are
 * tracked where the input shape is known, so that weights missing from the params file still get exact
 * shapes.
 */
final class MxGraphConverter {
    static final long OPSET = 13;

    final Path file;
    private final JsonNode root;
    final MxParams params;
    private final Map<String, Shape> inputShapes;
    final GraphBuilder gb = GraphBuilder.create();
    private final List<JsonNode> nodes = new ArrayList<>();
    private final Map<String, long[]> shapes = new HashMap<>();
    private final Set<String> registered = new HashSet<>();
    private final Set<String> names = new HashSet<>();

    MxGraphConverter(Path file, JsonNode root, MxParams params, Map<String, Shape> inputShapes) {
        this.file = file;
        this.root = root;
        this.params = params;
        this.inputShapes = inputShapes;
    }

    Graph convert() throws EdgewiseException {
        root.get("nodes").forEach(nodes::add);
        for (JsonNode n : nodes) {
            names.add(name(n));
        }
        MxOps ops = new MxOps(this);
        for (int i = 0; i < nodes.size(); i++) {
            JsonNode n = nodes.get(i);
            if (!"null".equals(n.path("op").asText())) {
                ops.convert(i, n);
            }
        }
        JsonNode heads = root.path("heads");
        for (JsonNode h : heads) {
            int id = h.path(0).asInt(-1);
            checkNode(id, "heads");
            String t = tensor(id, h.path(1).asInt(0));
            long[] s = shapes.get(t);
            gb.addOutput(new TensorInfo(t, DataType.FLOAT, s == null ? Shape.unknownRank() : Shape.of(s)));
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("params", params.present() ? params.file().toString() : "none: weights are zero tensors");
        JsonNode version = root.path("attrs").path("mxnet_version");
        String v = version.isArray() ? version.path(1).asText() : "";
        if (!params.present()) {
            gb.addWarning(file.getFileName() + ": no .params file; weights are zeros (shapes and counts are exact)");
        }
        gb.name(stem(file)).metadata(new ModelMetadata(file.toString(), "mxnet", "MXNet", v, 0, Map.of("", OPSET), "",
            props));
        return gb.build();
    }

    static String name(JsonNode n) {
        return n.path("name").asText();
    }

    /** Operator attributes; older MXNet wrote them as "param" or "attr" instead of "attrs". */
    static Map<String, String> attrs(JsonNode n) {
        Map<String, String> m = new HashMap<>();
        for (String key : new String[] {"param", "attr", "attrs"}) {
            Iterator<Map.Entry<String, JsonNode>> it = n.path(key).fields();
            while (it.hasNext()) {
                var e = it.next();
                m.put(e.getKey(), e.getValue().asText());
            }
        }
        return m;
    }

    EdgewiseException error(JsonNode n, String msg) {
        return new EdgewiseException(ErrorCode.CORRUPT_MODEL, file + ": node '" + name(n) + "' ("
            + n.path("op").asText() + "): " + msg);
    }

    private void checkNode(int id, String where) throws EdgewiseException {
        if (id < 0 || id >= nodes.size()) {
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, file + ": " + where + " refers to node " + id + " of "
                + nodes.size());
        }
    }

    /** The node id and output index of input k. */
    int[] input(JsonNode n, int k) throws EdgewiseException {
        JsonNode in = n.path("inputs");
        if (k >= in.size()) {
            throw error(n, "needs input " + k + ", has " + in.size());
        }
        int id = in.get(k).path(0).asInt(-1);
        if (id < 0 || id >= nodes.size()) {
            throw error(n, "input " + k + " refers to node " + id + " of " + nodes.size());
        }
        return new int[] {id, in.get(k).path(1).asInt(0)};
    }

    int inputCount(JsonNode n) {
        return n.path("inputs").size();
    }

    JsonNode node(int id) {
        return nodes.get(id);
    }

    String tensor(int id, int index) {
        String nm = name(nodes.get(id));
        return index == 0 ? nm : nm + ":" + index;
    }

    /** A data input: an earlier op's output, or a graph input for a "null" node. */
    String data(JsonNode n, int k) throws EdgewiseException {
        int[] r = input(n, k);
        JsonNode src = nodes.get(r[0]);
        if ("null".equals(src.path("op").asText()) && registered.add(name(src))) {
            Shape s = inputShapes.get(name(src));
            if (s == null && inputShapes.containsKey("")) {
                s = inputShapes.get("");
            }
            String declared = attrs(src).get("__shape__");
            if (s == null && declared != null) {
                s = Shape.of(MxOps.tuple(declared));
            }
            if (s == null || !s.isStatic()) {
                gb.addWarning("input '" + name(src) + "': shape not stated in the symbol; give it with option"
                    + " input_shape or --input");
                s = Shape.unknownRank();
            } else {
                shapes.put(name(src), s.toArray());
            }
            gb.addInput(new TensorInfo(name(src), DataType.FLOAT, s));
        }
        return tensor(r[0], r[1]);
    }

    long[] shape(String tensor) {
        long[] s = shapes.get(tensor);
        return s == null ? null : s.clone();
    }

    void setShape(String tensor, long[] s) {
        if (s != null) {
            shapes.put(tensor, s.clone());
            gb.putValueInfo(new TensorInfo(tensor, DataType.FLOAT, Shape.of(s)));
        }
    }

    /**
     * A weight read by input k: the params file's array when present (its shape checked against the one
     * the op implies, when that is known), zeros of the implied shape otherwise.
     */
    String param(JsonNode n, int k, long[] implied, Supplier<ByteBuffer> override) throws EdgewiseException {
        int[] r = input(n, k);
        JsonNode src = nodes.get(r[0]);
        String nm = name(src);
        if (!"null".equals(src.path("op").asText())) {
            return tensor(r[0], r[1]);
        }
        if (!registered.add(nm)) {
            return nm;
        }
        MxParams.Array a = params.get(nm);
        long[] shape = implied;
        if (a != null) {
            if (implied != null && count(implied) != count(a.shape())) {
                throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, params.file() + ": '" + nm + "' has shape "
                    + Arrays.toString(a.shape()) + ", node '" + name(n) + "' (" + n.path("op").asText() + ") needs "
                    + Arrays.toString(implied));
            }
            shape = implied != null ? implied : a.shape();
            ByteBuffer data = a.data();
            Supplier<ByteBuffer> src2 = override != null ? override : () -> data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
            gb.addInitializer(TensorData.lazy(nm, a.type(), Shape.of(shape), "params " + params.file().getFileName(), src2));
        } else {
            if (shape == null) {
                throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, file + ": weight '" + nm + "' of node '"
                    + name(n) + "' is not in " + (params.present() ? params.file().getFileName().toString()
                    : "a params file (none found)") + " and its shape cannot be derived without the input shape"
                    + " (option input_shape)");
            }
            if (params.present()) {
                gb.addWarning("weight '" + nm + "' is missing from " + params.file().getFileName() + "; zeros used");
            }
            long c = count(shape);
            Supplier<ByteBuffer> zeros = override != null ? override : () -> ByteBuffer.allocate(Math.toIntExact(c * 4));
            gb.addInitializer(TensorData.lazy(nm, DataType.FLOAT, Shape.of(shape), "zeros (no params)", zeros));
        }
        shapes.put(nm, shape.clone());
        return nm;
    }

    static long count(long[] s) {
        long n = 1;
        for (long d : s) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    String fresh(String base) {
        String s = base;
        for (int k = 1; !names.add(s); k++) {
            s = base + "_" + k;
        }
        return s;
    }

    void emit(String name, String op, List<String> in, String out, List<Attribute> attrs) {
        Map<String, Attribute> m = new LinkedHashMap<>();
        attrs.forEach(a -> m.put(a.name(), a));
        gb.addNode(new Node(name, op, Node.DEFAULT_DOMAIN, in, List.of(out), m));
    }

    void warn(String w) {
        gb.addWarning(w);
    }

    static String stem(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith("-symbol.json") ? n.substring(0, n.length() - 12) : n.replaceFirst("\\.json$", "");
    }
}
