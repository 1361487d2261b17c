package dev.edgewise.app.gui.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.edgewise.bridge.session.RunEvent;
import dev.edgewise.viewer.chart.SeriesData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LiveChartsTest {
    private final LiveCharts charts = new LiveCharts();

    @Test
    void eventsBecomePointsInTheirChartsWithDisplayUnits() {
        LiveCharts.Changes c = charts.apply(List.of(
            new RunEvent.Progress("measuring", 1, 3),
            new RunEvent.IterationTimed(0, 0.0125),
            new RunEvent.IterationTimed(1, 0.0131),
            new RunEvent.PowerSampled(0.02, "rapl:package-0", 4.5),
            new RunEvent.ThermalSampled(0.02, "thermal_zone0/cpu-thermal", 51.0),
            new RunEvent.FrequencySampled(0.02, 0, 1_800_000, "schedutil"),
            new RunEvent.FrequencySampled(0.02, 3, 2_400_000, "schedutil"),
            new RunEvent.FrequencySampled(0.04, 0, 1_200_000, "schedutil")));
        assertThat(c).isEqualTo(new LiveCharts.Changes(true, true, true, true));
        SeriesData latency = charts.latency().get(0);
        assertThat(latency.xs()).containsExactly(0, 1);
        assertThat(latency.y(0)).as("milliseconds").isCloseTo(12.5, within(1e-9));
        assertThat(charts.power()).extracting(SeriesData::name).containsExactly("rapl:package-0");
        assertThat(charts.temperature().get(0).lastY()).isEqualTo(51.0);
        assertThat(charts.frequency()).extracting(SeriesData::name).containsExactly("cpu0", "cpu3");
        assertThat(charts.frequency().get(0).ys()).as("MHz").containsExactly(1800, 1200);
        assertThat(charts.frequency().get(0).xs()).as("device seconds").containsExactly(0.02, 0.04);
    }

    @Test
    void onlyTheChangedChartsAreReported() {
        assertThat(charts.apply(List.of(new RunEvent.IterationTimed(0, 0.01))))
            .isEqualTo(new LiveCharts.Changes(true, false, false, false));
        assertThat(charts.apply(List.of(new RunEvent.Progress("warmup", 1, 10))).any()).isFalse();
    }

    @Test
    void longRunsKeepTheNewestPointsAndCountTheRest() {
        List<RunEvent> events = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            events.add(new RunEvent.IterationTimed(i, 0.001 * (1 + i % 7)));
        }
        charts.apply(events);
        SeriesData s = charts.latency().get(0);
        assertThat(s.size()).isEqualTo(LiveCharts.CAPACITY);
        assertThat(s.received()).isEqualTo(5000);
        assertThat(s.x(0)).isEqualTo(5000 - LiveCharts.CAPACITY);
        assertThat(s.x(s.size() - 1)).isEqualTo(4999);
    }

    @Test
    void manyCpusAreCappedAtTheLineLimit() {
        List<RunEvent> events = new ArrayList<>();
        for (int cpu = 0; cpu < 12; cpu++) {
            events.add(new RunEvent.FrequencySampled(0.1, cpu, 1_000_000, "performance"));
        }
        charts.apply(events);
        assertThat(charts.frequency()).hasSize(LiveCharts.MAX_LINES);
        assertThat(charts.droppedLines()).isEqualTo(12 - LiveCharts.MAX_LINES);
        charts.clear();
        assertThat(charts.frequency()).isEmpty();
        assertThat(charts.latency()).isEmpty();
    }
}
