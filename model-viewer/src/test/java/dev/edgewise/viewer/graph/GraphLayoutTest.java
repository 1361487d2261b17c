package dev.edgewise.viewer.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.GraphBuilder;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorInfo;
import dev.edgewise.viewer.TestAnalyses;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphLayoutTest {
    @Test
    void modelHasBoxesForOperatorsAndGraphInputsOutputsButNotForWeights() {
        GraphModel m = GraphModel.fromGraph(TestAnalyses.graph());
        assertThat(m.nodes()).extracting(GraphModel.VNode::kind).containsExactly(GraphModel.Kind.INPUT,
            GraphModel.Kind.OPERATOR, GraphModel.Kind.OPERATOR, GraphModel.Kind.OPERATOR, GraphModel.Kind.OUTPUT);
        assertThat(m.edges()).extracting(GraphModel.VEdge::tensor).containsExactly("x", "c", "m", "y");
        assertThat(m.indexOfLayer("fc")).isEqualTo(3);
        assertThat(m.indexOfLayer("fc.w")).isEqualTo(-1);
    }

    @Test
    void elkPlacesEveryLayerBelowItsProducersWithoutOverlap() {
        Graph g = diamond();
        GraphLayout l = new ElkGraphLayouter().layout(GraphModel.fromGraph(g));
        GraphModel m = l.model();
        for (int k = 0; k < m.edges().size(); k++) {
            GraphModel.VEdge e = m.edges().get(k);
            assertThat(l.y(e.to())).as("edge " + e.tensor() + " points down")
                .isGreaterThan(l.y(e.from()) + m.nodes().get(e.from()).height() - 1e-6);
            assertThat(l.edgePointCount(k)).isGreaterThanOrEqualTo(2);
            assertThat(l.edgeY(k, l.edgePointCount(k) - 1)).as("edge ends at its consumer").isCloseTo(l.y(e.to()),
                org.assertj.core.api.Assertions.within(1.0));
        }
        for (int i = 0; i < m.size(); i++) {
            for (int j = i + 1; j < m.size(); j++) {
                assertThat(overlap(l, i, j)).as("boxes %d and %d overlap", i, j).isFalse();
            }
        }
        int left = m.indexOfLayer("left");
        assertThat(l.nodeAt(l.centerX(left), l.centerY(left))).isEqualTo(left);
        assertThat(l.nodeAt(-100, -100)).isEqualTo(-1);
        assertThat(l.width()).isPositive();
    }

    @Test
    void edgesImpliedByLongerPathsAreFoundAndRoutedBesideTheBoxes() {
        // a dense block: every feature feeds every later concat, as in DenseNet
        GraphBuilder b = GraphBuilder.create().addInput(new TensorInfo("x", DataType.FLOAT, Shape.of(1, 8)));
        List<String> features = new java.util.ArrayList<>(List.of("x"));
        for (int i = 0; i < 4; i++) {
            b.addNode(Node.of("cat" + i, "Concat", List.copyOf(features), List.of("c" + i)));
            b.addNode(Node.of("conv" + i, "Conv", List.of("c" + i), List.of("f" + i)));
            features.add("f" + i);
        }
        b.addNode(Node.of("out", "Concat", List.copyOf(features), List.of("y")));
        b.addOutput(new TensorInfo("y", DataType.FLOAT, Shape.of(1, 40)));
        GraphModel m = GraphModel.fromGraph(b.buildValid());
        boolean[] implied = ImpliedEdges.find(m);
        for (int k = 0; k < m.edges().size(); k++) {
            GraphModel.VEdge e = m.edges().get(k);
            String from = m.nodes().get(e.from()).layer();
            String to = m.nodes().get(e.to()).layer();
            // the only edges not implied: the chain x, cat0, conv0, cat1, ..., conv3, out, y
            java.util.Set<String> chain = java.util.Set.of("x->cat0", "cat0->conv0", "conv0->cat1", "cat1->conv1",
                "conv1->cat2", "cat2->conv2", "conv2->cat3", "cat3->conv3", "conv3->out", "out->y");
            boolean direct = chain.contains(from + "->" + to);
            assertThat(implied[k]).as(from + " -> " + to).isEqualTo(!direct);
        }
        GraphLayout l = new ElkGraphLayouter(ElkGraphLayouter.Effort.FAST).layout(m);
        for (int k = 0; k < m.edges().size(); k++) {
            GraphModel.VEdge e = m.edges().get(k);
            assertThat(l.y(e.to())).isGreaterThan(l.y(e.from()));
            int last = l.edgePointCount(k) - 1;
            assertThat(l.edgeX(k, last)).isEqualTo(l.centerX(e.to()));
            assertThat(l.edgeY(k, last)).isEqualTo(l.y(e.to()));
        }
    }

    @Test
    void parallelEdgesBetweenTheSameNodesAreNotImpliedByEachOther() {
        Graph g = GraphBuilder.create()
            .addInput(new TensorInfo("x", DataType.FLOAT, Shape.of(1, 8)))
            .addNode(Node.of("a", "Split", List.of("x"), List.of("p", "q")))
            .addNode(Node.of("m1", "Relu", List.of("x"), List.of("r1")))
            .addNode(Node.of("m2", "Relu", List.of("r1"), List.of("r2")))
            .addNode(Node.of("b", "Add", List.of("p", "q"), List.of("y")))
            .addOutput(new TensorInfo("y", DataType.FLOAT, Shape.of(1, 8)))
            .buildValid();
        GraphModel m = GraphModel.fromGraph(g);
        boolean[] implied = ImpliedEdges.find(m);
        for (boolean i : implied) {
            assertThat(i).isFalse();
        }
    }

    private static boolean overlap(GraphLayout l, int a, int b) {
        var na = l.model().nodes().get(a);
        var nb = l.model().nodes().get(b);
        return l.x(a) < l.x(b) + nb.width() && l.x(b) < l.x(a) + na.width()
            && l.y(a) < l.y(b) + nb.height() && l.y(b) < l.y(a) + na.height();
    }

    static Graph diamond() {
        return GraphBuilder.create()
            .addInput(new TensorInfo("x", DataType.FLOAT, Shape.of(1, 8)))
            .addNode(Node.of("top", "Relu", List.of("x"), List.of("t")))
            .addNode(Node.of("left", "Sigmoid", List.of("t"), List.of("l")))
            .addNode(Node.of("right", "Tanh", List.of("t"), List.of("r")))
            .addNode(Node.of("join", "Add", List.of("l", "r"), List.of("y")))
            .addOutput(new TensorInfo("y", DataType.FLOAT, Shape.of(1, 8)))
            .buildValid();
    }
}
