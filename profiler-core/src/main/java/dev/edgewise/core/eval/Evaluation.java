package dev.edgewise.core.eval;

import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.Node;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Baseline against optimized model on the same inputs, both run by ONNX Runtime: error of the
 * first output, top-1 agreement, accuracy when the data has labels, and optionally SQNR and cosine
 * of every intermediate tensor both graphs share by name (the optimized graph keeps the original
 * tensor names of the layers it rewrites).
 */
public final class Evaluation {
    private Evaluation() {
    }

    public record LayerError(String tensor, String layer, String op, double sqnrDb, double cosine, double maxAbsError) {
    }

    public record Result(int samples, double maxAbsError, double meanAbsError, double cosine, double top1Agreement,
                         Double baselineAccuracy, Double optimizedAccuracy, List<LayerError> layers, boolean randomInputs) {
        public String describe() {
            StringBuilder s = new StringBuilder(String.format(java.util.Locale.ROOT,
                "%d samples (%s): output max |err| %.4g, mean |err| %.4g, cosine %.6f, top-1 agreement %.2f%%",
                samples, randomInputs ? "RANDOM inputs" : "ONNX Runtime", maxAbsError, meanAbsError, cosine,
                100 * top1Agreement));
            if (baselineAccuracy != null) {
                s.append(String.format(java.util.Locale.ROOT, "; accuracy %.2f%% -> %.2f%%", 100 * baselineAccuracy,
                    100 * optimizedAccuracy));
            }
            return s.toString();
        }
    }

    /** Accuracy (or, without labels, nothing) of one model alone: fraction of argmax == label. */
    public static double accuracy(Graph g, Dataset data) throws EdgewiseException {
        try (OrtModel m = OrtModel.open(g, 1)) {
            String out = g.outputs().get(0).name();
            int correct = 0;
            for (int i = 0; i < data.size(); i++) {
                correct += argmax(m.run(data.samples().get(i)).get(out)) == data.labels()[i] ? 1 : 0;
            }
            return (double) correct / data.size();
        }
    }

    /** Top-1 of the first output for each sample. */
    public static int[] predictions(Graph g, Dataset data) throws EdgewiseException {
        try (OrtModel m = OrtModel.open(g, 1)) {
            String out = g.outputs().get(0).name();
            int[] p = new int[data.size()];
            for (int i = 0; i < p.length; i++) {
                p[i] = argmax(m.run(data.samples().get(i)).get(out));
            }
            return p;
        }
    }

    public static Result compare(Graph baseline, Graph optimized, Dataset data, boolean perLayer) throws EdgewiseException {
        String out = baseline.outputs().get(0).name();
        List<Node> shared = new ArrayList<>();
        if (perLayer) {
            for (Node n : baseline.nodes()) {
                if (optimized.producer(n.output(0)).isPresent() && !n.output(0).isEmpty()) {
                    shared.add(n);
                }
            }
        }
        List<String> tensors = shared.stream().map(n -> n.output(0)).toList();
        Map<String, double[]> acc = new LinkedHashMap<>(); // signal^2, noise^2, dot, opt^2, maxabs
        tensors.forEach(t -> acc.put(t, new double[5]));
        double[] outAcc = new double[5];
        double sumAbs = 0;
        long count = 0;
        int agree = 0;
        int correctBase = 0;
        int correctOpt = 0;
        try (OrtModel b = OrtModel.open(OrtModel.exposing(baseline, tensors), 1);
             OrtModel o = OrtModel.open(OrtModel.exposing(optimized, tensors), 1)) {
            for (int i = 0; i < data.size(); i++) {
                Map<String, float[]> rb = b.run(data.samples().get(i));
                Map<String, float[]> ro = o.run(data.samples().get(i));
                float[] yb = rb.get(out);
                float[] yo = ro.get(out);
                accumulate(outAcc, yb, yo);
                for (int j = 0; j < yb.length; j++) {
                    sumAbs += Math.abs(yb[j] - yo[j]);
                }
                count += yb.length;
                int pb = argmax(yb);
                int po = argmax(yo);
                agree += pb == po ? 1 : 0;
                if (data.hasLabels()) {
                    correctBase += pb == data.labels()[i] ? 1 : 0;
                    correctOpt += po == data.labels()[i] ? 1 : 0;
                }
                for (String t : tensors) {
                    if (rb.get(t) != null && ro.get(t) != null && rb.get(t).length == ro.get(t).length) {
                        accumulate(acc.get(t), rb.get(t), ro.get(t));
                    }
                }
            }
        }
        List<LayerError> layers = new ArrayList<>();
        for (Node n : shared) {
            double[] a = acc.get(n.output(0));
            layers.add(new LayerError(n.output(0), n.name(), n.opType(), sqnr(a), cosine(a), a[4]));
        }
        int s = data.size();
        return new Result(s, outAcc[4], sumAbs / Math.max(1, count), cosine(outAcc), (double) agree / s,
            data.hasLabels() ? (double) correctBase / s : null, data.hasLabels() ? (double) correctOpt / s : null,
            layers, data.random());
    }

    private static void accumulate(double[] a, float[] ref, float[] opt) {
        for (int j = 0; j < ref.length; j++) {
            double d = ref[j] - opt[j];
            a[0] += (double) ref[j] * ref[j];
            a[1] += d * d;
            a[2] += (double) ref[j] * opt[j];
            a[3] += (double) opt[j] * opt[j];
            a[4] = Math.max(a[4], Math.abs(d));
        }
    }

    /** Signal-to-quantization-noise ratio in dB; +infinity when the outputs are identical. */
    static double sqnr(double[] a) {
        return a[1] == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(a[0] / a[1]);
    }

    static double cosine(double[] a) {
        return a[0] == 0 && a[3] == 0 ? 1 : a[2] / Math.sqrt(a[0] * a[3]);
    }

    public static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
