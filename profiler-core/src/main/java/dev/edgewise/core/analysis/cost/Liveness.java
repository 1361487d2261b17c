package dev.edgewise.core.analysis.cost;

import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.TensorInfo;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Peak activation memory along the graph's topological order. A tensor is live from the step of
 * its producer (graph inputs: from step 0) through the step of its last consumer (graph outputs:
 * through the last step); during a step its inputs and outputs are live together. Constants
 * (initializers, Constant values) are weights, not activations, and are left out. No in-place
 * reuse or arena fragmentation is modelled. Constant-folded outputs count as weights too.
 */
public final class Liveness {
    /**
     * @param peakBytes       largest sum of live activation bytes at any step
     * @param peakStep        index (in topological order) of the node where the peak occurs, -1 if no nodes
     * @param unknownTensors  activations of unknown size, counted as 0 (the peak is then a lower bound)
     */
    public record Result(long peakBytes, int peakStep, List<String> unknownTensors) {
        public Result {
            unknownTensors = List.copyOf(unknownTensors);
        }
    }

    private Liveness() {
    }

    public static Result peak(Graph graph) {
        return peak(new TensorLookup(graph, OpMetadata.defaults()));
    }

    static Result peak(TensorLookup tensors) {
        Graph graph = tensors.graph();
        List<Node> nodes = graph.nodes();
        int last = Math.max(0, nodes.size() - 1);
        Map<String, int[]> spans = new HashMap<>();
        for (TensorInfo in : graph.inputs()) {
            if (!tensors.isConstant(in.name())) {
                spans.put(in.name(), new int[] {0, 0});
            }
        }
        for (int step = 0; step < nodes.size(); step++) {
            Node n = nodes.get(step);
            for (String in : n.inputs()) {
                int[] span = spans.get(in);
                if (span != null) {
                    span[1] = step;
                }
            }
            for (String out : n.outputs()) {
                if (!out.isEmpty() && !tensors.isConstant(out)) {
                    spans.put(out, new int[] {step, step});
                }
            }
        }
        for (TensorInfo out : graph.outputs()) {
            int[] span = spans.get(out.name());
            if (span != null) {
                span[1] = last;
            }
        }
        return sweep(tensors, spans, nodes.size());
    }

    private static Result sweep(TensorLookup tensors, Map<String, int[]> spans, int steps) {
        long[] delta = new long[Math.max(1, steps) + 1];
        List<String> unknown = new java.util.ArrayList<>();
        for (Map.Entry<String, int[]> e : spans.entrySet()) {
            long bytes = tensors.byteSize(e.getKey());
            if (bytes < 0) {
                unknown.add(e.getKey());
                continue;
            }
            delta[e.getValue()[0]] += bytes;
            delta[e.getValue()[1] + 1] -= bytes;
        }
        long live = 0;
        long peak = 0;
        int peakStep = steps == 0 ? -1 : 0;
        for (int step = 0; step < Math.max(1, steps); step++) {
            live += delta[step];
            if (live > peak) {
                peak = live;
                peakStep = steps == 0 ? -1 : step;
            }
        }
        java.util.Collections.sort(unknown);
        return new Result(peak, peakStep, unknown);
    }
}
