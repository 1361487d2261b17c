package dev.edgewise.app.gui.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgewise.app.gui.optimize.OptimizationRun;
import dev.edgewise.core.analysis.Analyzer;
import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.optimize.OptimizationSettings;
import dev.edgewise.core.optimize.WeightLayer;
import dev.edgewise.core.report.Origin;
import dev.edgewise.core.spi.ImportOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Baseline against optimized on the digits CNN, without a screen. */
class CompareViewModelTest {
    static Analyzer analyzer;
    static Graph graph;
    static ModelAnalysis baseline;

    @BeforeAll
    static void load() throws Exception {
        analyzer = Analyzer.withDefaults();
        graph = analyzer.importers().load(Path.of(System.getProperty("edgewise.samples", "../samples"))
            .resolve("models/digits_cnn.onnx"), ImportOptions.DEFAULT);
        baseline = analyzer.analyze(graph, DimBindings.NONE);
    }

    private static OptimizationRun.Result preview(OptimizationSettings s) throws Exception {
        return OptimizationRun.preview(graph, baseline, s, g -> analyzer.analyze(g, DimBindings.NONE));
    }

    private static CompareViewModel.Row row(CompareViewModel vm, String prefix) {
        return vm.rows().stream().filter(r -> r.metric().startsWith(prefix)).findFirst().orElseThrow();
    }

    @Test
    void showsCountedAndEstimatedFiguresWithDeltasAndEmptyMeasuredColumns() throws Exception {
        CompareViewModel vm = new CompareViewModel();
        assertThat(row(vm, "Latency").baseline()).isEqualTo(CompareViewModel.NOT_MEASURED);
        String first = WeightLayer.find(graph).get(0).name();
        OptimizationRun.Result r = preview(OptimizationSettings.none().withPrune(0.5, null, List.of(first))
            .withQuantize("int8", null));
        vm.show(r);
        var bytes = r.section().comparisons().stream().filter(c -> c.metric().startsWith("Weight bytes")).findFirst()
            .orElseThrow();
        CompareViewModel.Row weightBytes = row(vm, "Weight bytes");
        assertThat(weightBytes.delta()).contains(String.format(java.util.Locale.ROOT, "%.2fx smaller",
            bytes.before() / bytes.after()));
        assertThat(weightBytes.source()).isEqualTo("counted");
        assertThat(weightBytes.regressed()).isFalse();
        assertThat(row(vm, "Energy per inference (estimate").source()).startsWith("estimated: ");
        assertThat(row(vm, "Accuracy").optimized()).isEqualTo(CompareViewModel.NOT_EVALUATED);
        assertThat(row(vm, "Latency").optimized()).isEqualTo(CompareViewModel.NOT_MEASURED);
        assertThat(row(vm, "Energy per inference (device)").baseline()).isEqualTo(CompareViewModel.NOT_MEASURED);

        Map<String, String> changes = vm.layerChangesProperty().get();
        assertThat(changes).containsEntry(first, "int8");
        WeightLayer.find(graph).stream().skip(1).forEach(l -> assertThat(changes).containsEntry(l.name(), "pruned + int8"));
    }

    @Test
    void deviceMeasurementsFillTheirColumnsAndGoStaleWhenTheSettingsChange() throws Exception {
        CompareViewModel vm = new CompareViewModel();
        vm.show(preview(OptimizationSettings.none().withQuantize("fp16", null)));
        vm.setMeasured(CompareViewModel.Side.BASELINE, new CompareViewModel.Measured(2.0, null,
            Origin.measured("CLOCK_MONOTONIC")));
        assertThat(row(vm, "Latency").baseline()).isEqualTo("2.000 ms");
        assertThat(row(vm, "Latency").optimized()).isEqualTo(CompareViewModel.NOT_MEASURED);
        assertThat(row(vm, "Latency").delta()).isEmpty();
        vm.setMeasured(CompareViewModel.Side.OPTIMIZED, new CompareViewModel.Measured(1.5, 0.4,
            Origin.emulated("qemu-aarch64")));
        assertThat(row(vm, "Latency").delta()).isEqualTo("-25.0%");
        assertThat(row(vm, "Latency").source()).isEqualTo("baseline measured: CLOCK_MONOTONIC; optimized emulated: qemu-aarch64");
        assertThat(row(vm, "Energy per inference (device)").optimized()).isEqualTo("0.400 mJ");
        assertThat(row(vm, "Energy per inference (device)").baseline()).isEqualTo(CompareViewModel.NOT_MEASURED);

        vm.show(preview(OptimizationSettings.none().withQuantize("int8-weights", null)));
        assertThat(row(vm, "Latency").optimized()).as("a run of the previous optimized model").isEqualTo(
            CompareViewModel.NOT_MEASURED);
        assertThat(row(vm, "Latency").baseline()).isEqualTo("2.000 ms");

        var prov = new dev.edgewise.bridge.session.RunProvenance("qemu:cortex-a76", dev.edgewise.bridge.transport.DeviceKind
            .values()[0], "m", "arm64-v8a", "1", "rt", "sha", 1, List.of(), "", true, "emulated");
        var run = new dev.edgewise.bridge.session.RunResult(dev.edgewise.bridge.session.RunStatus.COMPLETED,
            java.util.Optional.empty(), java.util.Optional.of(new dev.edgewise.bridge.session.TimingStatistics(
                40, 0.001, 0.0025, 0.0024, 0.003, 0.004, 0.0002, 0.005)), List.of(), Map.of(),
            java.util.Optional.of(new dev.edgewise.bridge.session.EnergyMeasurement(false, "none", "", Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, false, false, 0)), List.of(), Map.of(), prov);
        CompareViewModel.Measured m = CompareViewModel.Measured.of(run).orElseThrow();
        assertThat(m.latencyMs()).isEqualTo(2.5);
        assertThat(m.energyMjPerInference()).as("no power sensor: no number").isNull();
        assertThat(m.origin().shortLabel()).isEqualTo("emulated: qemu:cortex-a76, mean of 40 iterations, CLOCK_MONOTONIC");

        assertThatThrownBy(() -> new CompareViewModel.Measured(1.0, null, Origin.estimated("roofline")))
            .hasMessageContaining("measured or emulated");
    }
}
