package dev.edgewise.core.analysis.shapes;

import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Dim;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * If: the branch a constant condition selects, or both branches merged when the condition is data.
 * Loop: the body inferred once from the initial loop-carried values; scan outputs gain the trip count
 * as their first dim when it is known (a constant M, and a condition that is absent or stays true).
 */
final class ControlFlowRules {
    private ControlFlowRules() {
    }

    static void register(Map<String, ShapeRule> rules) {
        rules.put("If", ControlFlowRules::ifRule);
        rules.put("Loop", ControlFlowRules::loop);
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

    private static void loop(OpContext ctx) {
        int carried = ctx.inputCount() - 2;
        List<OpContext.Result> bodyIn = new ArrayList<>();
        bodyIn.add(new OpContext.Result(new TensorInfo("i", DataType.INT64, Shape.scalar()), null));
        bodyIn.add(new OpContext.Result(new TensorInfo("cond", DataType.BOOL, Shape.scalar()),
            Value.ofInts(DataType.BOOL, new long[0], new long[] {1})));
        for (int i = 0; i < carried; i++) {
            bodyIn.add(new OpContext.Result(new TensorInfo("v", ctx.type(i + 2), ctx.shape(i + 2)), ctx.value(i + 2)));
        }
        List<OpContext.Result> out = ctx.runSubgraph("body", bodyIn);
        if (out.size() < 1 + carried) {
            throw new Unresolved("the body has " + out.size() + " outputs for " + carried + " loop-carried values");
        }
        Dim trips = tripCount(ctx, out.get(0).value());
        for (int i = 0; i < carried; i++) {
            TensorInfo after = out.get(i + 1).info();
            Shape merged = trips.isKnown() && trips.value() == 0 ? ctx.shape(i + 2)
                : mergeBranches(ctx.shape(i + 2), after.shape());
            ctx.output(i, ctx.type(i + 2), merged);
        }
        for (int k = 1 + carried; k < out.size(); k++) {
            Shape per = out.get(k).info().shape();
            List<Dim> dims = new ArrayList<>(List.of(trips));
            if (!per.hasRank()) {
                ctx.output(k - 1, out.get(k).info().dataType(), Shape.unknownRank());
                continue;
            }
            dims.addAll(per.dims());
            ctx.output(k - 1, out.get(k).info().dataType(), Shape.of(dims));
        }
    }

    /** M when the loop provably runs M times; 0 when the initial condition is false; else unknown. */
    private static Dim tripCount(OpContext ctx, Value bodyCondition) {
        Value initial = ctx.hasInput(1) ? ctx.value(1) : null;
        if (initial != null && initial.isFullyKnown() && initial.doubleAt(0) == 0) {
            return Dim.of(0);
        }
        Value m = ctx.hasInput(0) ? ctx.value(0) : null;
        boolean conditionIgnored = !ctx.hasInput(1);
        boolean staysTrue = initial != null && initial.isFullyKnown() && bodyCondition != null
            && bodyCondition.isFullyKnown() && bodyCondition.doubleAt(0) != 0;
        if (m == null || !m.isFullyKnown() || !(conditionIgnored || staysTrue)) {
            ctx.because("the number of iterations is not a constant");
            return Dim.unknown();
        }
        return ctx.dim(m.longAt(0), "loop trip count");
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
