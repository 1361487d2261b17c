package dev.edgewise.core.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorInfo;
import dev.edgewise.core.onnx.OnnxImporter;
import dev.edgewise.core.spi.ImportOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The real sample models (samples/models, exported by PyTorch) must come out fully resolved once
 * their symbolic dims are bound, with the output shape recorded in models_info.json.
 */
class SampleModelShapesTest {
    private static final Path SAMPLES = Path.of(System.getProperty("edgewise.samples", "../samples"));
    private static final Map<String, Long> BINDINGS = Map.of("batch_size", 1L, "sequence_length", 16L);

    private static Graph load(String file) throws EdgewiseException {
        return new OnnxImporter().load(SAMPLES.resolve("models").resolve(file), ImportOptions.DEFAULT);
    }

    /** The model with its declared value_info and output shapes removed, so only inference speaks. */
    private static Graph stripped(Graph g) {
        List<TensorInfo> outs = g.outputs().stream()
            .map(t -> new TensorInfo(t.name(), t.dataType(), Shape.unknownRank())).toList();
        return g.toBuilder().clearValueInfo().outputs(outs).buildValid();
    }

    @TestFactory
    Stream<DynamicTest> everySampleModelResolvesFully() throws Exception {
        JsonNode info = new ObjectMapper().readTree(SAMPLES.resolve("models/models_info.json").toFile());
        List<DynamicTest> tests = new ArrayList<>();
        info.fields().forEachRemaining(e -> tests.add(DynamicTest.dynamicTest(e.getKey(), () -> {
            Graph g = stripped(load(e.getKey()));
            ShapeInferenceResult r = ShapeInference.infer(g, new DimBindings(BINDINGS, Map.of()));
            assertThat(r.warnings()).filteredOn(w -> w.startsWith("layer")).isEmpty();
            for (Node n : r.graph().nodes()) {
                for (String o : n.outputs()) {
                    if (!o.isEmpty()) {
                        assertThat(r.graph().valueInfo().get(o).shape().isStatic())
                            .as("%s: output '%s' of layer '%s' (%s) is %s", e.getKey(), o, n.name(), n.opType(),
                                r.graph().valueInfo().get(o).shape()).isTrue();
                    }
                }
            }
            long[] expected = new long[e.getValue().get("output").get("shape").size()];
            for (int i = 0; i < expected.length; i++) {
                JsonNode d = e.getValue().get("output").get("shape").get(i);
                expected[i] = d.isNumber() ? d.asLong() : BINDINGS.get(d.asText());
            }
            assertThat(r.graph().outputs().get(0).shape()).isEqualTo(Shape.of(expected));
            // Where the exporter declared shapes (value_info, outputs), inference must agree with them.
            Graph declared = load(e.getKey());
            ShapeInferenceResult withDeclared = ShapeInference.infer(declared, new DimBindings(BINDINGS, Map.of()));
            assertThat(withDeclared.warnings()).noneMatch(w -> w.contains("differs from the declared"));
            assertThat(declared.valueInfo()).isNotEmpty();
            declared.valueInfo().forEach((name, t) -> {
                Shape bound = ShapeInference.substitute(t.shape(), BINDINGS);
                if (bound.isStatic()) {
                    assertThat(r.graph().valueInfo().get(name).shape()).as(name).isEqualTo(bound);
                }
            });
        })));
        assertThat(tests).hasSizeGreaterThanOrEqualTo(5);
        return tests.stream();
    }

    @Test
    void shufflenetResolvesWithBatchOneAndKeepsTheSymbolUnbound() throws Exception {
        Graph g = stripped(load("shufflenet_tiny.onnx"));
        assertThat(g.nodes()).anySatisfy(n -> assertThat(n.opType()).isEqualTo("Shape"));
        ShapeInferenceResult bound = ShapeInference.infer(g, new DimBindings(Map.of("batch_size", 1L), Map.of()));
        assertThat(bound.warnings()).isEmpty();
        assertThat(bound.graph().valueInfo().values()).allSatisfy(t -> assertThat(t.shape().isStatic()).isTrue());
        ShapeInferenceResult unbound = ShapeInference.infer(g, DimBindings.NONE);
        assertThat(unbound.graph().outputs().get(0).shape().toString()).isEqualTo("batch_sizex10");
        assertThat(unbound.warnings()).singleElement().asString().contains("batch_size");
    }

    @Test
    void unknownOpIsOneWarningAndAbsurdInputBindingIsRejected() throws Exception {
        Path corpus = SAMPLES.resolve("corpus");
        Graph unknown = new OnnxImporter().load(corpus.resolve("unknown_op.onnx"), ImportOptions.DEFAULT);
        ShapeInferenceResult r = ShapeInference.infer(unknown, DimBindings.NONE);
        Node custom = unknown.nodes().stream().filter(n -> !n.isDefaultDomain() || !n.opType().equals("Relu"))
            .findFirst().orElseThrow();
        // One warning per unknown layer across import and inference.
        List<String> all = new ArrayList<>(unknown.warnings());
        all.addAll(r.warnings());
        assertThat(all).filteredOn(w -> w.contains(custom.opType()) && w.contains("'" + custom.name() + "'")).hasSize(1);
        // The file declares the custom op's output in value_info; inference keeps that declaration.
        TensorInfo declared = unknown.valueInfo().get(custom.output(0));
        assertThat(r.graph().valueInfo().get(custom.output(0)).shape()).isEqualTo(declared.shape());
        assertThat(declared.shape().isStatic()).isTrue();
        assertThatThrownBy(() -> ShapeInference.infer(stripped(unknown),
            new DimBindings(Map.of(), Map.of(unknown.inputs().get(0).name(), Shape.of(1L << 33)))))
            .isInstanceOf(EdgewiseException.class)
            .satisfies(e -> assertThat(((EdgewiseException) e).code()).isEqualTo(ErrorCode.INVALID_DIMENSION));
    }
}
