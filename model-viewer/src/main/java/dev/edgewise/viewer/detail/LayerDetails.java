package dev.edgewise.viewer.detail;

import dev.edgewise.core.analysis.LayerCost;
import dev.edgewise.core.analysis.Provenance;
import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.TensorInfo;
import dev.edgewise.viewer.format.Units;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Everything the details panel shows for one layer, assembled without JavaFX: attributes, input and
 * output tensors with type and shape (constant inputs marked as weights), and the layer's numbers
 * each with its provenance.
 */
public record LayerDetails(String name, String op, String domain, String category, List<TensorRow> inputs,
                           List<TensorRow> outputs, List<AttributeRow> attributes, List<Figure> figures,
                           String note) {

    public record TensorRow(String name, boolean weight, String dataType, String shape) {
    }

    public record AttributeRow(String name, String value) {
    }

    /** A number shown with its exact value and where it came from. */
    public record Figure(String label, String text, String exact, Provenance provenance, String source) {
    }

    public static LayerDetails of(Graph graph, Node node, LayerCost cost, String energySource) {
        List<TensorRow> inputs = new ArrayList<>();
        for (String in : node.inputs()) {
            if (!in.isEmpty()) {
                inputs.add(tensorRow(graph, in, graph.isInitializer(in)));
            }
        }
        List<TensorRow> outputs = new ArrayList<>();
        for (String out : node.outputs()) {
            if (!out.isEmpty()) {
                outputs.add(tensorRow(graph, out, false));
            }
        }
        List<AttributeRow> attrs = new ArrayList<>();
        for (Attribute a : node.attributes().values()) {
            attrs.add(new AttributeRow(a.name(), a.displayValue()));
        }
        return new LayerDetails(node.name(), node.opType(), node.domain(), cost == null ? "" : cost.category(),
            inputs, outputs, attrs, figures(cost, energySource), cost == null ? "" : cost.note());
    }

    /** Names of the constant inputs whose values can be summarised. */
    public List<String> weightTensors() {
        return inputs.stream().filter(TensorRow::weight).map(TensorRow::name).toList();
    }

    private static TensorRow tensorRow(Graph g, String name, boolean weight) {
        Optional<TensorInfo> t = g.tensor(name);
        return new TensorRow(name, weight, t.map(i -> i.dataType().displayName()).orElse("?"),
            t.map(i -> i.shape().toString()).orElse("?"));
    }

    private static List<Figure> figures(LayerCost c, String energySource) {
        if (c == null || !c.resolved()) {
            return List.of();
        }
        String cm = "cost model";
        return List.of(
            new Figure("Parameters", Units.count(c.params()), Long.toString(c.params()), Provenance.COUNTED, cm),
            new Figure("MACs", Units.count(c.macs()), Long.toString(c.macs()), Provenance.COUNTED, cm),
            new Figure("FLOPs", Units.count(c.flops()), Long.toString(c.flops()), Provenance.COUNTED, cm),
            new Figure("Weight bytes", Units.bytes(c.weightBytes()), Long.toString(c.weightBytes()),
                Provenance.COUNTED, cm),
            new Figure("Activation bytes", Units.bytes(c.activationBytes()), Long.toString(c.activationBytes()),
                Provenance.COUNTED, cm),
            new Figure("Intensity", Units.intensity(c.arithmeticIntensity()),
                Double.toString(c.arithmeticIntensity()), Provenance.COUNTED, cm),
            new Figure("Energy", Units.microjoules(c.energyUjEstimate()), c.energyUjEstimate() + " µJ",
                Provenance.ESTIMATED, energySource));
    }
}
