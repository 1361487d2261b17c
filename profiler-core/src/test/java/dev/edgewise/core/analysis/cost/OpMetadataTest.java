package dev.edgewise.core.analysis.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The shipped op-metadata.json: coverage of the ops issue 2 names, category membership, validation. */
class OpMetadataTest {
    /** The ops shape inference must cover (issue 2); each needs a cost convention. */
    private static final List<String> REQUIRED = List.of("Conv", "ConvTranspose", "Gemm", "MatMul",
            "MatMulInteger", "QLinearConv", "QLinearMatMul", "ConvInteger", "BatchNormalization",
            "LayerNormalization", "InstanceNormalization", "LRN", "Relu", "LeakyRelu", "PRelu", "Clip",
            "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Erf", "Gelu", "Softmax", "LogSoftmax", "MaxPool",
            "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "Add", "Sub", "Mul", "Div", "Pow", "Sqrt",
            "Neg", "Exp", "Concat", "Split", "Slice", "Gather", "Shape", "Size", "Reshape", "Flatten",
            "Transpose", "Squeeze", "Unsqueeze", "Expand", "Tile", "Pad", "Resize", "Upsample", "ReduceMean",
            "ReduceSum", "ReduceMax", "Dropout", "Identity", "Constant", "ConstantOfShape", "Cast", "Range",
            "Where", "Equal", "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear");

    private final OpMetadata meta = OpMetadata.defaults();

    @Test
    void everyOpOfTheIssueHasMetadata() {
        List<String> missing = REQUIRED.stream().filter(op -> meta.lookup(op).isEmpty()).toList();
        assertThat(missing).isEmpty();
    }

    @Test
    void convAndFcHoldExactlyTheOpsTheReportPromises() {
        Map<String, TreeSet<String>> byCategory = meta.ops().values().stream().collect(Collectors.groupingBy(
                OpInfo::category, Collectors.mapping(OpInfo::key, Collectors.toCollection(TreeSet::new))));
        assertThat(byCategory.get("conv")).containsExactly("Conv", "ConvInteger", "ConvTranspose", "QLinearConv");
        assertThat(byCategory.get("fc")).containsExactly("Gemm", "MatMul", "MatMulInteger", "QLinearMatMul");
        assertThat(meta.categories()).containsExactly("conv", "fc", "activation", "pooling", "normalization",
                "elementwise", "shape", "quantization", "other");
    }

    @Test
    void weightPositionsMarkLearnedInputsNotShapeConstants() {
        assertThat(meta.lookup("Conv").orElseThrow().weightInputs()).containsExactly(1, 2);
        assertThat(meta.lookup("QLinearConv").orElseThrow().weightInputs()).containsExactly(3, 8);
        assertThat(meta.lookup("BatchNormalization").orElseThrow().weightInputs()).containsExactly(1, 2, 3, 4);
        // shape, starts/ends, scales, repeats, pads, axes: never parameters; only the data input may be
        for (String shapeOp : List.of("Reshape", "Slice", "Resize", "Upsample", "Expand", "Tile", "Pad", "Squeeze",
                "Unsqueeze", "Range", "ConstantOfShape")) {
            assertThat(meta.lookup(shapeOp).orElseThrow().weightInputs()).as(shapeOp).isSubsetOf(0);
        }
        assertThat(meta.lookup("Resize").orElseThrow().isWeightInput(2)).isFalse();
        assertThat(meta.lookup("Concat").orElseThrow().isWeightInput(5)).isTrue();
    }

    @Test
    void malformedMetadataFailsAtLoadNamingTheOp() {
        String badCounter = "{\"categories\":[\"conv\"],\"ops\":{\"Conv\":{\"category\":\"conv\",\"counter\":\"convv\"}}}";
        assertThatThrownBy(() -> OpMetadata.load(stream(badCounter), "mine.json"))
                .hasMessageContaining("mine.json").hasMessageContaining("op 'Conv'").hasMessageContaining("counter 'convv'");
        String badCategory = "{\"categories\":[\"conv\"],\"ops\":{\"Relu\":{\"category\":\"act\",\"counter\":\"elementwise\"}}}";
        assertThatThrownBy(() -> OpMetadata.load(stream(badCategory), "mine.json"))
                .hasMessageContaining("category 'act'");
        String missingRole = "{\"categories\":[\"fc\"],\"ops\":{\"MatMul\":{\"category\":\"fc\",\"counter\":\"matmul\",\"roles\":{\"a\":0}}}}";
        assertThatThrownBy(() -> OpMetadata.load(stream(missingRole), "mine.json"))
                .hasMessageContaining("needs role 'b'");
    }

    private static ByteArrayInputStream stream(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
