package dev.edgewise.core.optimize;

import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.GraphBuilder;
import dev.edgewise.core.ir.TensorData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Unstructured magnitude pruning: the smallest-magnitude weights become zero. The threshold is
 * selected exactly (a two-level radix select on the bits of |w|, which order like the values),
 * in parallel over 1 M-element chunks so one huge layer still uses every core.
 */
public final class MagnitudePruning {
    private static final int CHUNK = 1 << 20;

    private MagnitudePruning() {
    }

    public static PassResult apply(Graph g, PruneSpec spec) {
        List<WeightLayer> layers = WeightLayer.find(g);
        Map<String, float[]> values = new LinkedHashMap<>();
        List<WeightLayer> shared = new ArrayList<>();
        List<WeightLayer> pruned = new ArrayList<>();
        for (WeightLayer l : layers) {
            if (spec.excluded(l) || (!spec.perLayer().containsKey(l.name()) && spec.globalSparsity() == null)) {
                continue;
            }
            pruned.add(l);
            if (!spec.perLayer().containsKey(l.name())) {
                shared.add(l);
            }
        }
        float[][] arrays = new float[pruned.size()][];
        Parallel.forEach(pruned.size(), i -> arrays[i] = g.initializer(pruned.get(i).weight()).toFloats());
        for (int i = 0; i < pruned.size(); i++) {
            values.put(pruned.get(i).name(), arrays[i]);
        }
        if (!shared.isEmpty()) {
            zeroSmallest(shared.stream().map(l -> values.get(l.name())).toList(), spec.globalSparsity());
        }
        for (WeightLayer l : pruned) {
            Double s = spec.perLayer().get(l.name());
            if (s != null) {
                zeroSmallest(List.of(values.get(l.name())), s);
            }
        }
        return rebuild(g, layers, values);
    }

    private static PassResult rebuild(Graph g, List<WeightLayer> layers, Map<String, float[]> values) {
        GraphBuilder b = g.toBuilder();
        List<LayerStats> stats = new ArrayList<>();
        for (WeightLayer l : layers) {
            TensorData t = g.initializer(l.weight());
            float[] w = values.get(l.name());
            long rows = WeightLayer.channels(t, l.channelAxis());
            long n = t.numElements();
            if (w == null) {
                stats.add(new LayerStats(l.name(), l.node().opType(), "dense", n, n, 4, n * 4,
                    LayerStats.csrBytes(n, rows, n / rows, 4), 0));
                continue;
            }
            long nnz = countNonZeros(w);
            b.addInitializer(TensorData.ofFloats(t.name(), t.shape(), w));
            stats.add(new LayerStats(l.name(), l.node().opType(),
                String.format(java.util.Locale.ROOT, "pruned to %.1f%% sparsity", 100.0 * (1 - (double) nnz / n)),
                n, nnz, 4, n * 4, LayerStats.csrBytes(nnz, rows, n / rows, 4), 0));
        }
        return new PassResult(b.buildValid(), stats);
    }

    /** Zeroes round(sparsity * total) smallest-magnitude values across the arrays, in place. */
    static void zeroSmallest(List<float[]> arrays, double sparsity) {
        long total = arrays.stream().mapToLong(a -> a.length).sum();
        long k = Math.round(sparsity * total);
        if (k == 0) {
            return;
        }
        List<int[]> chunks = chunks(arrays);
        int[] hi = histogram(arrays, chunks, -1);
        long below = 0;
        int bin = 0;
        while (below + hi[bin] < k) {
            below += hi[bin++];
        }
        int[] lo = histogram(arrays, chunks, bin);
        int sub = 0;
        while (below + lo[sub] < k) {
            below += lo[sub++];
        }
        int threshold = (bin << 15) | sub;
        long ties = k - below;
        Parallel.forEach(chunks.size(), c -> {
            int[] ch = chunks.get(c);
            float[] a = arrays.get(ch[0]);
            for (int i = ch[1]; i < ch[2]; i++) {
                if ((Float.floatToRawIntBits(a[i]) & 0x7fffffff) < threshold) {
                    a[i] = 0f;
                }
            }
        });
        if (threshold != 0) {
            zeroTies(arrays, threshold, ties);
        }
    }

    /** Equal magnitudes at the threshold: zero the first ones in order, so the result is deterministic. */
    private static void zeroTies(List<float[]> arrays, int threshold, long ties) {
        for (float[] a : arrays) {
            for (int i = 0; i < a.length && ties > 0; i++) {
                if ((Float.floatToRawIntBits(a[i]) & 0x7fffffff) == threshold) {
                    a[i] = 0f;
                    ties--;
                }
            }
        }
    }

    /** bin < 0: counts of the top 16 bits of |w|; else counts of the low 15 bits within that bin. */
    private static int[] histogram(List<float[]> arrays, List<int[]> chunks, int bin) {
        int bins = bin < 0 ? 1 << 16 : 1 << 15;
        int[][] partial = new int[chunks.size()][];
        Parallel.forEach(chunks.size(), c -> {
            int[] ch = chunks.get(c);
            float[] a = arrays.get(ch[0]);
            int[] h = new int[bins];
            if (bin < 0) {
                for (int i = ch[1]; i < ch[2]; i++) {
                    h[(Float.floatToRawIntBits(a[i]) & 0x7fffffff) >>> 15]++;
                }
            } else {
                for (int i = ch[1]; i < ch[2]; i++) {
                    int bits = Float.floatToRawIntBits(a[i]) & 0x7fffffff;
                    if (bits >>> 15 == bin) {
                        h[bits & 0x7fff]++;
                    }
                }
            }
            partial[c] = h;
        });
        int[] sum = new int[bins];
        for (int[] h : partial) {
            for (int i = 0; i < bins; i++) {
                sum[i] += h[i];
            }
        }
        return sum;
    }

    private static List<int[]> chunks(List<float[]> arrays) {
        List<int[]> out = new ArrayList<>();
        for (int a = 0; a < arrays.size(); a++) {
            int n = arrays.get(a).length;
            for (int from = 0; from < n; from += CHUNK) {
                out.add(new int[] {a, from, Math.min(n, from + CHUNK)});
            }
        }
        return out;
    }

    static long countNonZeros(float[] w) {
        long nnz = 0;
        for (float v : w) {
            if (v != 0f) {
                nnz++;
            }
        }
        return nnz;
    }
}
