package dev.edgewise.app.gui;

import dev.edgewise.app.gui.prefs.RecentFiles;
import dev.edgewise.app.gui.task.TaskRunner;
import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.analysis.LayerCost;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.report.ReportService;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.viewer.detail.LayerDetails;
import dev.edgewise.viewer.detail.WeightStats;
import dev.edgewise.viewer.format.Units;
import dev.edgewise.viewer.graph.ElkGraphLayouter;
import dev.edgewise.viewer.graph.GraphLayout;
import dev.edgewise.viewer.graph.GraphModel;
import dev.edgewise.viewer.metric.LayerMetric;
import dev.edgewise.viewer.metric.LayerMetrics;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State and logic of the main window: the open model (graph, layout, analysis), the selected
 * layer and its details, search, the colouring metric, recent files and messages. Everything slow
 * goes through the {@link TaskRunner}; callbacks arrive on the UI thread. No JavaFX nodes here.
 */
public final class MainViewModel {
    /** One entry of the "colour by" choice; a null metric means colour by category. */
    public record ColorChoice(String label, LayerMetric metric) {
        @Override
        public String toString() {
            return label;
        }
    }

    /** Weight statistics of the selected layer: not applicable, loading, ready, or failed. */
    public record WeightStatsState(Status status, List<WeightStats> stats, String error) {
        public enum Status { NONE, LOADING, READY, FAILED }

        static final WeightStatsState NONE = new WeightStatsState(Status.NONE, List.of(), "");
    }

    public static final ColorChoice BY_CATEGORY = new ColorChoice("Category", null);

    private final ModelService service;
    private final TaskRunner runner;
    private final RecentFiles recentFiles;
    private final ElkGraphLayouter layouter = new ElkGraphLayouter();

    private final ReadOnlyObjectWrapper<Path> modelFile = new ReadOnlyObjectWrapper<>(this, "modelFile");
    private final ReadOnlyObjectWrapper<Graph> graph = new ReadOnlyObjectWrapper<>(this, "graph");
    private final ReadOnlyObjectWrapper<GraphLayout> graphLayout = new ReadOnlyObjectWrapper<>(this, "graphLayout");
    private final ReadOnlyObjectWrapper<ModelAnalysis> analysis = new ReadOnlyObjectWrapper<>(this, "analysis");
    private final ReadOnlyObjectWrapper<Map<String, String>> categories =
        new ReadOnlyObjectWrapper<>(this, "categories", Map.of());
    private final ObservableList<ColorChoice> colorChoices = FXCollections.observableArrayList(BY_CATEGORY);
    private final ObjectProperty<ColorChoice> colorChoice = new SimpleObjectProperty<>(this, "colorChoice", BY_CATEGORY);
    private final ObjectProperty<String> selectedLayer = new SimpleObjectProperty<>(this, "selectedLayer");
    private final ReadOnlyObjectWrapper<LayerDetails> selectedDetails = new ReadOnlyObjectWrapper<>(this, "details");
    private final ReadOnlyObjectWrapper<WeightStatsState> weightStats =
        new ReadOnlyObjectWrapper<>(this, "weightStats", WeightStatsState.NONE);
    private final StringProperty searchText = new SimpleStringProperty(this, "searchText", "");
    private final ReadOnlyObjectWrapper<List<String>> searchMatches =
        new ReadOnlyObjectWrapper<>(this, "searchMatches", List.of());
    private final IntegerProperty searchPosition = new SimpleIntegerProperty(this, "searchPosition", -1);
    private final ReadOnlyStringWrapper searchStatus = new ReadOnlyStringWrapper(this, "searchStatus", "");
    private final ReadOnlyStringWrapper loadedSummary = new ReadOnlyStringWrapper(this, "loadedSummary", "No model");
    private final ObservableList<String> messages = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<String> lastError = new ReadOnlyObjectWrapper<>(this, "lastError");
    private final ObservableList<Path> recent = FXCollections.observableArrayList();

