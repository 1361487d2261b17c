package dev.edgewise.core.onnx;

import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Dim;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.GraphBuilder;
import dev.edgewise.core.ir.ModelMetadata;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
import dev.edgewise.core.onnx.proto.OnnxProtos.AttributeProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.GraphProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.NodeProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.TensorProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.TensorShapeProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.TypeProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.ValueInfoProto;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Converts a parsed GraphProto into the IR, validating what later stages rely on. */
final class OnnxGraphConverter {
    /** Larger than any real tensor dimension; such a value is a corrupt or hostile file. */
    static final long ABSURD_DIM = 1L << 32;
    private static final Set<String> KNOWN_DOMAINS = Set.of("", "ai.onnx");

    private final String fileName;
    private final Path modelDir;
    private final ModelMetadata meta;
    private final List<String> warnings = new ArrayList<>();

    OnnxGraphConverter(String fileName, Path modelDir, ModelMetadata meta) {
        this.fileName = fileName;
        this.modelDir = modelDir;
        this.meta = meta;
    }

    Graph convert(GraphProto gp) throws EdgewiseException {
        checkOpset();
        GraphBuilder b = GraphBuilder.create().name(gp.getName().isEmpty() ? "main" : gp.getName()).metadata(meta);
        Set<String> initNames = new HashSet<>();
        for (TensorProto t : gp.getInitializerList()) {
            String ctx = fileName + ": initializer '" + t.getName() + "'";
            b.addInitializer(OnnxTensors.toTensorData(t, modelDir, ctx));
            initNames.add(t.getName());
        }
        if (gp.getSparseInitializerCount() > 0) {
            warnings.add(gp.getSparseInitializerCount() + " sparse initializer(s) are not read; their layers count no parameters");
        }
        for (ValueInfoProto v : gp.getInputList()) {
            if (!initNames.contains(v.getName())) {
                b.addInput(tensorInfo(v, "graph input", true));
            }
        }
        for (ValueInfoProto v : gp.getOutputList()) {
            b.addOutput(tensorInfo(v, "graph output", false));
        }
        for (ValueInfoProto v : gp.getValueInfoList()) {
            b.putValueInfo(tensorInfo(v, "value_info", false));
        }
        Set<String> usedNames = new HashSet<>();
        int index = 0;
        for (NodeProto np : gp.getNodeList()) {
            b.addNode(node(np, index++, usedNames));
        }
        warnings.forEach(b::addWarning);
        try {
            return b.build();
        } catch (EdgewiseException e) {
            throw new EdgewiseException(e.code(), fileName + ": " + e.getMessage(), e);
        }
    }

    private void checkOpset() {
        long v = meta.defaultOpset();
        if (v != 0 && (v < OnnxImporter.MIN_OPSET || v > OnnxImporter.MAX_OPSET)) {
            warnings.add("default-domain opset " + v + " is outside the supported range " + OnnxImporter.MIN_OPSET
                + "-" + OnnxImporter.MAX_OPSET + "; shapes and costs follow the nearest supported definition");
        }
    }

    private Node node(NodeProto np, int index, Set<String> usedNames) throws EdgewiseException {
        String name = np.getName().isEmpty() ? np.getOpType() + "_" + index : np.getName();
        String unique = name;
        for (int k = 1; !usedNames.add(unique); k++) {
            unique = name + "#" + k;
        }
        String domain = np.getDomain().equals("ai.onnx") ? "" : np.getDomain();
        if (!KNOWN_DOMAINS.contains(domain)) {
            warnings.add("layer '" + unique + "': op " + domain + ":" + np.getOpType()
                + " is from a domain Edgewise does not model; kept as an opaque node and counted as zero");
        }
        Map<String, Attribute> attrs = new LinkedHashMap<>();
        for (AttributeProto a : np.getAttributeList()) {
            attrs.put(a.getName(), attribute(a, unique));
        }
        return new Node(unique, np.getOpType(), domain, np.getInputList(), np.getOutputList(), attrs);
    }

