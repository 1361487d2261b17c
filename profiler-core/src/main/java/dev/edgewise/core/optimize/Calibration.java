package dev.edgewise.core.optimize;

import dev.edgewise.core.eval.Dataset;
import dev.edgewise.core.eval.OrtModel;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Activation ranges from running the model in ONNX Runtime on calibration samples, the tensors of
 * interest exposed as extra outputs. Min/max uses the observed extremes; percentile and entropy
 * use a 2048-bin histogram from a second pass (percentile clips each side at the given percentile;
 * entropy picks the clipping threshold of |x| whose 8-bit quantization loses least information,
 * measured as KL divergence, as in TensorRT's calibrator).
 */
public final class Calibration {
    public enum Method {
        MINMAX, PERCENTILE, ENTROPY;

        public static Method parse(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT).replace("-", "").replace("_", ""));
        }
    }

    static final int BINS = 2048;

    private Calibration() {
    }

    /** Tensors that full int8 quantizes: the activation input of each layer set to INT8. */
    public static List<String> activationInputs(Graph g, Map<String, Precision> precision) {
        return WeightLayer.find(g).stream().filter(l -> precision.get(l.name()) == Precision.INT8)
            .map(l -> l.node().input(0)).distinct().toList();
    }

    public static Map<String, double[]> ranges(Graph g, List<String> tensors, Dataset data, Method method,
                                               double percentile) throws EdgewiseException {
        Map<String, double[]> minMax = new LinkedHashMap<>();
        Graph exposed = OrtModel.exposing(g, tensors);
        String input = g.inputs().get(0).name();
        try (OrtModel m = OrtModel.open(exposed, 1)) {
            for (float[] s : data.samples()) {
                Map<String, float[]> out = m.run(s);
                for (String t : tensors) {
                    float[] v = t.equals(input) ? s : out.get(t);
                    double[] r = minMax.computeIfAbsent(t, k -> new double[] {Double.MAX_VALUE, -Double.MAX_VALUE});
                    for (float x : v) {
                        r[0] = Math.min(r[0], x);
                        r[1] = Math.max(r[1], x);
                    }
                }
            }
            if (method == Method.MINMAX) {
                return new TreeMap<>(minMax);
            }
            Map<String, long[]> hist = new LinkedHashMap<>();
            for (float[] s : data.samples()) {
                Map<String, float[]> out = m.run(s);
                for (String t : tensors) {
                    addToHistogram(hist.computeIfAbsent(t, k -> new long[BINS]), t.equals(input) ? s : out.get(t),
                        minMax.get(t), method);
                }
            }
            Map<String, double[]> result = new TreeMap<>();
            for (String t : tensors) {
                double[] r = minMax.get(t);
                result.put(t, method == Method.PERCENTILE ? percentileRange(hist.get(t), r, percentile)
                    : entropyRange(hist.get(t), r));
            }
            return result;
        }
    }

    /** Percentile bins span [min, max]; entropy bins span [0, max|x|]. */
    private static void addToHistogram(long[] h, float[] v, double[] range, Method method) {
        double lo = method == Method.PERCENTILE ? range[0] : 0;
        double hi = method == Method.PERCENTILE ? range[1] : Math.max(Math.abs(range[0]), Math.abs(range[1]));
        double width = (hi - lo) / BINS;
        if (width <= 0) {
            return;
        }
        for (float x : v) {
            double y = method == Method.PERCENTILE ? x : Math.abs(x);
            h[(int) Math.min(BINS - 1, Math.max(0, (y - lo) / width))]++;
        }
    }

    static double[] percentileRange(long[] h, double[] range, double percentile) {
        long total = 0;
        for (long c : h) {
            total += c;
        }
        double width = (range[1] - range[0]) / BINS;
        if (total == 0 || width <= 0) {
            return range.clone();
        }
        long cut = (long) Math.floor(total * (100 - percentile) / 100.0);
        int lo = 0;
        long acc = 0;
        while (lo < BINS - 1 && acc + h[lo] <= cut) {
            acc += h[lo++];
        }
        int hi = BINS - 1;
        acc = 0;
        while (hi > 0 && acc + h[hi] <= cut) {
            acc += h[hi--];
        }
        return new double[] {range[0] + lo * width, range[0] + (hi + 1) * width};
    }

    /** Clipping threshold T on |x| minimising KL(P || Q), Q the 128-level (or 256 for x >= 0) quantization of P. */
    static double[] entropyRange(long[] h, double[] range) {
        double maxAbs = Math.max(Math.abs(range[0]), Math.abs(range[1]));
        if (maxAbs == 0) {
            return range.clone();
        }
        int levels = range[0] < 0 ? 128 : 256;
        int best = BINS;
        double bestKl = Double.MAX_VALUE;
        for (int i = levels; i <= BINS; i++) {
            double kl = klAt(h, i, levels);
            if (kl < bestKl) {
                bestKl = kl;
                best = i;
            }
        }
        double t = maxAbs * best / BINS;
        return new double[] {Math.max(range[0], -t), Math.min(range[1], t)};
    }

    /** Bin 0 (exact zeros after ReLU dominate it) is left out: zero is represented exactly anyway. */
    private static double klAt(long[] full, int clip, int levels) {
        long[] h = full.clone();
        h[0] = 0;
        double[] p = new double[clip];
        for (int j = 0; j < clip; j++) {
            p[j] = h[j];
        }
        for (int j = clip; j < h.length; j++) {
            p[clip - 1] += h[j];
        }
        double[] q = new double[clip];
        double per = (double) clip / levels;
        for (int l = 0; l < levels; l++) {
            int from = (int) Math.floor(l * per);
            int to = l == levels - 1 ? clip : (int) Math.floor((l + 1) * per);
            double sum = 0;
            int nonZero = 0;
            for (int j = from; j < to; j++) {
                sum += h[j];
                nonZero += h[j] > 0 ? 1 : 0;
            }
            for (int j = from; j < to; j++) {
                q[j] = h[j] > 0 ? sum / nonZero : 0;
            }
        }
        double ps = 0;
        double qs = 0;
        for (int j = 0; j < clip; j++) {
            ps += p[j];
            qs += q[j];
        }
        if (ps == 0 || qs == 0) {
            return Double.MAX_VALUE;
        }
        double kl = 0;
        for (int j = 0; j < clip; j++) {
            if (p[j] > 0) {
                double pj = p[j] / ps;
                double qj = q[j] > 0 ? q[j] / qs : 1e-12;
                kl += pj * Math.log(pj / qj);
            }
        }
        return kl;
    }
}
