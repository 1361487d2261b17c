package dev.edgewise.app.gui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.app.gui.fixtures.DirectRunner;
import dev.edgewise.app.gui.prefs.RecentFiles;
import dev.edgewise.app.gui.prefs.Settings;
import dev.edgewise.core.analysis.Analyzer;
import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.analysis.LayerCost;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.spi.ImportOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Binding symbolic dimensions from the GUI analyses the model again, as --dim does on the command line. */
class DimBindingTest {
    static final Path TRANSFORMER = Path.of(System.getProperty("edgewise.samples", "../samples"))
        .resolve("models/transformer_tiny.onnx");

    @Test
    void bindingTheTransformersDimensionsResolvesEveryLayerLikeTheCommandLine() throws Exception {
        MainViewModel vm = new MainViewModel(ModelService.standard(), new DirectRunner(),
            new RecentFiles(Settings.inMemory(), 5));
        vm.open(TRANSFORMER);
        assertThat(vm.symbolicDims()).isNotEmpty();
        long unresolved = vm.analysisProperty().get().layers().stream().filter(c -> !c.resolved()).count();
        assertThat(unresolved).as("layers not counted without bindings").isPositive();

        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Long> asLongs = new LinkedHashMap<>();
        for (String s : vm.symbolicDims()) {
            values.put(s, "2");
            asLongs.put(s, 2L);
        }
        assertThat(vm.bindDims(values)).isNull();
        ModelAnalysis bound = vm.analysisProperty().get();
        assertThat(bound.layers()).allSatisfy(c -> assertThat(c.resolved()).as(c.name()).isTrue());
        Analyzer analyzer = Analyzer.withDefaults();
        ModelAnalysis cli = analyzer.analyze(analyzer.importers().load(TRANSFORMER, ImportOptions.DEFAULT),
            new DimBindings(asLongs, Map.of()));
        assertThat(bound.totals()).isEqualTo(cli.totals());
        assertThat(bound.layers()).extracting(LayerCost::macs).containsExactlyElementsOf(
            cli.layers().stream().map(LayerCost::macs).toList());
        assertThat(vm.loadedSummaryProperty().get()).contains(asLongs.keySet().iterator().next() + "=2");

        values.put(vm.symbolicDims().get(0), "two");
        assertThat(vm.bindDims(values)).isEqualTo(vm.symbolicDims().get(0) + " = two: not a whole number");
        values.put(vm.symbolicDims().get(0), "0");
        assertThat(vm.bindDims(values)).endsWith("a dimension must be at least 1");
        assertThat(vm.analysisProperty().get()).isSameAs(bound);
    }
}
