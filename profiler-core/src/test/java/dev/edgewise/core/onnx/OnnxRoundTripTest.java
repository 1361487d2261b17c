package dev.edgewise.core.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.ir.Dim;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.testing.OrtRunner;
import dev.edgewise.core.testing.Samples;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Import then export must preserve the model exactly: ONNX Runtime gives bit-identical outputs
 * for the original file and for our re-written one. External data models prove that the bytes
 * we read at each offset are the ones ONNX Runtime reads.
 */
class OnnxRoundTripTest {
    @ParameterizedTest
    @ValueSource(strings = {"digits_cnn.onnx", "digits_mlp.onnx", "resnet_tiny.onnx", "mobilenetv2_tiny.onnx",
        "shufflenet_tiny.onnx", "googlenet_tiny.onnx", "transformer_tiny.onnx", "external_data.onnx"})
    void reexportedModelComputesTheSame(String name) throws Exception {
        Path file = Samples.model(name);
        Graph g = new OnnxImporter().load(file, ImportOptions.DEFAULT);
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (TensorInfo in : g.inputs()) {
            long[] dims = new long[in.shape().rank()];
            for (int i = 0; i < dims.length; i++) {
                Dim d = in.shape().dim(i);
                dims[i] = d.isKnown() ? d.value() : (i == 0 ? 2 : 5);
            }
            shapes.put(in.name(), dims);
        }
        Map<String, float[]> expected = OrtRunner.run(file.toString(), shapes, 42);
        Map<String, float[]> actual = OrtRunner.run(OnnxExporter.toBytes(g), shapes, 42);
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        for (String k : expected.keySet()) {
            assertThat(actual.get(k)).as(k).containsExactly(expected.get(k));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"digits_cnn.onnx", "external_data.onnx"})
    void weightsStayLazyViewsAfterImport(String name) throws Exception {
        Graph g = new OnnxImporter().load(Samples.model(name), ImportOptions.DEFAULT);
        assertThat(g.initializers()).isNotEmpty();
        for (TensorData t : g.initializers().values()) {
            assertThat(t.isLoaded()).as(t.name()).isFalse();
        }
        TensorData big = g.initializers().values().stream()
            .max(java.util.Comparator.comparingLong(TensorData::byteSize)).orElseThrow();
        assertThat(big.bytes().isDirect()).as("bytes of " + big.name() + " alias the mapped file").isTrue();
        assertThat(big.bytes().remaining()).isEqualTo((int) big.byteSize());
    }
}
