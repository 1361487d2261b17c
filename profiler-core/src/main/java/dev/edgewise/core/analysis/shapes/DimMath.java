package dev.edgewise.core.analysis.shapes;

import dev.edgewise.core.ir.Dim;
import dev.edgewise.core.ir.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Arithmetic on dimensions that may be known, symbolic or unknown. */
public final class DimMath {
    private DimMath() {
    }

    /** Numpy multidirectional broadcasting of shapes of known rank. */
    public static Shape broadcast(List<Shape> shapes) {
        int rank = 0;
        for (Shape s : shapes) {
            if (!s.hasRank()) {
                throw new Unresolved("an input has unknown rank");
            }
            rank = Math.max(rank, s.rank());
        }
        List<Dim> out = new ArrayList<>(rank);
        for (int axis = 0; axis < rank; axis++) {
            List<Dim> column = new ArrayList<>();
            for (Shape s : shapes) {
                int k = axis - (rank - s.rank());
                column.add(k < 0 ? Dim.of(1) : s.dims().get(k));
            }
            out.add(broadcastDim(column));
        }
        return Shape.of(out);
    }

    public static Shape broadcast(Shape a, Shape b) {
        return broadcast(List.of(a, b));
    }

    private static Dim broadcastDim(List<Dim> column) {
        Dim known = null;
        Dim other = null;
        boolean mixed = false;
        for (Dim d : column) {
            if (d.isKnown()) {
                if (d.value() == 1) {
                    continue;
                }
                if (known != null && known.value() != d.value()) {
                    throw new Unresolved("dimensions " + known + " and " + d + " cannot be broadcast together");
                }
                known = d;
            } else if (other == null) {
                other = d;
            } else if (!other.equals(d) || !d.isSymbolic()) {
                mixed = true;
            }
        }
        if (known != null) {
            return known;
        }
        if (other == null) {
            return Dim.of(1);
        }
        return mixed ? Dim.unknown() : other;
    }

    /** Product of dims: known when all are, a symbol when it is the only non-1 factor, else unknown. */
    public static Dim product(List<Dim> dims) {
        long p = 1;
        Dim symbolic = null;
        for (Dim d : dims) {
            if (d.isKnown()) {
                p = Math.multiplyExact(p, d.value());
            } else if (symbolic == null && d.isSymbolic()) {
                symbolic = d;
            } else {
                return p == 0 ? Dim.of(0) : Dim.unknown();
            }
        }
        if (symbolic == null) {
            return Dim.of(p);
        }
        if (p == 0) {
            return Dim.of(0);
        }
        return p == 1 ? symbolic : Dim.unknown();
    }

    /** Two descriptions of the same dim: the more precise one (a known value beats a symbol). */
    public static Dim merge(Dim a, Dim b) {
        if (a.isKnown()) {
            return a;
        }
        if (b.isKnown()) {
            return b;
        }
        return a.isSymbolic() ? a : b;
    }

    /** For each element of {@code out}, the flat index of the element of {@code in} it reads under broadcasting. */
    public static int[] broadcastIndex(long[] out, long[] in) {
        int n = (int) numElements(out);
        int[] map = new int[n];
        int rank = out.length;
        long[] inStrides = new long[rank];
        long stride = 1;
        for (int axis = rank - 1; axis >= 0; axis--) {
            int k = axis - (rank - in.length);
            if (k >= 0 && in[k] != 1) {
                inStrides[axis] = stride;
            }
            if (k >= 0) {
                stride *= in[k];
            }
        }
        long[] pos = new long[rank];
        for (int i = 0; i < n; i++) {
            long src = 0;
            for (int axis = 0; axis < rank; axis++) {
                src += pos[axis] * inStrides[axis];
            }
            map[i] = (int) src;
            for (int axis = rank - 1; axis >= 0; axis--) {
                if (++pos[axis] < out[axis]) {
                    break;
                }
                pos[axis] = 0;
            }
        }
        return map;
    }

    public static long numElements(long[] shape) {
        return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    /** Static broadcast of static shapes. */
    public static long[] broadcastStatic(long[]... shapes) {
        int rank = Arrays.stream(shapes).mapToInt(s -> s.length).max().orElse(0);
        long[] out = new long[rank];
        Arrays.fill(out, 1);
        for (long[] s : shapes) {
            for (int k = 0; k < s.length; k++) {
                int axis = k + rank - s.length;
                if (s[k] != 1) {
                    out[axis] = s[k];
                }
            }
        }
        return out;
    }
}
