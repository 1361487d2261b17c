package dev.edgewise.viewer.table;

import dev.edgewise.core.analysis.LayerCost;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.analysis.Totals;
import dev.edgewise.core.ir.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One table row: a layer's cost, its position in topological order (1-based) and its shares of
 * the model's MACs and params. The totals row has index 0 and is flagged {@link #total()}.
 */
public record LayerRow(int index, LayerCost cost, double macShare, double paramShare, boolean total) {

    public static List<LayerRow> rowsOf(ModelAnalysis analysis) {
        Totals t = analysis.totals();
        List<LayerRow> rows = new ArrayList<>(analysis.layers().size());
        int i = 1;
        for (LayerCost c : analysis.layers()) {
            rows.add(new LayerRow(i++, c, share(c.macs(), t.macs()), share(c.params(), t.params()), false));
        }
        return rows;
    }

    /** The totals line; layer-level sums where the model totals do not apply (activation bytes). */
    public static LayerRow totalOf(ModelAnalysis analysis) {
        Totals t = analysis.totals();
        double intensity = t.weightBytes() + t.activationBytes() > 0
            ? (double) t.flops() / (t.weightBytes() + t.activationBytes()) : Double.NaN;
        LayerCost c = new LayerCost("Total (" + analysis.layers().size() + " layers)", "", "", "",
            List.of(), List.of(), List.of(), t.params(), t.macs(), t.flops(), t.weightBytes(), t.activationBytes(),
            intensity, t.energyUjEstimate(), true, "");
        return new LayerRow(0, c, t.macs() > 0 ? 1 : Double.NaN, t.params() > 0 ? 1 : Double.NaN, true);
    }

    private static double share(long part, long whole) {
        return whole > 0 ? (double) part / whole : Double.NaN;
    }

    public String name() {
        return cost.name();
    }

    public String outputShapes() {
        return cost.outputShapes().stream().map(Shape::toString).collect(Collectors.joining(", "));
    }

    /** Counted values exist only for resolved layers; unresolved ones show a dash, not a zero. */
    public boolean hasCounts() {
        return cost.resolved();
    }
}