    private Attribute attribute(AttributeProto a, String nodeName) throws EdgewiseException {
        String ctx = fileName + ": layer '" + nodeName + "' attribute '" + a.getName() + "'";
        AttributeProto.AttributeType type = a.hasType() ? a.getType() : inferType(a);
        return switch (type) {
            case INT -> Attribute.ofInt(a.getName(), a.getI());
            case FLOAT -> Attribute.ofFloat(a.getName(), a.getF());
            case STRING -> Attribute.ofString(a.getName(), a.getS().toString(StandardCharsets.UTF_8));
            case INTS -> new Attribute(a.getName(), Attribute.Kind.INTS, a.getIntsList());
            case FLOATS -> new Attribute(a.getName(), Attribute.Kind.FLOATS,
                a.getFloatsList().stream().map(Float::doubleValue).toList());
            case STRINGS -> new Attribute(a.getName(), Attribute.Kind.STRINGS,
                a.getStringsList().stream().map(s -> s.toString(StandardCharsets.UTF_8)).toList());
            case TENSOR -> Attribute.ofTensor(a.getName(), OnnxTensors.toTensorData(a.getT(), modelDir, ctx));
            case TENSORS -> {
                List<TensorData> ts = new ArrayList<>();
                for (TensorProto t : a.getTensorsList()) {
                    ts.add(OnnxTensors.toTensorData(t, modelDir, ctx));
                }
                yield new Attribute(a.getName(), Attribute.Kind.TENSORS, ts);
            }
            case GRAPH -> new Attribute(a.getName(), Attribute.Kind.GRAPH, subgraph(a.getG(), nodeName));
            case GRAPHS -> {
                List<Graph> gs = new ArrayList<>();
                for (GraphProto g : a.getGraphsList()) {
                    gs.add(subgraph(g, nodeName));
                }
                yield new Attribute(a.getName(), Attribute.Kind.GRAPHS, gs);
            }
            default -> new Attribute(a.getName(), Attribute.Kind.OTHER, type.name());
        };
    }

    /** Subgraphs (If/Loop/Scan bodies) are kept for display; they may use outer-scope names. */
    private Graph subgraph(GraphProto g, String nodeName) throws EdgewiseException {
        OnnxGraphConverter sub = new OnnxGraphConverter(fileName + " (subgraph of '" + nodeName + "')", modelDir, meta);
        return sub.convert(g);
    }

    private static AttributeProto.AttributeType inferType(AttributeProto a) {
        if (a.hasF()) return AttributeProto.AttributeType.FLOAT;
        if (a.hasI()) return AttributeProto.AttributeType.INT;
        if (a.hasS()) return AttributeProto.AttributeType.STRING;
        if (a.hasT()) return AttributeProto.AttributeType.TENSOR;
        if (a.hasG()) return AttributeProto.AttributeType.GRAPH;
        if (a.getFloatsCount() > 0) return AttributeProto.AttributeType.FLOATS;
        if (a.getIntsCount() > 0) return AttributeProto.AttributeType.INTS;
        if (a.getStringsCount() > 0) return AttributeProto.AttributeType.STRINGS;
        return AttributeProto.AttributeType.UNDEFINED;
    }

    private TensorInfo tensorInfo(ValueInfoProto v, String role, boolean strict) throws EdgewiseException {
        TypeProto tp = v.getType();
        if (!tp.hasTensorType()) {
            return new TensorInfo(v.getName(), DataType.UNDEFINED, Shape.unknownRank());
        }
        TypeProto.Tensor tt = tp.getTensorType();
        DataType type = DataType.fromOnnx(tt.getElemType());
        if (!tt.hasShape()) {
            return new TensorInfo(v.getName(), type, Shape.unknownRank());
        }
        List<Dim> dims = new ArrayList<>();
        int axis = 0;
        for (TensorShapeProto.Dimension d : tt.getShape().getDimList()) {
            dims.add(dim(d, v.getName(), role, axis++, strict));
        }
        return new TensorInfo(v.getName(), type, Shape.of(dims));
    }

    private Dim dim(TensorShapeProto.Dimension d, String tensor, String role, int axis, boolean strict)
            throws EdgewiseException {
        if (d.hasDimValue()) {
            long v = d.getDimValue();
            if (v < 0 || v >= ABSURD_DIM) {
                if (!strict && v < 0) {
                    return Dim.unknown();
                }
                throw new EdgewiseException(ErrorCode.INVALID_DIMENSION, fileName + ": " + role + " '" + tensor
                    + "' has " + (v < 0 ? "negative" : "absurd") + " dimension " + v + " at axis " + axis);
            }
            return Dim.of(v);
        }
        if (d.hasDimParam() && !d.getDimParam().isEmpty()) {
            return Dim.symbol(d.getDimParam());
        }
        return Dim.unknown();
    }
}
