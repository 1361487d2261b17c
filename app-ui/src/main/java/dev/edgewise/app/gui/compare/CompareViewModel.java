package dev.edgewise.app.gui.compare;

import dev.edgewise.app.gui.optimize.OptimizationRun;
import dev.edgewise.core.analysis.Provenance;
import dev.edgewise.core.optimize.LayerStats;
import dev.edgewise.core.report.OptimizationSection;
import dev.edgewise.core.report.Origin;
import dev.edgewise.viewer.format.Units;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * Baseline against optimized, side by side: the counted and estimated figures of the current
 * optimization (preview or evaluation), accuracy once evaluated, and measured latency and energy
 * once a device run fills them through {@link #setMeasured}. Also says, per layer, what the
 * optimization changed, for the graph diff. No JavaFX nodes here.
 */
public final class CompareViewModel {
    public enum Side { BASELINE, OPTIMIZED }

    /**
     * Figures of one device run. {@code origin} must be measured (naming the clock or sensor) or
     * emulated (qemu: shown, but labelled not representative). Either value may be null (e.g. a
     * device without a power sensor gives latency only).
     */
    public record Measured(Double latencyMs, Double energyMjPerInference, Origin origin) {
        public Measured {
            Objects.requireNonNull(origin, "origin of a device measurement");
            if (origin.provenance() != Provenance.MEASURED && origin.provenance() != Provenance.EMULATED) {
                throw new IllegalArgumentException("a device figure is measured or emulated, not " + origin.provenance().key());
            }
        }

        /**
         * Mean latency and (when a sensor measured it) energy per inference of a device run; empty
         * when the run timed no iteration. Emulated runs keep their label: qemu timings are not
         * representative.
         */
        public static java.util.Optional<Measured> of(dev.edgewise.bridge.session.RunResult r) {
            if (r.latency().isEmpty()) {
                return java.util.Optional.empty();
            }
            var energy = r.energy().filter(e -> e.measured() && Double.isFinite(e.joulesPerInference()));
            var p = r.provenance();
            String source = p.deviceId() + ", mean of " + r.latency().get().count() + " iterations, CLOCK_MONOTONIC"
                + energy.map(e -> "; energy: " + e.source()).orElse("");
            return java.util.Optional.of(new Measured(1000 * r.latency().get().mean(),
                energy.map(e -> 1000 * e.joulesPerInference()).orElse(null),
                p.emulated() ? Origin.emulated(source) : Origin.measured(source)));
        }
    }

    /** One line of the comparison; texts are ready to show, {@code regressed} marks a change for the worse. */
    public record Row(String metric, String baseline, String optimized, String delta, String source, boolean regressed) {
    }

    public static final String NOT_MEASURED = "not measured";
    public static final String NOT_EVALUATED = "not evaluated";

    /** Graph-diff kinds, in legend order. */
    public static final List<String> CHANGE_KINDS = List.of("pruned", "fp16", "int8", "pruned + fp16", "pruned + int8");

    private final ObservableList<Row> rows = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<Map<String, String>> layerChanges =
        new ReadOnlyObjectWrapper<>(this, "layerChanges", Map.of());
    private final ReadOnlyStringWrapper summary = new ReadOnlyStringWrapper(this, "summary", "Nothing to compare yet.");
    private final Map<Side, Measured> measured = new EnumMap<>(Side.class);
    private OptimizationRun.Result current;

    public CompareViewModel() {
        rebuild();
    }

    /** Shows an optimization: a preview (counts only) or an evaluated run (with accuracy). Null clears. */
    public void show(OptimizationRun.Result result) {
        if (current != null && result != null && !current.requested().toJson().equals(result.requested().toJson())) {
            // a measurement of the previous optimized model says nothing about this one
            measured.remove(Side.OPTIMIZED);
        }
        current = result;
        layerChanges.set(result == null ? Map.of() : changes(result.outcome().layers()));
        rebuild();
    }

    /**
     * The device panel's hook: latency and energy of the baseline or the optimized model, measured
     * (or emulated) on a device. Null clears that side. The optimized side is cleared by itself
     * when the optimization settings change.
     */
    public void setMeasured(Side side, Measured m) {
        if (m == null) {
            measured.remove(side);
        } else {
            measured.put(side, m);
        }
        rebuild();
    }

    private void rebuild() {
        List<Row> out = new ArrayList<>();
        if (current == null) {
            summary.set("Nothing to compare yet: open a model and choose settings in the Optimize panel.");
        } else {
            OptimizationSection s = current.section();
            boolean accuracy = false;
            for (OptimizationSection.Comparison c : s.comparisons()) {
                out.add(row(c));
                accuracy |= c.unit().equals("%");
            }
            if (!accuracy) {
                out.add(new Row("Accuracy", NOT_EVALUATED, NOT_EVALUATED, "", "run Evaluate in the Optimize panel", false));
            }
            summary.set(current.calibrated()
                ? "Evaluated optimization: accuracy measured with ONNX Runtime; sizes and MACs counted; energy estimated."
                : "Preview of the current settings: sizes and MACs counted, energy estimated; accuracy after Evaluate.");
        }
        out.add(measuredRow("Latency per inference", Measured::latencyMs, "ms"));
        out.add(measuredRow("Energy per inference (device)", Measured::energyMjPerInference, "mJ"));
        rows.setAll(out);
    }

    /** One comparison as shown in both panels. */
    public static Row row(OptimizationSection.Comparison c) {
        String delta;
        if (c.unit().equals("%")) {
            delta = String.format(Locale.ROOT, "%+.2f pt", c.after() - c.before());
        } else if (Double.isNaN(c.deltaPercent())) {
            delta = "";
        } else if (c.unit().equals("B") && c.after() > 0 && c.after() < c.before()) {
            delta = String.format(Locale.ROOT, "%+.1f%% (%.2fx smaller)", c.deltaPercent(), c.before() / c.after());
        } else {
            delta = String.format(Locale.ROOT, "%+.1f%%", c.deltaPercent());
        }
        boolean changed = Math.abs(c.after() - c.before()) > 1e-9 * Math.max(1, Math.abs(c.before()));
        return new Row(c.metric(), value(c.before(), c.unit()), value(c.after(), c.unit()), changed ? delta : "0",
            c.origin().shortLabel(), changed && c.regressed());
    }

    private Row measuredRow(String metric, java.util.function.Function<Measured, Double> f, String unit) {
        Measured b = measured.get(Side.BASELINE);
        Measured o = measured.get(Side.OPTIMIZED);
        Double bv = b == null ? null : f.apply(b);
        Double ov = o == null ? null : f.apply(o);
        String delta = bv != null && ov != null && bv != 0
            ? String.format(Locale.ROOT, "%+.1f%%", 100 * (ov - bv) / bv) : "";
        List<String> sources = new ArrayList<>();
        if (bv != null) {
            sources.add("baseline " + b.origin().shortLabel());
        }
        if (ov != null) {
            sources.add("optimized " + o.origin().shortLabel());
        }
        return new Row(metric, bv == null ? NOT_MEASURED : number(bv, unit), ov == null ? NOT_MEASURED : number(ov, unit),
            delta, sources.isEmpty() ? "run on a device (Device panel)" : String.join("; ", sources),
            bv != null && ov != null && ov > bv);
    }

    private static String number(double v, String unit) {
        return String.format(Locale.ROOT, "%.3f %s", v, unit);
    }

    private static String value(double v, String unit) {
        return switch (unit) {
            case "%" -> String.format(Locale.ROOT, "%.2f%%", v);
            case "B" -> String.format(Locale.ROOT, "%,.0f B", v);
            case "uJ" -> Units.microjoules(v);
            default -> String.format(Locale.ROOT, "%,.0f", v);
        };
    }

    /** What happened to each weight layer, as one of {@link #CHANGE_KINDS}; unchanged layers are absent. */
    static Map<String, String> changes(List<LayerStats> layers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (LayerStats s : layers) {
            boolean pruned = s.nonZeros() < s.params();
            String precision = s.valueBytes() == 2 ? "fp16" : s.valueBytes() == 1 ? "int8" : null;
            String kind = pruned && precision != null ? "pruned + " + precision : pruned ? "pruned" : precision;
            if (kind != null) {
                out.put(s.layer(), kind);
            }
        }
        return out;
    }

    public ObservableList<Row> rows() {
        return rows;
    }

    public ReadOnlyObjectProperty<Map<String, String>> layerChangesProperty() {
        return layerChanges.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty summaryProperty() {
        return summary.getReadOnlyProperty();
    }

    public Measured measured(Side side) {
        return measured.get(side);
    }
}
