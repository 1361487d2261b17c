package dev.edgewise.app.gui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.app.gui.fixtures.DirectRunner;
import dev.edgewise.app.gui.fixtures.FixtureService;
import dev.edgewise.app.gui.fixtures.Models;
import dev.edgewise.app.gui.prefs.RecentFiles;
import dev.edgewise.app.gui.prefs.Settings;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.spi.ModelImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The main view model without a screen: a synchronous runner, real ONNX files, fixture costs. */
class MainViewModelTest {
    @TempDir
    static Path dir;
    static Models.Built model;
    static Path file;

    private final DirectRunner runner = new DirectRunner();
    private final Settings settings = Settings.inMemory();

    @BeforeAll
    static void writeModel() throws Exception {
        model = Models.resnetTiny();
        file = FixtureService.writeModel(model, dir);
    }

    private MainViewModel vm(ModelService service) {
        return new MainViewModel(service, runner, new RecentFiles(settings, 5));
    }

    @Test
    void openingImportsLaysOutAndAnalysesInTheBackground() {
        MainViewModel vm = vm(new FixtureService(model.analysis()));
        vm.open(file);
        assertThat(runner.titles).containsExactly("Opening resnet_tiny.onnx", "Analysing resnet_tiny.onnx");
        assertThat(vm.graphProperty().get().nodes()).hasSize(model.graph().nodes().size());
        assertThat(vm.graphLayoutProperty().get().model().size()).isEqualTo(model.graph().nodes().size() + 2);
        assertThat(vm.analysisProperty().get().layers()).hasSize(52);
        assertThat(vm.loadedSummaryProperty().get())
            .isEqualTo("resnet_tiny.onnx · 52 layers · 177 K params · 26.8 M MACs (counted)");
        assertThat(vm.categoriesProperty().get()).containsEntry("conv1", "conv").containsEntry("fc52", "fc");
        assertThat(vm.colorChoices()).extracting(MainViewModel.ColorChoice::label)
            .containsExactly("Category", "MACs", "Parameters", "FLOPs", "Activation bytes", "Weight bytes",
                "Energy estimate");
        assertThat(vm.recentFiles()).containsExactly(file.toAbsolutePath());
        assertThat(vm.lastErrorProperty().get()).isNull();
    }

    @Test
    void selectingALayerShowsItsDetailsAndComputesWeightStatistics() {
        MainViewModel vm = vm(new FixtureService(model.analysis()));
        vm.open(file);
        vm.selectedLayerProperty().set("conv1");
        var d = vm.selectedDetailsProperty().get();
        assertThat(d.op()).isEqualTo("Conv");
        assertThat(d.inputs().get(0).shape()).isEqualTo("1x3x32x32");
        assertThat(d.figures()).filteredOn(f -> f.label().equals("MACs")).singleElement()
            .satisfies(f -> assertThat(f.exact()).isEqualTo(Long.toString(16L * 32 * 32 * 3 * 3 * 3)));
        var stats = vm.weightStatsProperty().get();
        assertThat(stats.status()).isEqualTo(MainViewModel.WeightStatsState.Status.READY);
        assertThat(stats.stats()).extracting(s -> s.tensor()).containsExactly("conv1.weight", "conv1.bias");
        var w = stats.stats().get(0);
        assertThat(w.count()).isEqualTo(16 * 3 * 3 * 3);
        // fixture weights are N(0, sqrt(2/27)): the sample statistics must be near that
        assertThat(w.std()).isBetween(0.2, 0.35);
        assertThat(w.sparsity()).isZero();

        vm.selectedLayerProperty().set("relu3");
        assertThat(vm.weightStatsProperty().get().status()).isEqualTo(MainViewModel.WeightStatsState.Status.NONE);
        vm.selectedLayerProperty().set(null);
        assertThat(vm.selectedDetailsProperty().get()).isNull();
    }

    @Test
    void searchMatchesNameOrOpTypeAndStepsThroughMatchesWrapping() {
        MainViewModel vm = vm(new FixtureService(model.analysis()));
        vm.open(file);
        vm.searchTextProperty().set("ADD");
        List<String> adds = vm.searchMatchesProperty().get();
        assertThat(adds).hasSize(6).allSatisfy(n -> assertThat(n).startsWith("add"));
        assertThat(vm.searchStatusProperty().get()).isEqualTo("6 matches");
        vm.searchStep(1);
        assertThat(vm.selectedLayerProperty().get()).isEqualTo(adds.get(0));
        assertThat(vm.searchStatusProperty().get()).isEqualTo("1 of 6");
        vm.searchStep(-1);
        assertThat(vm.selectedLayerProperty().get()).isEqualTo(adds.get(5));
        vm.searchTextProperty().set("relu3");
        assertThat(vm.searchMatchesProperty().get()).contains("relu3");
        vm.searchTextProperty().set("no such thing");
        assertThat(vm.searchStatusProperty().get()).isEqualTo("no match");
    }

