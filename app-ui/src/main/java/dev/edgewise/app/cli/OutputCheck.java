package dev.edgewise.app.cli;

import dev.edgewise.bridge.session.RunResult.OutputTensor;
import dev.edgewise.core.eval.Evaluation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares a device's outputs with a reference, row by row: the largest absolute error, the
 * largest error relative to the reference's largest magnitude (per output, so near-zero logits do
 * not blow it up), top-1 agreement on the first output, and accuracy when the rows have labels.
 */
final class OutputCheck {
    /**
     * @param reference what the outputs were compared with ("ONNX Runtime 1.x on the host", "baseline on local")
     * @param correct   rows whose device top-1 equals the label; -1 without labels
     * @param unmatched outputs of the reference the device did not return (named, for the message)
     */
    record Comparison(String reference, int rows, double maxAbsError, double maxRelError, int top1Agree, int correct,
                      List<String> unmatched) {
        Comparison {
            unmatched = List.copyOf(unmatched);
        }

        double top1Agreement() {
            return rows == 0 ? 0 : (double) top1Agree / rows;
        }
    }

    private final String reference;
    private int rows;
    private double maxAbs;
    private double maxRel;
    private int agree;
    private int correct;
    private boolean labelled = true;
    private final List<String> unmatched = new ArrayList<>();

    OutputCheck(String reference) {
        this.reference = reference;
    }

    /**
     * Adds one row. {@code expected} holds the reference outputs in graph order; {@code label} is
     * the row's label or -1.
     */
    void add(Map<String, float[]> expected, Map<String, float[]> actual, int label) {
        boolean first = true;
        boolean counted = false;
        for (Map.Entry<String, float[]> e : expected.entrySet()) {
            float[] got = match(e.getKey(), expected, actual);
            if (got == null || got.length != e.getValue().length) {
                if (!unmatched.contains(e.getKey())) {
                    unmatched.add(e.getKey() + (got == null ? " (not returned)" : " (" + got.length + " values, expected "
                        + e.getValue().length + ")"));
                }
                first = false;
                continue;
            }
            errors(e.getValue(), got);
            if (first) {
                int top = Evaluation.argmax(got);
                agree += top == Evaluation.argmax(e.getValue()) ? 1 : 0;
                correct += top == label ? 1 : 0;
                counted = true;
                first = false;
            }
        }
        labelled &= label >= 0;
        rows += counted ? 1 : 0;
    }

    private void errors(float[] ref, float[] got) {
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            scale = Math.max(scale, Math.abs(ref[i]));
            worst = Math.max(worst, Math.abs((double) got[i] - ref[i]));
        }
        maxAbs = Math.max(maxAbs, worst);
        maxRel = Math.max(maxRel, scale == 0 ? (worst == 0 ? 0 : Double.POSITIVE_INFINITY) : worst / scale);
    }

    /** By name; a single output pairs with a single output whatever the plan called it. */
    private static float[] match(String name, Map<String, float[]> expected, Map<String, float[]> actual) {
        float[] v = actual.get(name);
        if (v == null && expected.size() == 1 && actual.size() == 1) {
            v = actual.values().iterator().next();
        }
        return v;
    }

    Comparison result() {
        return new Comparison(reference, rows, maxAbs, maxRel, agree, labelled && rows > 0 ? correct : -1, unmatched);
    }

    /** The device's outputs as plain arrays, in the order of {@code names} (the graph's outputs) first. */
    static Map<String, float[]> values(Map<String, OutputTensor> outputs, List<String> names) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (String n : names) {
            OutputTensor t = outputs.get(n);
            if (t != null) {
                out.put(n, t.values());
            }
        }
        outputs.forEach((n, t) -> out.putIfAbsent(n, t.values()));
        return out;
    }
}