    private final ReadOnlyObjectWrapper<DimBindings> dimBindings =
        new ReadOnlyObjectWrapper<>(this, "dimBindings", DimBindings.NONE);
    private final Map<String, LayerCost> costByName = new HashMap<>();
    /** Metrics offered by other panels (measured latency, ...), kept across re-analysis of the same model. */
    private final Map<String, LayerMetric> offeredMetrics = new java.util.LinkedHashMap<>();
    private TaskRunner.Handle openHandle;
    private TaskRunner.Handle statsHandle;
    private long openGeneration;

    public MainViewModel(ModelService service, TaskRunner runner, RecentFiles recentFiles) {
        this.service = service;
        this.runner = runner;
        this.recentFiles = recentFiles;
        recent.setAll(recentFiles.list());
        selectedLayer.addListener((o, a, b) -> updateDetails());
        searchText.addListener((o, a, b) -> updateSearch());
    }

    // ---- opening ----------------------------------------------------------------------------

    /**
     * Imports and lays out the file, then analyses it. The graph appears as soon as it is laid
     * out; the numbers follow. Opening another file cancels the one in progress.
     */
    public void open(Path file) {
        if (openHandle != null) {
            openHandle.cancel();
        }
        long generation = ++openGeneration;
        String name = file.getFileName().toString();
        openHandle = runner.submit("Opening " + name, progress -> {
            progress.update("Reading " + name, 0.1);
            Graph g = service.load(file);
            if (progress.cancelled()) {
                throw new CancellationException();
            }
            progress.update("Laying out " + g.nodes().size() + " layers of " + name, 0.4);
            GraphLayout layout = layouter.layout(GraphModel.fromGraph(g));
            return new Loaded(g, layout);
        }, loaded -> {
            if (generation == openGeneration) {
                showLoaded(file, loaded);
                analyze(file, loaded.graph(), generation);
            }
        }, error -> {
            if (generation == openGeneration) {
                report("Could not open " + file + ": " + messageOf(error), true);
                recent.setAll(recentFiles.list());
            }
        });
    }

    private record Loaded(Graph graph, GraphLayout layout) {
    }

    private void showLoaded(Path file, Loaded loaded) {
        if (!file.equals(modelFile.get())) {
            // symbol names belong to one model; reopening the same file keeps them
            dimBindings.set(DimBindings.NONE);
        }
        modelFile.set(file);
        analysis.set(null);
        costByName.clear();
        offeredMetrics.clear();
        categories.set(Map.of());
        colorChoices.setAll(BY_CATEGORY);
        colorChoice.set(BY_CATEGORY);
        selectedLayer.set(null);
        graph.set(loaded.graph());
        graphLayout.set(loaded.layout());
        recent.setAll(recentFiles.add(file));
        loadedSummary.set(file.getFileName() + " · " + loaded.graph().nodes().size() + " layers · analysing…");
        updateSearch();
        loaded.graph().warnings().forEach(w -> report(file.getFileName() + ": " + w, false));
    }

    private void analyze(Path file, Graph g, long generation) {
        DimBindings dims = dimBindings.get();
        openHandle = runner.submit("Analysing " + file.getFileName(), progress -> {
            progress.update("Inferring shapes and counting costs of " + file.getFileName(), -1);
            return service.analyze(g, dims);
        }, a -> {
            if (generation == openGeneration) {
                showAnalysis(file, a);
            }
        }, error -> {
            if (generation == openGeneration) {
                loadedSummary.set(file.getFileName() + " · " + g.nodes().size() + " layers · no analysis");
                report("Analysis of " + file.getFileName() + " failed: " + messageOf(error)
                    + " (the graph is shown without numbers)", true);
            }
        });
    }