    @Test
    void aMissingFileIsReportedWithItsPathAndLeavesTheCurrentModel() {
        MainViewModel vm = vm(new FixtureService(model.analysis()));
        vm.open(file);
        Path missing = dir.resolve("nope.onnx");
        vm.open(missing);
        assertThat(vm.lastErrorProperty().get()).contains(missing.toString()).contains("no such file");
        assertThat(vm.modelFileProperty().get()).isEqualTo(file);
        assertThat(vm.recentFiles()).doesNotContain(missing.toAbsolutePath());
    }

    @Test
    void aFailedAnalysisKeepsTheGraphAndSaysWhy() {
        FixtureService real = new FixtureService(model.analysis());
        MainViewModel vm = vm(new ModelService() {
            @Override
            public Graph load(Path f) throws EdgewiseException {
                return real.load(f);
            }

            @Override
            public ModelAnalysis analyze(Graph graph) {
                throw new UnsupportedOperationException("cost model not implemented yet");
            }

            @Override
            public List<ModelImporter> importers() {
                return real.importers();
            }
        });
        vm.open(file);
        assertThat(vm.graphLayoutProperty().get()).isNotNull();
        assertThat(vm.analysisProperty().get()).isNull();
        assertThat(vm.lastErrorProperty().get()).isEqualTo("Analysis of resnet_tiny.onnx failed: "
            + "cost model not implemented yet (the graph is shown without numbers)");
        assertThat(vm.loadedSummaryProperty().get()).endsWith("no analysis");
        vm.selectedLayerProperty().set("conv1");
        assertThat(vm.selectedDetailsProperty().get().figures()).isEmpty();
    }

    @Test
    void aBundledSampleGoesThroughTheRealImporterAndCostModel() {
        Path sample = Path.of(System.getProperty("edgewise.samples", "../samples"), "models", "resnet_tiny.onnx");
        MainViewModel vm = vm(ModelService.standard());
        vm.open(sample);
        assertThat(vm.lastErrorProperty().get()).isNull();
        ModelAnalysis a = vm.analysisProperty().get();
        assertThat(a.layers()).hasSize(vm.graphProperty().get().nodes().size());
        assertThat(a.layers()).allSatisfy(c -> assertThat(c.resolved()).as(c.name()).isTrue());
        assertThat(vm.loadedSummaryProperty().get()).startsWith("resnet_tiny.onnx · " + a.layers().size() + " layers");
        String firstConv = a.layers().stream().filter(c -> c.op().equals("Conv")).findFirst().orElseThrow().name();
        vm.selectedLayerProperty().set(firstConv);
        assertThat(vm.weightStatsProperty().get().status()).isEqualTo(MainViewModel.WeightStatsState.Status.READY);
        assertThat(vm.weightStatsProperty().get().stats().get(0).count()).isEqualTo(a.layers().stream()
            .filter(c -> c.name().equals(firstConv)).findFirst().orElseThrow().params()
            - vm.weightStatsProperty().get().stats().stream().skip(1).mapToLong(s -> s.count()).sum());
    }

    @Test
    void exportsAReportOfTheCurrentAnalysisInTheChosenFormat() throws Exception {
        Path sample = Path.of(System.getProperty("edgewise.samples", "../samples"), "models", "digits_cnn.onnx");
        MainViewModel vm = vm(ModelService.standard());
        java.util.List<Throwable> failures = new java.util.ArrayList<>();
        vm.exportReport(dir.resolve("none.html"), p -> { }, failures::add);
        assertThat(failures).singleElement().satisfies(t -> assertThat(t).hasMessageContaining("open a model first"));
        vm.open(sample);
        ModelAnalysis a = vm.analysisProperty().get();
        Path html = dir.resolve("digits-report.html");
        Path md = dir.resolve("digits-report.md");
        vm.exportReport(html, p -> { }, failures::add);
        vm.exportReport(md, p -> { }, failures::add);
        assertThat(failures).hasSize(1);
        assertThat(runner.titles).contains("Writing report digits-report.html", "Writing report digits-report.md");
        String firstConv = a.layers().stream().filter(c -> c.op().equals("Conv")).findFirst().orElseThrow().name();
        assertThat(java.nio.file.Files.readString(html)).contains("<html", firstConv, a.graph().metadata().sha256());
        assertThat(java.nio.file.Files.readString(md)).contains("digits\\_cnn", a.graph().metadata().sha256());
        vm.exportReport(dir.resolve("digits.docx"), p -> { }, failures::add);
        assertThat(failures).hasSize(2);
        assertThat(failures.get(1)).hasMessageContaining("digits.docx");
    }

    @Test
    void openFiltersComeFromTheInstalledImporters() {
        MainViewModel vm = vm(new FixtureService(model.analysis()));
        assertThat(vm.openFilters().get(0).patterns()).contains("*.onnx");
        assertThat(vm.openFilters()).last().satisfies(f -> assertThat(f.label()).isEqualTo("All files"));
    }

    @Test
    void recentFilesSurviveANewViewModelWithTheSameSettings() throws Exception {
        Path other = Files.copy(file, dir.resolve("copy.onnx"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        MainViewModel first = vm(new FixtureService(model.analysis()));
        first.open(file);
        first.open(other);
        MainViewModel second = vm(new FixtureService(model.analysis()));
        assertThat(second.recentFiles()).containsExactly(other.toAbsolutePath(), file.toAbsolutePath());
    }
}
