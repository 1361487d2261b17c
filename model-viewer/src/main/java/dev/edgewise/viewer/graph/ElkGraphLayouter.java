package dev.edgewise.viewer.graph;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.eclipse.elk.alg.layered.options.LayeredMetaDataProvider;
import org.eclipse.elk.alg.layered.options.LayeredOptions;
import org.eclipse.elk.core.RecursiveGraphLayoutEngine;
import org.eclipse.elk.core.data.LayoutMetaDataService;
import org.eclipse.elk.core.options.CoreOptions;
import org.eclipse.elk.core.options.Direction;
import org.eclipse.elk.core.options.EdgeRouting;
import org.eclipse.elk.core.util.BasicProgressMonitor;
import org.eclipse.elk.graph.ElkBendPoint;
import org.eclipse.elk.graph.ElkEdge;
import org.eclipse.elk.graph.ElkEdgeSection;
import org.eclipse.elk.graph.ElkNode;
import org.eclipse.elk.graph.util.ElkGraphUtil;

/**
 * Lays a {@link GraphModel} out top-down with Eclipse ELK's layered (Sugiyama) algorithm. Runs on
 * any thread except the FX thread's time budget: a few hundred milliseconds for a 600-node model.
 * An interrupted calling thread (a cancelled task) stops the layout with a CancellationException.
 */
public final class ElkGraphLayouter {
    /**
     * Above this many boxes, edges implied by longer paths are left out of the layered layout and
     * drawn on lanes afterwards. On DenseNet-121 their dummy-node chains made crossing
     * minimisation and node placement take 85% of a 2.5 s layout; without them it takes ~0.1 s.
     * Small graphs keep ELK's own routing of skip connections, which reads better.
     */
    public static final int FAST_ABOVE_NODES = 250;

    /** AUTO picks by size; FAST leaves implied edges to lanes; THOROUGH gives ELK every edge. */
    public enum Effort { AUTO, THOROUGH, FAST }

    private static volatile boolean registered;

    private final Effort effort;

    public ElkGraphLayouter() {
        this(Effort.AUTO);
    }

    public ElkGraphLayouter(Effort effort) {
        this.effort = effort;
    }

    private static void registerOnce() {
        if (!registered) {
            synchronized (ElkGraphLayouter.class) {
                if (!registered) {
                    LayoutMetaDataService.getInstance().registerLayoutMetaDataProviders(new LayeredMetaDataProvider());
                    registered = true;
                }
            }
        }
    }

    public GraphLayout layout(GraphModel model) {
        registerOnce();
        ElkNode root = ElkGraphUtil.createGraph();
        root.setProperty(CoreOptions.ALGORITHM, LayeredOptions.ALGORITHM_ID);
        root.setProperty(LayeredOptions.DIRECTION, Direction.DOWN);
        root.setProperty(LayeredOptions.EDGE_ROUTING, EdgeRouting.POLYLINE);
        root.setProperty(LayeredOptions.SPACING_NODE_NODE, 18.0);
        root.setProperty(LayeredOptions.SPACING_NODE_NODE_BETWEEN_LAYERS, 26.0);
        root.setProperty(LayeredOptions.SPACING_EDGE_NODE_BETWEEN_LAYERS, 12.0);
        boolean fast = effort == Effort.FAST || (effort == Effort.AUTO && model.size() > FAST_ABOVE_NODES);
        root.setProperty(LayeredOptions.SEPARATE_CONNECTED_COMPONENTS, !fast);
        // ELK's default 7 costs ~3x the time of 4 for little visible gain on model graphs
        root.setProperty(LayeredOptions.THOROUGHNESS, 4);

        List<ElkNode> elkNodes = new ArrayList<>(model.size());
        for (GraphModel.VNode n : model.nodes()) {
            ElkNode e = ElkGraphUtil.createNode(root);
            e.setDimensions(n.width(), n.height());
            elkNodes.add(e);
        }
        // large graphs: edges implied by longer paths stay out of ELK and get lanes afterwards
        boolean[] implied = fast ? ImpliedEdges.find(model) : new boolean[model.edges().size()];
        List<ElkEdge> elkEdges = new ArrayList<>(model.edges().size());
        for (int k = 0; k < model.edges().size(); k++) {
            GraphModel.VEdge edge = model.edges().get(k);
            elkEdges.add(implied[k] ? null
                : ElkGraphUtil.createSimpleEdge(elkNodes.get(edge.from()), elkNodes.get(edge.to())));
        }
        checkCancelled();
        new RecursiveGraphLayoutEngine().layout(root, new InterruptibleMonitor());
        checkCancelled();

        double[] x = new double[model.size()];
        double[] y = new double[model.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = elkNodes.get(i).getX();
            y[i] = elkNodes.get(i).getY();
        }
        double[][] routes = new double[elkEdges.size()][];
        int[] lanesFromNode = new int[model.size()];
        for (int e = 0; e < routes.length; e++) {
            GraphModel.VEdge edge = model.edges().get(e);
            routes[e] = implied[e] ? ImpliedEdges.laneRoute(model, x, y, edge, lanesFromNode[edge.from()]++)
                : route(elkEdges.get(e), edge, x, y, model);
        }
        return new GraphLayout(model, x, y, routes);
    }

    /** The edge's section as a flat polyline; a straight centre-to-centre line if ELK gave none. */
    private static double[] route(ElkEdge edge, GraphModel.VEdge v, double[] x, double[] y, GraphModel model) {
        if (edge.getSections().isEmpty()) {
            GraphModel.VNode a = model.nodes().get(v.from());
            GraphModel.VNode b = model.nodes().get(v.to());
            return new double[] {x[v.from()] + a.width() / 2, y[v.from()] + a.height(),
                x[v.to()] + b.width() / 2, y[v.to()]};
        }
        ElkEdgeSection s = edge.getSections().get(0);
        double[] pts = new double[4 + 2 * s.getBendPoints().size()];
        int k = 0;
        pts[k++] = s.getStartX();
        pts[k++] = s.getStartY();
        for (ElkBendPoint b : s.getBendPoints()) {
            pts[k++] = b.getX();
            pts[k++] = b.getY();
        }
        pts[k++] = s.getEndX();
        pts[k] = s.getEndY();
        return pts;
    }

    private static void checkCancelled() {
        if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("graph layout cancelled");
        }
    }

    /** Lets ELK's phases notice a cancelled task through the thread's interrupt flag. */
    private static final class InterruptibleMonitor extends BasicProgressMonitor {
        @Override
        public boolean isCanceled() {
            return Thread.currentThread().isInterrupted();
        }
    }
}
