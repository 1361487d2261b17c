package dev.edgewise.core.onnx;

import com.google.protobuf.ByteString;
import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.Dim;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.ModelMetadata;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
import dev.edgewise.core.onnx.proto.OnnxProtos.AttributeProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.GraphProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.ModelProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.NodeProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.OperatorSetIdProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.TensorProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.TensorShapeProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.TypeProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.ValueInfoProto;
import dev.edgewise.core.util.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a graph as an ONNX model that ONNX Runtime loads: initializers as raw little-endian data,
 * value info for every known tensor, and the opsets the graph's metadata declares.
 */
public final class OnnxExporter {
    /** IR version written; 8 is read by every ONNX Runtime since 1.14 and covers opsets up to 19+. */
    public static final long IR_VERSION = 8;

    private OnnxExporter() {
    }

    public static void write(Graph g, Path file) throws IOException {
        ModelProto m = toProto(g);
        AtomicFiles.write(file, m::writeTo);
    }

    public static byte[] toBytes(Graph g) {
        return toProto(g).toByteArray();
    }

    public static ModelProto toProto(Graph g) {
        ModelMetadata meta = g.metadata();
        ModelProto.Builder m = ModelProto.newBuilder()
            .setIrVersion(Math.max(IR_VERSION, meta.irVersion()))
            .setProducerName(meta.producerName().isEmpty() ? "edgewise" : meta.producerName())
            .setProducerVersion(meta.producerVersion())
            .setGraph(graph(g));
        Map<String, Long> opsets = meta.opsets().isEmpty() ? Map.of("", 17L) : meta.opsets();
        opsets.forEach((d, v) -> m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(d).setVersion(v)));
        return m.build();
    }

    static GraphProto graph(Graph g) {
        GraphProto.Builder b = GraphProto.newBuilder().setName(g.name());
        for (Node n : g.nodes()) {
            b.addNode(node(n));
        }
        for (TensorData t : g.initializers().values()) {
            b.addInitializer(tensor(t));
        }
        g.inputs().forEach(t -> b.addInput(valueInfo(t)));
        g.outputs().forEach(t -> b.addOutput(valueInfo(t)));
        for (TensorInfo t : g.valueInfo().values()) {
            if (!g.isInitializer(t.name())) {
                b.addValueInfo(valueInfo(t));
            }
        }
        return b.build();
    }

    static NodeProto node(Node n) {
        NodeProto.Builder b = NodeProto.newBuilder().setName(n.name()).setOpType(n.opType())
            .addAllInput(n.inputs()).addAllOutput(n.outputs());
        if (!n.domain().isEmpty()) {
            b.setDomain(n.domain());
        }
        for (Attribute a : n.attributes().values()) {
            b.addAttribute(attribute(a));
        }
        return b.build();
    }

    static AttributeProto attribute(Attribute a) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(a.name());
        switch (a.kind()) {
            case INT -> b.setType(AttributeProto.AttributeType.INT).setI(a.asInt());
            case FLOAT -> b.setType(AttributeProto.AttributeType.FLOAT).setF((float) a.asFloat());
            case STRING -> b.setType(AttributeProto.AttributeType.STRING)
                .setS(ByteString.copyFrom(a.asString(), StandardCharsets.UTF_8));
            case INTS -> {
                b.setType(AttributeProto.AttributeType.INTS);
                for (long v : a.asInts()) {
                    b.addInts(v);
                }
            }
            case FLOATS -> {
                b.setType(AttributeProto.AttributeType.FLOATS);
                for (double v : a.asFloats()) {
                    b.addFloats((float) v);
                }
            }
            case STRINGS -> {
                b.setType(AttributeProto.AttributeType.STRINGS);
                for (Object s : (List<?>) a.value()) {
                    b.addStrings(ByteString.copyFrom(s.toString(), StandardCharsets.UTF_8));
                }
            }
            case TENSOR -> b.setType(AttributeProto.AttributeType.TENSOR).setT(tensor(a.asTensor()));
            case GRAPH -> b.setType(AttributeProto.AttributeType.GRAPH).setG(graph((Graph) a.value()));
            default -> throw new IllegalArgumentException("attribute '" + a.name() + "' of kind " + a.kind()
                + " cannot be written");
        }
        return b.build();
    }

    public static TensorProto tensor(TensorData t) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(t.name()).setDataType(t.dataType().onnxCode());
        for (Dim d : t.shape().dims()) {
            b.addDims(d.value());
        }
        b.setRawData(ByteString.copyFrom(t.bytes()));
        return b.build();
    }

    static ValueInfoProto valueInfo(TensorInfo t) {
        TypeProto.Tensor.Builder tt = TypeProto.Tensor.newBuilder().setElemType(t.dataType().onnxCode());
        if (t.shape().hasRank()) {
            TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
            for (Dim d : t.shape().dims()) {
                TensorShapeProto.Dimension.Builder db = TensorShapeProto.Dimension.newBuilder();
                if (d.isKnown()) {
                    db.setDimValue(d.value());
                } else if (d.isSymbolic()) {
                    db.setDimParam(d.symbolName());
                }
                s.addDim(db);
            }
            tt.setShape(s);
        }
        return ValueInfoProto.newBuilder().setName(t.name()).setType(TypeProto.newBuilder().setTensorType(tt)).build();
    }
}
