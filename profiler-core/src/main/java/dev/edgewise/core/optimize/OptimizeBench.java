package dev.edgewise.core.optimize;

import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.zoo.ModelZoo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Speed of the two weight kernels on VGG-16's 138 M weights (random, seeded), run by
 * profiler-core/bench/optimize-bench.sh: unstructured pruning to 90% sparsity (exact global
 * threshold) and per-channel int8 quantization, each on float arrays already decoded, then each
 * whole pass (decode, kernel, new graph) for context. Median of the given number of runs.
 */
public final class OptimizeBench {
    private OptimizeBench() {
    }

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Graph g = ModelZoo.vgg16(1);
        List<WeightLayer> layers = WeightLayer.find(g);
        long t0 = System.nanoTime();
        List<float[]> original = new ArrayList<>();
        long total = 0;
        for (WeightLayer l : layers) {
            float[] v = g.initializer(l.weight()).toFloats();
            original.add(v);
            total += v.length;
        }
        System.out.printf(Locale.ROOT, "VGG-16 shaped, %d weight layers, %,d weights; %d threads; generating + decoding took %.2f s%n",
            layers.size(), total, Parallel.threads(), (System.nanoTime() - t0) / 1e9);
        double[] prune = new double[runs];
        double[] quant = new double[runs];
        long zeros = 0;
        for (int r = 0; r < runs; r++) {
            List<float[]> work = new ArrayList<>();
            for (float[] v : original) {
                work.add(v.clone());
            }
            long s = System.nanoTime();
            MagnitudePruning.zeroSmallest(work, 0.9);
            prune[r] = (System.nanoTime() - s) / 1e9;
            zeros = work.stream().mapToLong(a -> a.length - MagnitudePruning.countNonZeros(a)).sum();
            s = System.nanoTime();
            for (int i = 0; i < layers.size(); i++) {
                TensorData t = g.initializer(layers.get(i).weight());
                int[] dims = t.shape().dims().stream().mapToInt(d -> (int) d.value()).toArray();
                Int8Weights.quantize(original.get(i), dims, layers.get(i).channelAxis());
            }
            quant[r] = (System.nanoTime() - s) / 1e9;
        }
        System.out.printf(Locale.ROOT, "prune to 90%% (exact global magnitude threshold): median %.3f s (runs %s), %.4f%% zero%n",
            median(prune), Arrays.toString(round(prune)), 100.0 * zeros / total);
        System.out.printf(Locale.ROOT, "per-channel int8 quantization: median %.3f s (runs %s)%n", median(quant),
            Arrays.toString(round(quant)));
        System.out.printf(Locale.ROOT, "targets <= 1.5 s: pruning %s, int8 %s%n", median(prune) <= 1.5 ? "met" : "NOT met",
            median(quant) <= 1.5 ? "met" : "NOT met");
        long s = System.nanoTime();
        Graph pruned = MagnitudePruning.apply(g, PruneSpec.global(0.9)).graph();
        double passPrune = (System.nanoTime() - s) / 1e9;
        s = System.nanoTime();
        Map<String, Precision> all = new java.util.HashMap<>();
        layers.forEach(l -> all.put(l.name(), Precision.INT8_WEIGHTS));
        try {
            Quantization.apply(pruned, all, Map.of(), List.of());
        } catch (dev.edgewise.core.ir.EdgewiseException e) {
            throw new IllegalStateException(e);
        }
        double passQuant = (System.nanoTime() - s) / 1e9;
        System.out.printf(Locale.ROOT, "for context, whole passes incl. decoding and building the new graph: prune %.2f s,"
            + " int8-weights %.2f s%n", passPrune, passQuant);
    }

    private static double median(double[] v) {
        double[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    private static double[] round(double[] v) {
        double[] o = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            o[i] = Math.round(v[i] * 1000) / 1000.0;
        }
        return o;
    }
}