    /** Shows an analysis directly (used after opening, and by tools that analyse elsewhere). */
    public void showAnalysis(Path file, ModelAnalysis a) {
        costByName.clear();
        Map<String, String> cats = new HashMap<>();
        for (LayerCost c : a.layers()) {
            costByName.put(c.name(), c);
            cats.put(c.name(), c.category());
        }
        categories.set(Map.copyOf(cats));
        analysis.set(a);
        List<ColorChoice> choices = new ArrayList<>();
        choices.add(BY_CATEGORY);
        for (LayerMetric m : LayerMetrics.fromAnalysis(a)) {
            choices.add(new ColorChoice(m.label(), m));
        }
        offeredMetrics.values().forEach(m -> choices.add(offeredChoice(m)));
        ColorChoice previous = colorChoice.get();
        colorChoices.setAll(choices);
        colorChoice.set(choices.stream().filter(c -> c.label().equals(previous.label())).findFirst()
            .orElse(BY_CATEGORY));
        long unresolved = a.layers().stream().filter(c -> !c.resolved()).count();
        Map<String, Long> bound = dimBindings.get().symbols();
        loadedSummary.set(String.format(Locale.ROOT, "%s · %d layers · %s params · %s MACs (counted)%s%s",
            file == null ? a.graph().name() : file.getFileName(), a.layers().size(), Units.count(a.totals().params()),
            Units.count(a.totals().macs()), unresolved > 0 ? " · " + unresolved + " layers not counted" : "",
            bound.isEmpty() ? "" : " · " + new java.util.TreeMap<>(bound)));
        a.warnings().forEach(w -> report(w, false));
        updateDetails();
    }

    /** Analyses another graph (e.g. an optimized one) the way the open model was analysed; blocks. */
    public ModelAnalysis analyzeGraph(Graph g) throws dev.edgewise.core.ir.EdgewiseException {
        return service.analyze(g, dimBindings.get());
    }

    // ---- symbolic dimensions ----------------------------------------------------------------

    /** Symbolic dimensions of the open model's inputs (batch_size, sequence_length...), in input order. */
    public List<String> symbolicDims() {
        Graph g = graph.get();
        Set<String> names = new LinkedHashSet<>();
        if (g != null) {
            for (var input : g.inputs()) {
                if (input.shape().hasRank()) {
                    input.shape().dims().stream().filter(d -> d.isSymbolic()).forEach(d -> names.add(d.symbolName()));
                }
            }
        }
        return List.copyOf(names);
    }

