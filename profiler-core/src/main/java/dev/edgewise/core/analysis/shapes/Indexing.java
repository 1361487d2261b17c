package dev.edgewise.core.analysis.shapes;

/** Flat-index maps for rearranging small values (row-major layout). */
final class Indexing {
    private Indexing() {
    }

    static long[] strides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    /** Source index of every output element of a transpose by {@code perm}. */
    static int[] transposeIndices(long[] inShape, long[] perm) {
        int r = inShape.length;
        long[] inStrides = strides(inShape);
        long[] outShape = new long[r];
        long[] permStrides = new long[r];
        for (int i = 0; i < r; i++) {
            int p = (int) (perm[i] < 0 ? perm[i] + r : perm[i]);
            outShape[i] = inShape[p];
            permStrides[i] = inStrides[p];
        }
        return strided(outShape, permStrides, 0);
    }

    /** Indices visiting {@code shape} with the given source strides starting at {@code offset}. */
    static int[] strided(long[] shape, long[] srcStrides, long offset) {
        int n = (int) DimMath.numElements(shape);
        int[] out = new int[n];
        long[] pos = new long[shape.length];
        for (int i = 0; i < n; i++) {
            long src = offset;
            for (int a = 0; a < shape.length; a++) {
                src += pos[a] * srcStrides[a];
            }
            out[i] = (int) src;
            for (int a = shape.length - 1; a >= 0; a--) {
                if (++pos[a] < shape[a]) {
                    break;
                }
                pos[a] = 0;
            }
        }
        return out;
    }

    /** Gather along {@code axis}: output = data[:axis] + indices.shape + data[axis+1:]. */
    static int[] gatherIndices(long[] dataShape, int axis, long[] idx) {
        long outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= dataShape[i];
        }
        long inner = 1;
        for (int i = axis + 1; i < dataShape.length; i++) {
            inner *= dataShape[i];
        }
        long axisLen = dataShape[axis];
        int[] out = new int[(int) (outer * idx.length * inner)];
        int k = 0;
        for (long o = 0; o < outer; o++) {
            for (long j : idx) {
                long jj = j < 0 ? j + axisLen : j;
                if (jj < 0 || jj >= axisLen) {
                    throw new Unresolved("gather index " + j + " is out of range for an axis of " + axisLen);
                }
                for (long in = 0; in < inner; in++) {
                    out[k++] = (int) ((o * axisLen + jj) * inner + in);
                }
            }
        }
        return out;
    }
}
