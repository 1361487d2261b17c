package dev.edgewise.viewer.graph;

/**
 * Positions of a laid-out {@link GraphModel}: top-left corner per node, a polyline per edge
 * (x0, y0, x1, y1, ...), and the overall size. Immutable after construction; arrays are not exposed.
 */
public final class GraphLayout {
    private final GraphModel model;
    private final double[] x;
    private final double[] y;
    private final double[][] edgePoints;
    private final double width;
    private final double height;

    public GraphLayout(GraphModel model, double[] x, double[] y, double[][] edgePoints) {
        if (x.length != model.size() || y.length != model.size() || edgePoints.length != model.edges().size()) {
            throw new IllegalArgumentException("layout does not match the model: " + model.size() + " nodes, "
                + model.edges().size() + " edges; got " + x.length + " positions and " + edgePoints.length + " routes");
        }
        this.model = model;
        this.x = x.clone();
        this.y = y.clone();
        this.edgePoints = new double[edgePoints.length][];
        double w = 0;
        double h = 0;
        for (int i = 0; i < x.length; i++) {
            w = Math.max(w, x[i] + model.nodes().get(i).width());
            h = Math.max(h, y[i] + model.nodes().get(i).height());
        }
        for (int e = 0; e < edgePoints.length; e++) {
            this.edgePoints[e] = edgePoints[e].clone();
            for (int k = 0; k + 1 < edgePoints[e].length; k += 2) {
                w = Math.max(w, edgePoints[e][k]);
                h = Math.max(h, edgePoints[e][k + 1]);
            }
        }
        this.width = w;
        this.height = h;
    }

    public GraphModel model() {
        return model;
    }

    public double x(int node) {
        return x[node];
    }

    public double y(int node) {
        return y[node];
    }

    public double centerX(int node) {
        return x[node] + model.nodes().get(node).width() / 2;
    }

    public double centerY(int node) {
        return y[node] + model.nodes().get(node).height() / 2;
    }

    public int edgePointCount(int edge) {
        return edgePoints[edge].length / 2;
    }

    public double edgeX(int edge, int point) {
        return edgePoints[edge][2 * point];
    }

    public double edgeY(int edge, int point) {
        return edgePoints[edge][2 * point + 1];
    }

    public double width() {
        return width;
    }

    public double height() {
        return height;
    }

    /** Topmost node whose box contains the point, or -1. */
    public int nodeAt(double px, double py) {
        for (int i = x.length - 1; i >= 0; i--) {
            GraphModel.VNode n = model.nodes().get(i);
            if (px >= x[i] && px <= x[i] + n.width() && py >= y[i] && py <= y[i] + n.height()) {
                return i;
            }
        }
        return -1;
    }
}
