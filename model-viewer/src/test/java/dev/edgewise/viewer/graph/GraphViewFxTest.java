package dev.edgewise.viewer.graph;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.analysis.Provenance;
import dev.edgewise.viewer.metric.LayerMetric;
import dev.edgewise.viewer.metric.MetricUnit;
import java.util.Map;
import javafx.geometry.Point2D;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseButton;
import javafx.scene.paint.Color;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

@ExtendWith(ApplicationExtension.class)
class GraphViewFxTest {
    private GraphView view;

    @Start
    void start(Stage stage) {
        view = new GraphView();
        view.graphLayoutProperty().set(new ElkGraphLayouter().layout(GraphModel.fromGraph(GraphLayoutTest.diamond())));
        stage.setScene(new Scene(view, 640, 480));
        stage.show();
    }

    private Point2D screenCenterOf(String layer) {
        Point2D local = view.localCenterOf(layer).orElseThrow();
        return view.localToScreen(local);
    }

    @Test
    void clickingANodeSelectsItsLayerAndClickingEmptySpaceClears(FxRobot robot) {
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn(screenCenterOf("left"), MouseButton.PRIMARY);
        assertThat(view.selectedLayerProperty().get()).isEqualTo("left");
        robot.clickOn(view.localToScreen(new Point2D(5, 5)), MouseButton.PRIMARY);
        assertThat(view.selectedLayerProperty().get()).isNull();
    }

    @Test
    void draggingPansAndWheelZoomsAroundThePointer(FxRobot robot) {
        WaitForAsyncUtils.waitForFxEvents();
        Point2D before = view.localCenterOf("join").orElseThrow();
        robot.drag(view.localToScreen(new Point2D(20, 20)), MouseButton.PRIMARY).moveBy(60, 40).release(MouseButton.PRIMARY);
        Point2D after = view.localCenterOf("join").orElseThrow();
        assertThat(after.getX() - before.getX()).isCloseTo(60, org.assertj.core.api.Assertions.within(2.0));
        assertThat(after.getY() - before.getY()).isCloseTo(40, org.assertj.core.api.Assertions.within(2.0));
        assertThat(view.selectedLayerProperty().get()).as("a drag is not a click").isNull();

        double scale = view.scale();
        robot.interact(() -> view.zoomAt(2, after.getX(), after.getY()));
        assertThat(view.scale()).isEqualTo(scale * 2);
        Point2D zoomed = view.localCenterOf("join").orElseThrow();
        assertThat(zoomed.distance(after)).as("the point under the pointer stays put").isLessThan(1e-6);
    }

    @Test
    void fitShowsEveryNodeInsideTheView(FxRobot robot) {
        robot.interact(() -> {
            view.zoomAt(8, 0, 0);
            view.fit();
        });
        for (String layer : new String[] {"top", "left", "right", "join"}) {
            Point2D p = view.localCenterOf(layer).orElseThrow();
            assertThat(p.getX()).isBetween(0.0, view.getWidth());
            assertThat(p.getY()).isBetween(0.0, view.getHeight());
        }
    }

    @Test
    void metricColouringPaintsTheLargestValueWithTheTopOfTheRamp(FxRobot robot) throws Exception {
        LayerMetric m = new LayerMetric("macs", "MACs", MetricUnit.COUNT, Provenance.COUNTED, "test",
            Map.of("top", 10.0, "left", 1000.0, "right", 100.0, "join", 1.0));
        robot.interact(() -> {
            view.fit();
            view.colorMetricProperty().set(m);
        });
        WaitForAsyncUtils.waitForFxEvents();
        Point2D p = view.localCenterOf("left").orElseThrow();
        WritableImage img = snapshot();
        // inside the box near its lower-left corner, away from the centred label
        double s = view.scale();
        Color c = img.getPixelReader().getColor((int) (p.getX() - 0.4 * 92 * s), (int) (p.getY() + 0.3 * 38 * s));
        Color top = dev.edgewise.viewer.metric.ColorScale.ramp(1);
        assertThat(c.getRed()).isCloseTo(top.getRed(), org.assertj.core.api.Assertions.within(0.05));
        assertThat(c.getGreen()).isCloseTo(top.getGreen(), org.assertj.core.api.Assertions.within(0.05));
        assertThat(c.getBlue()).isCloseTo(top.getBlue(), org.assertj.core.api.Assertions.within(0.05));
    }

    @Test
    void layerMarksPaintMarkedLayersByKindAndOthersNeutralOverAMetric(FxRobot robot) throws Exception {
        LayerMarks marks = LayerMarks.of("diff", Map.of("left", "pruned", "right", "int8"), java.util.List.of("pruned", "int8"));
        robot.interact(() -> {
            view.fit();
            view.colorMetricProperty().set(new LayerMetric("macs", "MACs", MetricUnit.COUNT, Provenance.COUNTED, "test",
                Map.of("top", 10.0, "left", 1000.0, "right", 100.0, "join", 1.0)));
            view.layerMarksProperty().set(marks);
        });
        WaitForAsyncUtils.waitForFxEvents();
        WritableImage img = snapshot();
        assertColor(img, "left", marks.colorByKind().get("pruned"));
        assertColor(img, "right", marks.colorByKind().get("int8"));
        assertColor(img, "join", view.paletteProperty().get().nodeFill());
    }

    private void assertColor(WritableImage img, String layer, Color expected) {
        Point2D p = view.localCenterOf(layer).orElseThrow();
        double s = view.scale();
        Color c = img.getPixelReader().getColor((int) (p.getX() - 0.4 * 92 * s), (int) (p.getY() + 0.3 * 38 * s));
        assertThat(c.getRed()).as(layer).isCloseTo(expected.getRed(), org.assertj.core.api.Assertions.within(0.05));
        assertThat(c.getGreen()).as(layer).isCloseTo(expected.getGreen(), org.assertj.core.api.Assertions.within(0.05));
        assertThat(c.getBlue()).as(layer).isCloseTo(expected.getBlue(), org.assertj.core.api.Assertions.within(0.05));
    }

    private WritableImage snapshot() throws Exception {
        return WaitForAsyncUtils.asyncFx(() -> view.snapshot(null, null)).get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
}
