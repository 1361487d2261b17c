package dev.edgewise.app.gui.charts;

import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.viewer.chart.RooflineDevice;
import dev.edgewise.viewer.metric.LayerMetric;
import dev.edgewise.viewer.metric.LayerMetrics;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State of the charts panel: which per-layer metric the bars show, and the roofline's device,
 * whose peak compute and bandwidth are editable assumptions (edits are validated, not trusted).
 */
public final class ChartsViewModel {
    public static final List<String> BAR_METRICS = List.of(LayerMetrics.MACS, LayerMetrics.PARAMS);

    private final ObjectProperty<ModelAnalysis> analysis = new SimpleObjectProperty<>(this, "analysis");
    private final ObjectProperty<String> barMetricId = new SimpleObjectProperty<>(this, "barMetricId", LayerMetrics.MACS);
    private final ReadOnlyObjectWrapper<LayerMetric> barMetric = new ReadOnlyObjectWrapper<>(this, "barMetric");
    private final ObservableList<RooflineDevice> presets = FXCollections.observableArrayList(RooflineDevice.presets());
    private final ObjectProperty<RooflineDevice> preset = new SimpleObjectProperty<>(this, "preset", presets.get(0));
    private final ReadOnlyObjectWrapper<RooflineDevice> device = new ReadOnlyObjectWrapper<>(this, "device", presets.get(0));
    private final StringProperty peakText = new SimpleStringProperty(this, "peakText");
    private final StringProperty bandwidthText = new SimpleStringProperty(this, "bandwidthText");
    private final ReadOnlyStringWrapper deviceProblem = new ReadOnlyStringWrapper(this, "deviceProblem", "");

    public ChartsViewModel() {
        analysis.addListener((o, a, b) -> updateBarMetric());
        barMetricId.addListener((o, a, b) -> updateBarMetric());
        preset.addListener((o, a, b) -> {
            if (b != null) {
                device.set(b);
                peakText.set(format(b.peakGflops()));
                bandwidthText.set(format(b.bandwidthGBs()));
            }
        });
        peakText.set(format(preset.get().peakGflops()));
        bandwidthText.set(format(preset.get().bandwidthGBs()));
        peakText.addListener((o, a, b) -> applyEdits());
        bandwidthText.addListener((o, a, b) -> applyEdits());
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.4g", v).replaceAll("\\.?0+$", "");
    }

    private void applyEdits() {
        RooflineDevice base = preset.get();
        if (base == null) {
            return;
        }
        try {
            double peak = Double.parseDouble(peakText.get().trim());
            double bw = Double.parseDouble(bandwidthText.get().trim());
            if (!(peak > 0) || !(bw > 0) || Double.isInfinite(peak) || Double.isInfinite(bw)) {
                deviceProblem.set("Peak and bandwidth must be positive numbers");
                return;
            }
            RooflineDevice d = base;
            if (peak != base.peakGflops()) {
                d = d.withPeak(peak);
            }
            if (bw != base.bandwidthGBs()) {
                d = d.withBandwidth(bw);
            }
            deviceProblem.set("");
            device.set(d);
        } catch (NumberFormatException | NullPointerException e) {
            deviceProblem.set("Not a number: enter GFLOP/s and GB/s, e.g. 96 and 4.5");
        }
    }

    private void updateBarMetric() {
        ModelAnalysis a = analysis.get();
        if (a == null) {
            barMetric.set(null);
            return;
        }
        barMetric.set(LayerMetrics.fromAnalysis(a).stream().filter(m -> m.id().equals(barMetricId.get()))
            .findFirst().orElse(null));
    }

    public ObjectProperty<ModelAnalysis> analysisProperty() {
        return analysis;
    }

    public ObjectProperty<String> barMetricIdProperty() {
        return barMetricId;
    }

    public ReadOnlyObjectProperty<LayerMetric> barMetricProperty() {
        return barMetric.getReadOnlyProperty();
    }

    public ObservableList<RooflineDevice> presets() {
        return presets;
    }

    public ObjectProperty<RooflineDevice> presetProperty() {
        return preset;
    }

    /** The preset with the user's edits applied; what the roofline draws. */
    public ReadOnlyObjectProperty<RooflineDevice> deviceProperty() {
        return device.getReadOnlyProperty();
    }

    public StringProperty peakTextProperty() {
        return peakText;
    }

    public StringProperty bandwidthTextProperty() {
        return bandwidthText;
    }

    public ReadOnlyStringProperty deviceProblemProperty() {
        return deviceProblem.getReadOnlyProperty();
    }
}
