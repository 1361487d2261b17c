package dev.edgewise.core.analysis.shapes;

import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Dim;
import dev.edgewise.core.ir.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Gemm, numpy MatMul and its integer/quantized forms, and Einsum. */
final class MatrixRules {
    private MatrixRules() {
    }

    static void register(Map<String, ShapeRule> rules) {
        rules.put("Gemm", MatrixRules::gemm);
        rules.put("MatMul", ctx -> matmul(ctx, 0, 1, ctx.type(0)));
        rules.put("MatMulInteger", ctx -> matmul(ctx, 0, 1, DataType.INT32));
        rules.put("QLinearMatMul", ctx -> matmul(ctx, 0, 3, ctx.hasInput(7) ? ctx.type(7) : ctx.type(0)));
        rules.put("Einsum", MatrixRules::einsum);
    }

    private static void gemm(OpContext ctx) {
        Shape a = ctx.rankedShape(0);
        Shape b = ctx.rankedShape(1);
        if (a.rank() != 2 || b.rank() != 2) {
            throw new Unresolved("Gemm needs 2-D A and B, got " + a + " and " + b);
        }
        boolean transA = ctx.attrInt("transA", 0) != 0;
        boolean transB = ctx.attrInt("transB", 0) != 0;
        Dim m = a.dim(transA ? 1 : 0);
        Dim n = b.dim(transB ? 0 : 1);
        ctx.output(0, ctx.type(0), Shape.of(List.of(m, n)));
    }

    private static void matmul(OpContext ctx, int left, int right, DataType type) {
        Shape a = ctx.rankedShape(left);
        Shape b = ctx.rankedShape(right);
        if (a.rank() == 0 || b.rank() == 0) {
            throw new Unresolved("MatMul operands must not be scalars");
        }
        List<Dim> ad = new ArrayList<>(a.dims());
        List<Dim> bd = new ArrayList<>(b.dims());
        boolean vectorA = ad.size() == 1;
        boolean vectorB = bd.size() == 1;
        if (vectorA) {
            ad.add(0, Dim.of(1));
        }
        if (vectorB) {
            bd.add(Dim.of(1));
        }
        Shape batchA = Shape.of(ad.subList(0, ad.size() - 2));
        Shape batchB = Shape.of(bd.subList(0, bd.size() - 2));
        List<Dim> out = new ArrayList<>(DimMath.broadcast(batchA, batchB).dims());
        if (!vectorA) {
            out.add(ad.get(ad.size() - 2));
        }
        if (!vectorB) {
            out.add(bd.get(bd.size() - 1));
        }
        ctx.output(0, type, Shape.of(out));
    }

    /** Explicit and implicit Einsum equations, with ellipsis broadcasting. */
    private static void einsum(OpContext ctx) {
        String eq = ctx.attrString("equation", "").replace(" ", "");
        String[] sides = eq.split("->", -1);
        String[] terms = sides[0].split(",", -1);
        if (terms.length != ctx.inputCount()) {
            throw new Unresolved("equation '" + eq + "' has " + terms.length + " operands for " + ctx.inputCount() + " inputs");
        }
        Map<Character, Dim> sizes = new HashMap<>();
        Map<Character, Integer> counts = new HashMap<>();
        Shape ellipsis = Shape.scalar();
        for (int i = 0; i < terms.length; i++) {
            Shape s = ctx.rankedShape(i);
            String term = terms[i];
            int dots = term.indexOf("...");
            int letters = term.replace("...", "").length();
            int ellRank = s.rank() - letters;
            if (dots < 0 && ellRank != 0 || ellRank < 0) {
                throw new Unresolved("operand " + i + " of rank " + s.rank() + " does not match '" + term + "'");
            }
            int axis = 0;
            for (int k = 0; k < term.length(); k++) {
                if (k == dots) {
                    ellipsis = DimMath.broadcast(ellipsis, Shape.of(s.dims().subList(axis, axis + ellRank)));
                    axis += ellRank;
                    k += 2;
                    continue;
                }
                char c = term.charAt(k);
                Dim d = s.dim(axis++);
                Dim prev = sizes.get(c);
                sizes.put(c, prev == null || prev.isKnown() && prev.value() == 1 ? d : DimMath.merge(prev, d));
                counts.merge(c, 1, Integer::sum);
            }
        }
        String output = sides.length > 1 ? sides[1] : implicitOutput(counts, sides[0].contains("..."));
        List<Dim> out = new ArrayList<>();
        for (int k = 0; k < output.length(); k++) {
            if (output.startsWith("...", k)) {
                out.addAll(ellipsis.dims());
                k += 2;
                continue;
            }
            Dim d = sizes.get(output.charAt(k));
            if (d == null) {
                throw new Unresolved("output label '" + output.charAt(k) + "' does not appear in the inputs");
            }
            out.add(d);
        }
        ctx.output(0, ctx.type(0), Shape.of(out));
    }

    /** Implicit mode: ellipsis first, then labels seen exactly once, in alphabetical order. */
    private static String implicitOutput(Map<Character, Integer> counts, boolean hasEllipsis) {
        StringBuilder b = new StringBuilder(hasEllipsis ? "..." : "");
        counts.entrySet().stream().filter(e -> e.getValue() == 1).map(Map.Entry::getKey).sorted()
            .forEach(b::append);
        return b.toString();
    }
}
