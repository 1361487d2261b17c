package dev.edgewise.app.cli;

import dev.edgewise.core.analysis.CategoryTotals;
import dev.edgewise.core.analysis.LayerCost;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.analysis.Provenance;
import dev.edgewise.core.analysis.Totals;
import dev.edgewise.core.ir.ModelMetadata;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The human table form of an analysis (CSV and Markdown come from the report writers). */
final class AnalysisText {
    private static final int MAX_NAME = 36;

    private AnalysisText() {
    }

    static String table(ModelAnalysis a) {
        StringBuilder sb = new StringBuilder();
        header(sb, a);
        TextTable t = new TextTable("#", "Layer", "Op", "Category", "Output", "Params", "MACs", "FLOPs",
            "Weights", "Activations", "FLOP/B", "Energy*");
        int i = 1;
        for (LayerCost l : a.layers()) {
            t.row(Integer.toString(i++), ellipsize(l.name()), op(l), l.category(), shapes(l.outputShapes()),
                HumanUnits.count(l.params()), HumanUnits.count(l.macs()), HumanUnits.count(l.flops()),
                HumanUnits.bytes(l.weightBytes()), HumanUnits.bytes(l.activationBytes()),
                String.format(Locale.ROOT, "%.1f", l.arithmeticIntensity()), HumanUnits.microjoules(l.energyUjEstimate()));
        }
        Totals tot = a.totals();
        t.row("", "Total", "", "", "", HumanUnits.count(tot.params()), HumanUnits.count(tot.macs()),
            HumanUnits.count(tot.flops()), HumanUnits.bytes(tot.weightBytes()), HumanUnits.bytes(tot.activationBytes()),
            "", HumanUnits.microjoules(tot.energyUjEstimate()));
        sb.append(t.render(5)).append('\n');
        categories(sb, a);
        sb.append(String.format(Locale.ROOT, "Peak activation memory %s   Weights %s   Energy* %s per inference%n",
            HumanUnits.bytes(tot.peakActivationBytes()), HumanUnits.bytes(tot.weightBytes()),
            HumanUnits.microjoules(tot.energyUjEstimate())));
        sb.append("Params, MACs, FLOPs and bytes are ").append(Provenance.COUNTED.label()).append(".\n");
        sb.append("* Energy is ").append(Provenance.ESTIMATED.label()).append(": ").append(shortEnergyNote(a)).append('\n');
        if (!a.warnings().isEmpty()) {
            sb.append('\n').append(a.warnings().size()).append(" warning(s):\n");
            a.warnings().forEach(w -> sb.append("  - ").append(w).append('\n'));
        }
        return sb.toString();
    }

    private static void header(StringBuilder sb, ModelAnalysis a) {
        ModelMetadata m = a.graph().metadata();
        sb.append("Model    ").append(m.path()).append(" (").append(m.format());
        String producer = (m.producerName() + " " + m.producerVersion()).trim();
        if (!producer.isEmpty()) {
            sb.append(", ").append(producer);
        }
        if (m.defaultOpset() > 0) {
            sb.append(", opset ").append(m.defaultOpset());
        }
        sb.append(")\n");
        sb.append("SHA-256  ").append(m.sha256()).append('\n');
        sb.append("Inputs   ").append(tensors(a.graph().inputs())).append('\n');
        sb.append("Outputs  ").append(tensors(a.graph().outputs())).append("\n\n");
    }

    private static void categories(StringBuilder sb, ModelAnalysis a) {
        Totals tot = a.totals();
        TextTable t = new TextTable("Category", "Layers", "Params", "Share", "MACs", "Share", "FLOPs", "Share");
        for (CategoryTotals c : a.byCategory().values()) {
            t.row(c.category(), Integer.toString(c.layers()), HumanUnits.count(c.params()),
                HumanUnits.percent(c.params(), tot.params()), HumanUnits.count(c.macs()),
                HumanUnits.percent(c.macs(), tot.macs()), HumanUnits.count(c.flops()),
                HumanUnits.percent(c.flops(), tot.flops()));
        }
        sb.append(t.render(1)).append('\n');
    }

    /** The model's headline without its long list of assumptions, which JSON output carries in full. */
    private static String shortEnergyNote(ModelAnalysis a) {
        String d = a.energyModelDescription();
        int cut = d.indexOf(" Assumptions:");
        return (cut > 0 ? d.substring(0, cut) : d) + " (all assumptions: --format json, profiler-core/docs/cost-model.md)";
    }

    private static String op(LayerCost l) {
        return l.domain().isEmpty() ? l.op() : l.domain() + ":" + l.op();
    }

    private static String shapes(List<Shape> shapes) {
        return shapes.stream().map(Shape::toString).collect(Collectors.joining(" "));
    }

    private static String tensors(List<TensorInfo> ts) {
        List<String> parts = new ArrayList<>();
        for (TensorInfo t : ts) {
            parts.add(t.name() + ": " + t.shape() + " " + t.dataType().displayName());
        }
        return parts.isEmpty() ? "-" : String.join(", ", parts);
    }

    private static String ellipsize(String s) {
        return s.length() <= MAX_NAME ? s : s.substring(0, 12) + "…" + s.substring(s.length() - (MAX_NAME - 13));
    }
}
