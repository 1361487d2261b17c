package dev.edgewise.app.gui.device;

import dev.edgewise.app.gui.prefs.Settings;
import dev.edgewise.bridge.session.RunOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * The run options as the form edits them (threads, CPU affinity text, warm-up, iterations or a
 * duration, per-layer timing, sensor rate), validated into the session's {@link RunOptions}.
 * Remembered between sessions in the user's settings.
 */
public final class RunSettings {
    private final IntegerProperty threads = new SimpleIntegerProperty(this, "threads", 1);
    private final StringProperty affinity = new SimpleStringProperty(this, "affinity", "");
    private final IntegerProperty warmup = new SimpleIntegerProperty(this, "warmup", 10);
    private final IntegerProperty iterations = new SimpleIntegerProperty(this, "iterations", 50);
    private final BooleanProperty timed = new SimpleBooleanProperty(this, "timed", false);
    private final DoubleProperty durationSeconds = new SimpleDoubleProperty(this, "durationSeconds", 10);
    private final BooleanProperty perLayer = new SimpleBooleanProperty(this, "perLayer", true);
    private final DoubleProperty sensorRateHz = new SimpleDoubleProperty(this, "sensorRateHz", 50);

    /**
     * Checks and converts the form. Throws IllegalArgumentException with a sentence for the
     * form's problem line ("CPU affinity: 'a' is not a CPU number").
     */
    public RunOptions toOptions() {
        if (threads.get() < 1 || threads.get() > 256) {
            throw new IllegalArgumentException("Threads must be between 1 and 256");
        }
        if (warmup.get() < 0) {
            throw new IllegalArgumentException("Warm-up iterations cannot be negative");
        }
        if (!timed.get() && iterations.get() < 1) {
            throw new IllegalArgumentException("Run at least 1 iteration, or choose a duration");
        }
        if (timed.get() && !(durationSeconds.get() > 0 && durationSeconds.get() <= 24 * 3600)) {
            throw new IllegalArgumentException("The duration must be between 0 and 24 hours (in seconds)");
        }
        double rate = sensorRateHz.get();
        if (!(rate >= 0 && rate <= 1000)) {
            throw new IllegalArgumentException("Sensor rate must be between 0 (off) and 1000 Hz");
        }
        return new RunOptions(warmup.get(), timed.get() ? 0 : iterations.get(), timed.get() ? durationSeconds.get() : 0,
            threads.get(), parseCpus(affinity.get()), perLayer.get(), rate, Map.of(), false);
    }

    /** "0,1" or "4-7" or "0, 2-3"; empty means no pinning. */
    static List<Integer> parseCpus(String text) {
        List<Integer> cpus = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return cpus;
        }
        for (String part : text.split("[,\\s]+")) {
            if (part.isEmpty()) {
                continue;
            }
            String[] range = part.split("-", -1);
            try {
                if (range.length == 1) {
                    cpus.add(cpu(range[0]));
                } else if (range.length == 2) {
                    int lo = cpu(range[0]);
                    int hi = cpu(range[1]);
                    if (hi < lo || hi - lo > 1023) {
                        throw new IllegalArgumentException("CPU affinity: '" + part + "' is not a range low-high");
                    }
                    for (int c = lo; c <= hi; c++) {
                        cpus.add(c);
                    }
                } else {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("CPU affinity: '" + part + "' is not a CPU number or range "
                    + "(write e.g. 4-7 or 0,2)");
            }
        }
        return cpus;
    }

    private static int cpu(String s) {
        int c = Integer.parseInt(s.trim());
        if (c < 0 || c > 1023) {
            throw new NumberFormatException();
        }
        return c;
    }

    public void load(Settings s) {
        threads.set((int) s.getDouble("device.threads", threads.get()));
        affinity.set(s.get("device.affinity", affinity.get()));
        warmup.set((int) s.getDouble("device.warmup", warmup.get()));
        iterations.set((int) s.getDouble("device.iterations", iterations.get()));
        timed.set(Boolean.parseBoolean(s.get("device.timed", Boolean.toString(timed.get()))));
        durationSeconds.set(s.getDouble("device.duration", durationSeconds.get()));
        perLayer.set(Boolean.parseBoolean(s.get("device.perLayer", Boolean.toString(perLayer.get()))));
        sensorRateHz.set(s.getDouble("device.sensorRate", sensorRateHz.get()));
    }

    public void save(Settings s) {
        s.put("device.threads", Integer.toString(threads.get()));
        s.put("device.affinity", affinity.get() == null ? "" : affinity.get());
        s.put("device.warmup", Integer.toString(warmup.get()));
        s.put("device.iterations", Integer.toString(iterations.get()));
        s.put("device.timed", Boolean.toString(timed.get()));
        s.putDouble("device.duration", durationSeconds.get());
        s.put("device.perLayer", Boolean.toString(perLayer.get()));
        s.putDouble("device.sensorRate", sensorRateHz.get());
    }

    /** "10 warm-up + 50 iterations, 2 threads on 4,5, per layer, sensors 50 Hz" for status lines. */
    public static String describe(RunOptions o) {
        String what = o.iterations() > 0 ? o.iterations() + " iterations"
            : String.format(Locale.ROOT, "%.0f s", o.durationSeconds());
        return o.warmup() + " warm-up + " + what + ", " + o.threads() + (o.threads() == 1 ? " thread" : " threads")
            + (o.cpus().isEmpty() ? "" : " on CPUs " + o.cpus().stream().map(String::valueOf)
                .collect(Collectors.joining(",")))
            + (o.perLayer() ? ", per layer" : "")
            + (o.sensorRateHz() > 0 ? String.format(Locale.ROOT, ", sensors %.0f Hz", o.sensorRateHz()) : ", sensors off");
    }

    public IntegerProperty threadsProperty() {
        return threads;
    }

    public StringProperty affinityProperty() {
        return affinity;
    }

    public IntegerProperty warmupProperty() {
        return warmup;
    }

    public IntegerProperty iterationsProperty() {
        return iterations;
    }

    /** True: run for {@link #durationSecondsProperty()} instead of a number of iterations. */
    public BooleanProperty timedProperty() {
        return timed;
    }

    public DoubleProperty durationSecondsProperty() {
        return durationSeconds;
    }

    public BooleanProperty perLayerProperty() {
        return perLayer;
    }

    public DoubleProperty sensorRateHzProperty() {
        return sensorRateHz;
    }
}
