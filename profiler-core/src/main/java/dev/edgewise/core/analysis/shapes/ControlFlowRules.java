package dev.edgewise.core.analysis.shapes;

import dev.edgewise.core.ir.Dim;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** If: the branch a constant condition selects, or both branches merged when the condition is data. */
final class ControlFlowRules {
    private ControlFlowRules() {
    }

    static void register(Map<String, ShapeRule> rules) {
        rules.put("If", ControlFlowRules::ifRule);
    }

    private static void ifRule(OpContext ctx) {
        Value cond = ctx.value(0);
        if (cond != null && cond.isFullyKnown() && cond.size() == 1) {
            List<OpContext.Result> taken = ctx.runSubgraph(cond.doubleAt(0) != 0 ? "then_branch" : "else_branch");
            for (int i = 0; i < taken.size(); i++) {
                ctx.output(i, taken.get(i).info().dataType(), taken.get(i).info().shape(), taken.get(i).value());
            }
            return;
        }
        List<OpContext.Result> then = ctx.runSubgraph("then_branch");
        List<OpContext.Result> otherwise = ctx.runSubgraph("else_branch");
        if (then.size() != otherwise.size()) {
            throw new Unresolved("branches have " + then.size() + " and " + otherwise.size() + " outputs");
        }
        boolean differ = false;
        for (int i = 0; i < then.size(); i++) {
            TensorInfo a = then.get(i).info();
            Shape merged = mergeBranches(a.shape(), otherwise.get(i).info().shape());
            differ |= !merged.equals(a.shape());
            ctx.output(i, a.dataType(), merged);
        }
        if (differ) {
            ctx.because("the condition is not a constant and the branches give different shapes");
        }
    }

    /** Dims the two branches agree on; the rest unknown (unknown rank when the ranks differ). */
    private static Shape mergeBranches(Shape a, Shape b) {
        if (!a.hasRank() || !b.hasRank() || a.rank() != b.rank()) {
            return Shape.unknownRank();
        }
        List<Dim> dims = new ArrayList<>();
        for (int i = 0; i < a.rank(); i++) {
            dims.add(a.dim(i).equals(b.dim(i)) ? a.dim(i) : Dim.unknown());
        }
        return Shape.of(dims);
    }
}
