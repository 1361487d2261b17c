package dev.edgewise.app.gui.device;

import dev.edgewise.bridge.session.RunEvent;
import dev.edgewise.viewer.chart.BoundedSeries;
import dev.edgewise.viewer.chart.SeriesData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The four live charts of a run as bounded series: latency per iteration (ms against iteration),
 * and power (W), temperature (°C) and CPU frequency (MHz) against the device's clock in seconds,
 * one line per sensor, zone or CPU. Not thread-safe: fed on the UI thread with coalesced events.
 */
public final class LiveCharts {
    /** Points kept per line; older ones scroll out. */
    public static final int CAPACITY = 600;
    /** Lines kept per chart; a 64-core server would otherwise draw 64 frequency lines. */
    public static final int MAX_LINES = 8;

    /** Which charts a batch of events changed. */
    public record Changes(boolean latency, boolean power, boolean temperature, boolean frequency) {
        public boolean any() {
            return latency || power || temperature || frequency;
        }
    }

    private final BoundedSeries latency = new BoundedSeries("latency", CAPACITY);
    private final Map<String, BoundedSeries> power = new LinkedHashMap<>();
    private final Map<String, BoundedSeries> temperature = new LinkedHashMap<>();
    private final Map<String, BoundedSeries> frequency = new LinkedHashMap<>();
    private int droppedLines;

    public void clear() {
        latency.clear();
        power.clear();
        temperature.clear();
        frequency.clear();
        droppedLines = 0;
    }

    public Changes apply(List<RunEvent> events) {
        boolean l = false;
        boolean p = false;
        boolean t = false;
        boolean f = false;
        for (RunEvent e : events) {
            if (e instanceof RunEvent.IterationTimed it) {
                latency.add(it.iteration(), it.seconds() * 1000);
                l = true;
            } else if (e instanceof RunEvent.PowerSampled ps) {
                p |= add(power, ps.source(), ps.deviceSeconds(), ps.watts());
            } else if (e instanceof RunEvent.ThermalSampled ts) {
                t |= add(temperature, ts.zone(), ts.deviceSeconds(), ts.celsius());
            } else if (e instanceof RunEvent.FrequencySampled fs) {
                f |= add(frequency, "cpu" + fs.cpu(), fs.deviceSeconds(), fs.khz() / 1000.0);
            }
        }
        return new Changes(l, p, t, f);
    }

    private boolean add(Map<String, BoundedSeries> lines, String name, double x, double y) {
        BoundedSeries s = lines.get(name);
        if (s == null) {
            if (lines.size() >= MAX_LINES) {
                droppedLines++;
                return false;
            }
            s = new BoundedSeries(name, CAPACITY);
            lines.put(name, s);
        }
        s.add(x, y);
        return true;
    }

    public List<SeriesData> latency() {
        return latency.received() == 0 ? List.of() : List.of(latency.snapshot());
    }

    public List<SeriesData> power() {
        return snapshot(power);
    }

    public List<SeriesData> temperature() {
        return snapshot(temperature);
    }

    public List<SeriesData> frequency() {
        return snapshot(frequency);
    }

    /** Samples of sensors beyond {@link #MAX_LINES} per chart that were not drawn. */
    public int droppedLines() {
        return droppedLines;
    }

    private static List<SeriesData> snapshot(Map<String, BoundedSeries> lines) {
        return lines.values().stream().map(BoundedSeries::snapshot).toList();
    }
}
