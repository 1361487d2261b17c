package dev.edgewise.viewer.graph;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds edges u->v that a longer path u->...->v already implies (DenseNet's concatenations of all
 * earlier features, ResNet's skip connections). A layered layout gets the same layer order
 * without them, and each one it skips saves a chain of dummy nodes as long as the edge; they are
 * drawn afterwards along a lane beside the nodes they pass.
 */
final class ImpliedEdges {
    private ImpliedEdges() {
    }

    /**
     * Node indices of a {@link GraphModel} are a topological order (inputs, operators in order,
     * outputs), so a search from u towards v never needs to visit an index beyond v.
     */
    static boolean[] find(GraphModel m) {
        int n = m.size();
        List<List<Integer>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new ArrayList<>());
        }
        for (GraphModel.VEdge e : m.edges()) {
            out.get(e.from()).add(e.to());
        }
        boolean[] implied = new boolean[m.edges().size()];
        int[] seen = new int[n];
        int[] stack = new int[n];
        int stamp = 0;
        for (int k = 0; k < implied.length; k++) {
            GraphModel.VEdge e = m.edges().get(k);
            if (e.to() - e.from() <= 2) {
                continue;
            }
            stamp++;
            int top = 0;
            for (int w : out.get(e.from())) {
                if (w != e.to() && w < e.to() && seen[w] != stamp) {
                    seen[w] = stamp;
                    stack[top++] = w;
                }
            }
            while (top > 0 && !implied[k]) {
                int u = stack[--top];
                for (int w : out.get(u)) {
                    if (w == e.to()) {
                        implied[k] = true;
                        break;
                    }
                    if (w < e.to() && seen[w] != stamp) {
                        seen[w] = stamp;
                        stack[top++] = w;
                    }
                }
            }
        }
        return implied;
    }

    /**
     * A route for an edge left out of the layout: down from the producer, along a lane right of
     * every box between the two ends, into the consumer. Several edges from one producer get
     * neighbouring lanes.
     */
    static double[] laneRoute(GraphModel m, double[] x, double[] y, GraphModel.VEdge e, int laneIndex) {
        GraphModel.VNode a = m.nodes().get(e.from());
        GraphModel.VNode b = m.nodes().get(e.to());
        double sx = x[e.from()] + a.width() / 2;
        double sy = y[e.from()] + a.height();
        double tx = x[e.to()] + b.width() / 2;
        double ty = y[e.to()];
        if (ty - sy < 20) {
            return new double[] {sx, sy, tx, ty};
        }
        double right = Math.max(x[e.from()] + a.width(), x[e.to()] + b.width());
        for (int i = 0; i < x.length; i++) {
            GraphModel.VNode n = m.nodes().get(i);
            if (y[i] < ty && y[i] + n.height() > sy) {
                right = Math.max(right, x[i] + n.width());
            }
        }
        double lane = right + 14 + 4 * (laneIndex % 12);
        return new double[] {sx, sy, lane, sy + 10, lane, ty - 10, tx, ty};
    }
}
