package dev.edgewise.core.analysis.cost;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgewise.core.analysis.Analyzer;
import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.analysis.LayerCost;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.testing.Samples;
import java.nio.file.Files;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole path (import, shape inference, cost model) on the committed sample models. Expected
 * MACs are worked out by hand from the architectures in samples/generate.py; expected parameters
 * are summed from the file's initializers and cross-checked with samples/models/models_info.json.
 */
class SampleModelsCostTest {
    private static final DimBindings BINDINGS = new DimBindings(
            Map.of("batch_size", 1L, "sequence_length", 8L), Map.of());

    static Stream<Arguments> models() {
        return Stream.of(
                // Conv 1->16 3x3 pad 1 @8x8, Conv 16->32 3x3 @6x6, Linear 288->64, Linear 64->10
                Arguments.of("digits_cnn.onnx", 16L * 8 * 8 * 1 * 9 + 32L * 6 * 6 * 16 * 9 + 288 * 64 + 64 * 10),
                Arguments.of("digits_mlp.onnx", 64L * 128 + 128 * 64 + 64 * 10),
                // stem 3->16 @32x32; block 16->16 two 3x3 @16x16; block 16->32 s2: 3x3 @8x8, 3x3 32->32, 1x1 down; fc
                Arguments.of("resnet_tiny.onnx", 16L * 32 * 32 * 3 * 9 + 2 * (16L * 16 * 16 * 16 * 9)
                        + 32L * 8 * 8 * 16 * 9 + 32L * 8 * 8 * 32 * 9 + 32L * 8 * 8 * 16 + 32 * 10),
                // stem 3->16 s2 @16x16; IR(16->24, s2, x3): 1x1 16->48 @16x16, dw 48 @8x8, 1x1 48->24;
                // IR(24->24, x3): 1x1 24->72, dw 72, 1x1 72->24 @8x8; 1x1 24->64 @8x8; fc 64->10
                Arguments.of("mobilenetv2_tiny.onnx", 16L * 16 * 16 * 3 * 9
                        + 48L * 16 * 16 * 16 + 48L * 8 * 8 * 9 + 24L * 8 * 8 * 48
                        + 72L * 8 * 8 * 24 + 72L * 8 * 8 * 9 + 24L * 8 * 8 * 72 + 64L * 8 * 8 * 24 + 64 * 10),
                // stem 3->24 s2 @16x16; unit s2: branch1 dw 24 @8x8 + 1x1 24->24, branch2 1x1 24->24 @16x16,
                // dw 24 s2 @8x8, 1x1 24->24; unit s1 on half (24 ch) @8x8: 1x1, dw, 1x1; conv5 48->64; fc 64->10
                Arguments.of("shufflenet_tiny.onnx", 24L * 16 * 16 * 3 * 9
                        + 24L * 8 * 8 * 9 + 24L * 8 * 8 * 24 + 24L * 16 * 16 * 24 + 24L * 8 * 8 * 9 + 24L * 8 * 8 * 24
                        + 24L * 8 * 8 * 24 + 24L * 8 * 8 * 9 + 24L * 8 * 8 * 24 + 64L * 8 * 8 * 48 + 64 * 10),
                // stem 3->32 @32x32; inception @16x16 from 32 ch: 1x1->16; 1x1->16, 3x3 16->24; 1x1->4,
                // 5x5 4->8; pool + 1x1->8; fc 56->10
                Arguments.of("googlenet_tiny.onnx", 32L * 32 * 32 * 3 * 9 + 16L * 256 * 32
                        + 16L * 256 * 32 + 24L * 256 * 16 * 9 + 4L * 256 * 32 + 8L * 256 * 4 * 25 + 8L * 256 * 32 + 56 * 10),
                // batch 1, seq 8, d 32, 2 heads of 16: q,k,v,o 8x32x32 each; q.kT and att.v 2x8x8x16 each; ff 32->64->32
                Arguments.of("transformer_tiny.onnx", 4L * 8 * 32 * 32 + 2 * (2L * 8 * 8 * 16) + 2 * (8L * 32 * 64)),
                // conv 3->8 @16x16, conv 8->8 s2 @8x8, fc 8->10
                Arguments.of("external_data.onnx", 8L * 16 * 16 * 3 * 9 + 8L * 8 * 8 * 8 * 9 + 8 * 10));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void totalsMatchFiguresWorkedOutIndependently(String file, long expectedMacs) throws Exception {
        ModelAnalysis a = Analyzer.withDefaults().analyze(Samples.model(file), ImportOptions.DEFAULT, BINDINGS);
        Graph g = a.graph();

        assertThat(a.layers()).as("every layer resolved").allMatch(LayerCost::resolved, "resolved");
        assertThat(a.totals().macs()).isEqualTo(expectedMacs);

        long floatInitializerElements = 0;
        long floatInitializerBytes = 0;
        long int64Elements = 0;
        for (TensorData t : g.initializers().values()) {
            if (t.dataType() == DataType.INT64) {
                int64Elements += t.numElements();
            } else {
                floatInitializerElements += t.numElements();
                floatInitializerBytes += t.byteSize();
            }
        }
        assertThat(a.totals().params()).isEqualTo(floatInitializerElements);
        assertThat(a.totals().weightBytes()).isEqualTo(floatInitializerBytes);
        JsonNode info = new ObjectMapper().readTree(Files.readString(Samples.dir().resolve("models/models_info.json")));
        assertThat(a.totals().params() + int64Elements).isEqualTo(info.path(file).path("initializer_elements").asLong());

        long convParams = sumInitializersReadBy(g, "Conv");
        long fcParams = sumInitializersReadBy(g, "Gemm") + sumInitializersReadBy(g, "MatMul")
                + sumInitializersReadBy(g, "Transpose");  // transformer_tiny transposes its Linear weights at run time
        assertThat(a.byCategory().containsKey("conv")).isEqualTo(convParams > 0);
        if (convParams > 0) {
            assertThat(a.byCategory().get("conv").params()).isEqualTo(convParams);
        }
        assertThat(a.byCategory().get("fc").params()).isEqualTo(fcParams);
        assertThat(a.byCategory().keySet().iterator().next()).isIn("conv", "fc");
        assertThat(a.totals().peakActivationBytes()).isPositive()
                .isLessThanOrEqualTo(a.totals().activationBytes() + inputBytes(g));
        assertThat(a.totals().energyUjEstimate()).isPositive();
    }

    private static long sumInitializersReadBy(Graph g, String op) {
        return g.nodes().stream().filter(n -> n.opType().equals(op)).flatMap(n -> n.inputs().stream())
                .distinct().map(g::initializer).filter(t -> t != null).mapToLong(TensorData::numElements).sum();
    }

    private static long inputBytes(Graph g) {
        return g.inputs().stream().mapToLong(t -> Math.max(0, t.byteSize())).sum();
    }
}
