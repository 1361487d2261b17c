package dev.edgewise.core.analysis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.ModelMetadata;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorInfo;
import java.util.List;

/**
 * The stable JSON form of a {@link ModelAnalysis} ({@code edgewise analyze --format json}).
 * Keys are snake_case and never renamed; new keys may be added. Each figure's provenance is in
 * {@code provenance}: counts are counted from the graph, energy is an estimate.
 */
public final class AnalysisJson {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AnalysisJson() {
    }

    public static String toJsonString(ModelAnalysis a) {
        try {
            return MAPPER.writeValueAsString(toTree(a)) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise analysis", e);
        }
    }

    public static ObjectNode toTree(ModelAnalysis a) {
        Graph g = a.graph();
        ObjectNode root = F.objectNode();
        root.set("model", model(g.metadata(), g));
        root.set("inputs", tensors(g.inputs()));
        root.set("outputs", tensors(g.outputs()));
        root.set("totals", totals(a.totals()));
        ObjectNode cats = root.putObject("by_category");
        a.byCategory().values().forEach(c -> cats.set(c.category(), category(c)));
        ArrayNode layers = root.putArray("layers");
        a.layers().forEach(l -> layers.add(layer(l)));
        ArrayNode warnings = root.putArray("warnings");
        a.warnings().forEach(warnings::add);
        ObjectNode prov = root.putObject("provenance");
        prov.put("params", Provenance.COUNTED.key());
        prov.put("macs", Provenance.COUNTED.key());
        prov.put("flops", Provenance.COUNTED.key());
        prov.put("weight_bytes", Provenance.COUNTED.key());
        prov.put("activation_bytes", Provenance.COUNTED.key());
        prov.put("peak_activation_bytes", Provenance.COUNTED.key());
        prov.put("energy_uj_estimate", Provenance.ESTIMATED.key());
        prov.put("energy_model", a.energyModelDescription());
        return root;
    }

    private static ObjectNode model(ModelMetadata m, Graph g) {
        ObjectNode o = F.objectNode();
        o.put("path", m.path());
        o.put("format", m.format());
        o.put("producer", (m.producerName() + " " + m.producerVersion()).trim());
        o.put("opset", m.defaultOpset());
        o.put("sha256", m.sha256());
        o.put("graph_name", g.name());
        o.put("nodes", g.nodes().size());
        ObjectNode opsets = o.putObject("opsets");
        m.opsets().forEach((d, v) -> opsets.put(d.isEmpty() ? "ai.onnx" : d, v));
        return o;
    }

    private static ArrayNode tensors(List<TensorInfo> ts) {
        ArrayNode arr = F.arrayNode();
        for (TensorInfo t : ts) {
            ObjectNode o = arr.addObject();
            o.put("name", t.name());
            o.set("shape", shape(t.shape()));
            o.put("dtype", t.dataType().displayName());
        }
        return arr;
    }

    static JsonNode shape(Shape s) {
        List<Object> dims = s.toJsonList();
        if (dims == null) {
            return F.nullNode();
        }
        ArrayNode arr = F.arrayNode();
        for (Object d : dims) {
            if (d instanceof Long l) {
                arr.add(l);
            } else if (d == null) {
                arr.addNull();
            } else {
                arr.add(d.toString());
            }
        }
        return arr;
    }

    private static ObjectNode totals(Totals t) {
        ObjectNode o = F.objectNode();
        o.put("params", t.params());
        o.put("macs", t.macs());
        o.put("flops", t.flops());
        o.put("weight_bytes", t.weightBytes());
        o.put("activation_bytes", t.activationBytes());
        o.put("peak_activation_bytes", t.peakActivationBytes());
        o.put("energy_uj_estimate", t.energyUjEstimate());
        return o;
    }

    private static ObjectNode category(CategoryTotals c) {
        ObjectNode o = F.objectNode();
        o.put("layers", c.layers());
        o.put("params", c.params());
        o.put("macs", c.macs());
        o.put("flops", c.flops());
        o.put("weight_bytes", c.weightBytes());
        o.put("energy_uj_estimate", c.energyUjEstimate());
        return o;
    }

    private static ObjectNode layer(LayerCost l) {
        ObjectNode o = F.objectNode();
        o.put("name", l.name());
        o.put("op", l.domain().isEmpty() ? l.op() : l.domain() + ":" + l.op());
        o.put("category", l.category());
        ArrayNode in = o.putArray("inputs");
        l.inputs().forEach(in::add);
        ArrayNode out = o.putArray("outputs");
        l.outputs().forEach(out::add);
        ArrayNode shapes = o.putArray("output_shapes");
        l.outputShapes().forEach(s -> shapes.add(shape(s)));
        o.put("params", l.params());
        o.put("macs", l.macs());
        o.put("flops", l.flops());
        o.put("weight_bytes", l.weightBytes());
        o.put("activation_bytes", l.activationBytes());
        o.put("arithmetic_intensity", l.arithmeticIntensity());
        o.put("energy_uj_estimate", l.energyUjEstimate());
        o.put("resolved", l.resolved());
        if (!l.note().isEmpty()) {
            o.put("note", l.note());
        }
        return o;
    }
}
