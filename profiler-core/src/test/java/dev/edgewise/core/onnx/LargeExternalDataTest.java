package dev.edgewise.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.onnx.proto.OnnxProtos.GraphProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.ModelProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.NodeProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.OperatorSetIdProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.StringStringEntryProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.TensorProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.TypeProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.ValueInfoProto;
import dev.edgewise.core.spi.ImportOptions;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models above 2 GB keep their weights in external data; offsets past 2^31 must work. */
class LargeExternalDataTest {
    private static final long OFFSET = 3L << 30;

    @Test
    void readsTensorBeyondTwoGigabytesOfExternalData(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("weights.bin");
        try (RandomAccessFile f = new RandomAccessFile(data.toFile(), "rw")) {
            f.setLength(OFFSET + 16); // sparse: costs no disk
            f.seek(OFFSET);
            ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
            b.putFloat(1.5f).putFloat(-2f).putFloat(3.25f).putFloat(4f);
            f.write(b.array());
        }
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(1).addDims(4)
            .setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(kv("location", "weights.bin")).addExternalData(kv("offset", Long.toString(OFFSET)))
            .addExternalData(kv("length", "16")).build();
        ModelProto m = ModelProto.newBuilder().setIrVersion(8)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17))
            .setGraph(GraphProto.newBuilder().setName("g").addInitializer(w)
                .addInput(vi("x")).addOutput(vi("y"))
                .addNode(NodeProto.newBuilder().setOpType("Add").addInput("x").addInput("w").addOutput("y")))
            .build();
        Path model = dir.resolve("big.onnx");
        Files.write(model, m.toByteArray());

        Graph g = new OnnxImporter().load(model, ImportOptions.DEFAULT);
        TensorData t = g.initializer("w");
        assertThat(t.origin()).contains("weights.bin@" + OFFSET);
        assertThat(t.toFloats()).containsExactly(1.5f, -2f, 3.25f, 4f);
    }

    @Test
    void externalDataOutsideTheModelFolderIsRefused(@TempDir Path dir) throws Exception {
        TensorProto w = TensorProto.newBuilder().setName("w").setDataType(1).addDims(1)
            .setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(kv("location", "../../etc/passwd")).build();
        ModelProto m = ModelProto.newBuilder().setIrVersion(8)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17))
            .setGraph(GraphProto.newBuilder().setName("g").addInitializer(w).addOutput(vi("w"))).build();
        Path model = dir.resolve("escape.onnx");
        Files.write(model, m.toByteArray());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new OnnxImporter().load(model, ImportOptions.DEFAULT))
            .hasMessageContaining("escape.onnx").hasMessageContaining("outside the model's folder");
    }

    private static StringStringEntryProto kv(String k, String v) {
        return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    private static ValueInfoProto vi(String name) {
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
            .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1)
                .setShape(dev.edgewise.core.onnx.proto.OnnxProtos.TensorShapeProto.newBuilder()
                    .addDim(dev.edgewise.core.onnx.proto.OnnxProtos.TensorShapeProto.Dimension.newBuilder().setDimValue(4)))))
            .build();
    }

}
