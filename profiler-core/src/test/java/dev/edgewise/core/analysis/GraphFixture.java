package dev.edgewise.core.analysis;

import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.GraphBuilder;
import dev.edgewise.core.ir.ModelMetadata;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
import java.util.List;
import java.util.Map;

/** Small helper to build graphs by hand in tests. */
final class GraphFixture {
    private final GraphBuilder b = GraphBuilder.create();
    private int counter;

    GraphFixture opset(long v) {
        b.metadata(ModelMetadata.of("test", "onnx").withOpsets(Map.of("", v)));
        return this;
    }

    GraphFixture input(String name, String shape) {
        b.addInput(new TensorInfo(name, DataType.FLOAT, Shape.parse(shape)));
        return this;
    }

    GraphFixture input(String name, DataType type, String shape) {
        b.addInput(new TensorInfo(name, type, Shape.parse(shape)));
        return this;
    }

    GraphFixture ints(String name, long... values) {
        b.addInitializer(TensorData.ofLongs(name, Shape.of(values.length), values));
        return this;
    }

    GraphFixture scalar(String name, long value) {
        b.addInitializer(TensorData.ofLongs(name, Shape.scalar(), new long[] {value}));
        return this;
    }

    GraphFixture weight(String name, long... shape) {
        int n = (int) Shape.of(shape).numElements().getAsLong();
        b.addInitializer(TensorData.ofFloats(name, Shape.of(shape), new float[n]));
        return this;
    }

    /** Adds a node; outputs are comma-separated in {@code outs}, inputs in {@code ins} ("" for an omitted one). */
    GraphFixture node(String op, String ins, String outs, Attribute... attrs) {
        return named(op + "_" + counter++, op, ins, outs, attrs);
    }

    GraphFixture named(String name, String op, String ins, String outs, Attribute... attrs) {
        List<String> in = ins.isEmpty() ? List.of() : List.of(ins.split(",", -1));
        b.addNode(Node.of(name, op, in, List.of(outs.split(",")), attrs));
        return this;
    }

    GraphFixture custom(String name, String domain, String op, String ins, String outs) {
        b.addNode(new Node(name, op, domain, List.of(ins.split(",")), List.of(outs.split(",")), Map.of()));
        return this;
    }

    GraphFixture output(String name) {
        b.addOutput(new TensorInfo(name, DataType.UNDEFINED, Shape.unknownRank()));
        return this;
    }

    Graph build() throws EdgewiseException {
        return b.build();
    }

    /** Infers without bindings and returns the result. */
    ShapeInferenceResult infer() throws EdgewiseException {
        return ShapeInference.infer(build(), DimBindings.NONE);
    }

    static String shapeOf(ShapeInferenceResult r, String tensor) {
        return r.graph().tensor(tensor).map(t -> t.shape().toString()).orElse("missing");
    }
}