    /**
     * Binds symbolic dimensions (as {@code --dim NAME=VALUE} does) and analyses the model again.
     * Blank values leave a symbol unbound. Returns the problem with the input, or null when applied.
     */
    public String bindDims(Map<String, String> values) {
        Map<String, Long> bound = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            String v = e.getValue() == null ? "" : e.getValue().trim();
            if (v.isEmpty()) {
                continue;
            }
            try {
                long n = Long.parseLong(v);
                if (n <= 0) {
                    return e.getKey() + " = " + v + ": a dimension must be at least 1";
                }
                bound.put(e.getKey(), n);
            } catch (NumberFormatException ex) {
                return e.getKey() + " = " + v + ": not a whole number";
            }
        }
        Graph g = graph.get();
        Path file = modelFile.get();
        if (g == null) {
            return "open a model first";
        }
        dimBindings.set(new DimBindings(bound, Map.of()));
        analysis.set(null);
        loadedSummary.set(file.getFileName() + " · " + g.nodes().size() + " layers · analysing with "
            + (bound.isEmpty() ? "no bindings" : bound) + "…");
        if (openHandle != null) {
            openHandle.cancel();
        }
        analyze(file, g, ++openGeneration);
        return null;
    }

    public ReadOnlyObjectProperty<DimBindings> dimBindingsProperty() {
        return dimBindings.getReadOnlyProperty();
    }

    /**
     * Adds (or replaces, by id) a per-layer metric produced elsewhere, e.g. the latency measured on a
     * device, to the "colour by" choices of the current model; {@code select} makes it the colouring.
     */
    public void offerMetric(LayerMetric metric, boolean select) {
        offeredMetrics.put(metric.id(), metric);
        ColorChoice choice = offeredChoice(metric);
        ColorChoice selected = colorChoice.get();
        boolean wasSelected = selected != null && selected.metric() != null && selected.metric().id().equals(metric.id());
        colorChoices.removeIf(c -> c.metric() != null && c.metric().id().equals(metric.id()));
        colorChoices.add(choice);
        if (select || wasSelected) {
            colorChoice.set(choice);
        }
    }

    /** "Latency (emulated)": offered metrics come from runs, so the choice says how they were obtained. */
    private static ColorChoice offeredChoice(LayerMetric m) {
        return new ColorChoice(m.label() + " (" + m.provenance().key() + ")", m);
    }

    /** Shows a graph that is already laid out (tests and tools). */
    public void showGraph(Path file, Graph g, GraphLayout layout) {
        showLoaded(file, new Loaded(g, layout));
    }

    /** Copies the bundled sample to the cache folder (background I/O) and opens it. */
    public void openSample(BundledSamples samples) {
        Optional<String> name = samples.defaultSample();
        if (name.isEmpty()) {
            report("No bundled sample model: none of " + BundledSamples.PREFERRED + " is in the samples jar ("
                + BundledSamples.RESOURCE_FOLDER + ")", true);
            return;
        }
        runner.submit("Preparing sample " + name.get(), p -> samples.extract(name.get()), this::open,
            error -> report("Could not prepare the bundled sample " + name.get() + ": " + messageOf(error), true));
    }

    public void cancelOpen() {
        if (openHandle != null) {
            openHandle.cancel();
        }
    }

    // ---- selection and details --------------------------------------------------------------

    private void updateDetails() {
        if (statsHandle != null) {
            statsHandle.cancel();
            statsHandle = null;
        }
        String layer = selectedLayer.get();
        Graph g = detailGraph();
        Optional<Node> node = layer == null || g == null ? Optional.empty() : g.node(layer);
        if (node.isEmpty()) {
            selectedDetails.set(null);
            weightStats.set(WeightStatsState.NONE);
            return;
        }
        ModelAnalysis a = analysis.get();
        LayerDetails d = LayerDetails.of(g, node.get(), costByName.get(layer),
            a == null ? "" : a.energyModelDescription());
        selectedDetails.set(d);
        List<TensorData> weights = d.weightTensors().stream().map(g::initializer).toList();
        if (weights.isEmpty()) {
            weightStats.set(WeightStatsState.NONE);
            return;
        }
        weightStats.set(new WeightStatsState(WeightStatsState.Status.LOADING, List.of(), ""));
        statsHandle = runner.submit("Weight statistics of " + layer, progress -> {
            List<WeightStats> out = new ArrayList<>();
            for (TensorData t : weights) {
                if (progress.cancelled()) {
                    throw new CancellationException();
                }
                progress.update("Reading weights " + t.name(), out.size() / (double) weights.size());
                out.add(WeightStats.of(t));
            }
            return out;
        }, stats -> {
            if (layer.equals(selectedLayer.get())) {
                weightStats.set(new WeightStatsState(WeightStatsState.Status.READY, List.copyOf(stats), ""));
            }
        }, error -> {
            if (layer.equals(selectedLayer.get())) {
                weightStats.set(new WeightStatsState(WeightStatsState.Status.FAILED, List.of(),
                    "Could not read the weights of " + layer + ": " + messageOf(error)));
            }
        });
    }

    /** The analysed graph carries inferred shapes; before analysis the imported one is all there is. */
    private Graph detailGraph() {
        ModelAnalysis a = analysis.get();
        return a != null ? a.graph() : graph.get();
    }

    // ---- search -----------------------------------------------------------------------------

    private void updateSearch() {
        String q = searchText.get() == null ? "" : searchText.get().trim().toLowerCase(Locale.ROOT);
        Graph g = graph.get();
        if (q.isEmpty() || g == null) {
            searchMatches.set(List.of());
            searchPosition.set(-1);
            searchStatus.set("");
            return;
        }
        List<String> matches = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (n.name().toLowerCase(Locale.ROOT).contains(q) || n.opType().toLowerCase(Locale.ROOT).contains(q)) {
                matches.add(n.name());
            }
        }
        searchMatches.set(List.copyOf(matches));
        searchPosition.set(-1);
        searchStatus.set(matches.isEmpty() ? "no match" : matches.size() + (matches.size() == 1 ? " match" : " matches"));
    }

    /** Selects the next (or previous) match, wrapping around. */
    public void searchStep(int direction) {
        List<String> m = searchMatches.get();
        if (m.isEmpty()) {
            return;
        }
        int next = Math.floorMod(searchPosition.get() + (searchPosition.get() < 0 && direction < 0 ? 0 : direction),
            m.size());
        searchPosition.set(next);
        searchStatus.set((next + 1) + " of " + m.size());
        selectedLayer.set(m.get(next));
    }

    public Set<String> searchMatchSet() {
        return new LinkedHashSet<>(searchMatches.get());
    }

    // ---- messages ---------------------------------------------------------------------------

    private void report(String message, boolean error) {
        messages.add(message);
        if (messages.size() > 200) {
            messages.remove(0);
        }
        if (error) {
            lastError.set(message);
        }
    }

    public void clearError() {
        lastError.set(null);
    }

    static String messageOf(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getMessage() == null) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null || m.isBlank() ? root.getClass().getSimpleName() : m;
    }

    // ---- properties -------------------------------------------------------------------------

    public List<ModelFormats.Filter> openFilters() {
        return ModelFormats.filters(service.importers());
    }

    public ReadOnlyObjectProperty<Path> modelFileProperty() {
        return modelFile.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Graph> graphProperty() {
        return graph.getReadOnlyProperty();
    }

    /**
     * Writes a report of the current analysis in the background; the format follows the file's
     * extension (html, pdf, md, csv, json), as with {@code edgewise analyze --report}.
     */
    public void exportReport(Path target, Consumer<Path> onWritten, Consumer<Throwable> onFailure) {
        ModelAnalysis current = analysis.get();
        if (current == null) {
            onFailure.accept(new IllegalStateException("there is no analysis to export: open a model first"));
            return;
        }
        runner.submit("Writing report " + target.getFileName(), progress -> {
            ReportService reports = ReportService.withDefaults();
            return reports.write(reports.fromAnalysis(current), target);
        }, onWritten, onFailure);
    }

    public ReadOnlyObjectProperty<GraphLayout> graphLayoutProperty() {
        return graphLayout.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<ModelAnalysis> analysisProperty() {
        return analysis.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Map<String, String>> categoriesProperty() {
        return categories.getReadOnlyProperty();
    }

    public ObservableList<ColorChoice> colorChoices() {
        return colorChoices;
    }

    public ObjectProperty<ColorChoice> colorChoiceProperty() {
        return colorChoice;
    }

    public ObjectProperty<String> selectedLayerProperty() {
        return selectedLayer;
    }

    public ReadOnlyObjectProperty<LayerDetails> selectedDetailsProperty() {
        return selectedDetails.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<WeightStatsState> weightStatsProperty() {
        return weightStats.getReadOnlyProperty();
    }

    public StringProperty searchTextProperty() {
        return searchText;
    }

    public ReadOnlyObjectProperty<List<String>> searchMatchesProperty() {
        return searchMatches.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty searchStatusProperty() {
        return searchStatus.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty loadedSummaryProperty() {
        return loadedSummary.getReadOnlyProperty();
    }

    public ObservableList<String> messages() {
        return messages;
    }

    public ReadOnlyObjectProperty<String> lastErrorProperty() {
        return lastError.getReadOnlyProperty();
    }

    public ObservableList<Path> recentFiles() {
        return recent;
    }
}
