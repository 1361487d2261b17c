package dev.edgewise.viewer.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.analysis.Provenance;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

@ExtendWith(ApplicationExtension.class)
class LiveLineChartFxTest {
    private LiveLineChart chart;

    @Start
    void start(Stage stage) {
        chart = new LiveLineChart("Power", "device time (s)", "W");
        chart.emptyTextProperty().set("No power sensor on local");
        stage.setScene(new Scene(chart, 500, 300));
        stage.show();
    }

    private static SeriesData line(String name, int n, long received) {
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i * 0.02;
            y[i] = 3 + Math.sin(i);
        }
        return new SeriesData(name, x, y, received);
    }

    private Node placeholder(FxRobot robot) {
        return robot.lookup(".placeholder").query();
    }

    @Test
    void anEmptyChartExplainsItselfAndPointsReplaceTheExplanation(FxRobot robot) {
        assertThat(placeholder(robot).isVisible()).isTrue();
        assertThat(robot.lookup(".placeholder").queryLabeled().getText()).isEqualTo("No power sensor on local");
        robot.interact(() -> chart.seriesProperty().set(List.of(line("rapl:package-0", 50, 50))));
        assertThat(chart.pointCount()).isEqualTo(50);
        assertThat(placeholder(robot).isVisible()).isFalse();
        robot.interact(() -> chart.seriesProperty().set(List.of(line("rapl:package-0", 600, 5000),
            line("battery", 10, 10))));
        assertThat(chart.pointCount()).as("lines are replaced, not appended").isEqualTo(610);
        assertThat(robot.lookup(".muted").queryLabeled().getText()).isEqualTo("newest 610 of 5,010 points");
        robot.interact(() -> chart.seriesProperty().set(List.of()));
        assertThat(chart.pointCount()).isZero();
        assertThat(placeholder(robot).isVisible()).isTrue();
    }

    @Test
    void theBadgeSaysWhereTheNumbersComeFrom(FxRobot robot) {
        assertThat(chart.badge().isVisible()).isFalse();
        robot.interact(() -> {
            chart.provenanceProperty().set(Provenance.MEASURED);
            chart.sourceProperty().set("rapl:package-0");
        });
        assertThat(chart.badge().getText()).isEqualTo("measured · rapl:package-0");
        assertThat(chart.badge().getStyleClass()).contains("provenance-measured");
        robot.interact(() -> chart.provenanceProperty().set(Provenance.EMULATED));
        assertThat(chart.badge().getStyleClass()).contains("provenance-emulated").doesNotContain("provenance-measured");
    }
}
