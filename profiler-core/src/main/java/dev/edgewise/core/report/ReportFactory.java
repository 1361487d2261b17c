package dev.edgewise.core.report;

import dev.edgewise.core.analysis.CategoryTotals;
import dev.edgewise.core.analysis.LayerCost;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.analysis.Totals;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.ModelMetadata;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorInfo;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;

/** Builds the report model from an analysis. Optimization and device sections are added later by their owners. */
public final class ReportFactory {
    /** Category names the cost model uses for convolutions and fully-connected layers. */
    static final String CONV = "conv";
    static final String FC = "fc";
    private static final int MAX_ENERGY_NAME = 80;

    private final String generator;
    private final Clock clock;

    public ReportFactory(String generator, Clock clock) {
        this.generator = generator;
        this.clock = clock;
    }

    public static ReportFactory withDefaults() {
        Package p = ReportFactory.class.getPackage();
        String v = p == null || p.getImplementationVersion() == null ? "dev" : p.getImplementationVersion();
        return new ReportFactory("Edgewise " + v, Clock.systemUTC());
    }

    /** Builds the report of one analysis: summary, totals, categories, layers, warnings. */
    public Report fromAnalysis(ModelAnalysis analysis) {
        Origin counted = Origin.counted();
        String energyModel = ModelSummary.nonNull(analysis.energyModelDescription());
        Origin estimated = Origin.estimated(energyModelName(energyModel));
        ModelSummary summary = summary(analysis.graph());
        Totals t = analysis.totals();
        ReportTotals totals = new ReportTotals(t.params(), t.macs(), t.flops(), t.weightBytes(), t.activationBytes(),
            t.peakActivationBytes(), t.energyUjEstimate(), counted, estimated);
        List<LayerRow> rows = new ArrayList<>();
        for (LayerCost c : analysis.layers()) {
            rows.add(row(rows.size(), c));
        }
        // Import and inference warnings both matter to the reader; the graph's own come first.
        LinkedHashSet<String> warnings = new LinkedHashSet<>(analysis.graph().warnings());
        warnings.addAll(analysis.warnings());
        String title = "Edgewise report: " + (summary.name().isEmpty() ? fileName(summary.path()) : summary.name());
        return new Report(Report.CURRENT_VERSION, title, generator,
            Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString(), summary, totals,
            categories(analysis, t, counted, estimated), new LayerTable(rows, counted, estimated),
            List.copyOf(warnings), energyModel, null, null);
    }

    static ModelSummary summary(Graph g) {
        ModelMetadata m = g.metadata();
        return new ModelSummary(g.name(), m.path(), m.format(), m.producerName(), m.producerVersion(),
            m.irVersion(), m.opsets(), m.sha256(), tensors(g.inputs()), tensors(g.outputs()), g.nodes().size(),
            g.initializers().size());
    }

    private static List<ModelSummary.TensorSummary> tensors(List<TensorInfo> list) {
        return list.stream()
            .map(t -> new ModelSummary.TensorSummary(t.name(), t.dataType().displayName(), t.shape().toString()))
            .toList();
    }

    private static LayerRow row(int index, LayerCost c) {
        List<String> shapes = c.outputShapes().stream().map(Shape::toString).toList();
        return new LayerRow(index, c.name(), c.op(), c.category(), shapes, c.params(), c.macs(), c.flops(),
            c.weightBytes(), c.activationBytes(), finite(c.arithmeticIntensity()), finite(c.energyUjEstimate()),
            c.resolved(), c.note());
    }

    private static CategoryBreakdown categories(ModelAnalysis a, Totals t, Origin counted, Origin estimated) {
        List<CategoryBreakdown.CategoryRow> rows = new ArrayList<>();
        long convParams = 0;
        long fcParams = 0;
        long convMacs = 0;
        long fcMacs = 0;
        for (CategoryTotals c : a.byCategory().values()) {
            rows.add(new CategoryBreakdown.CategoryRow(c.category(), c.layers(), c.params(), c.macs(), c.flops(),
                c.weightBytes(), finite(c.energyUjEstimate()), share(c.params(), t.params()),
                share(c.macs(), t.macs())));
            String cat = c.category().toLowerCase(Locale.ROOT);
            if (cat.equals(CONV)) {
                convParams += c.params();
                convMacs += c.macs();
            } else if (cat.equals(FC)) {
                fcParams += c.params();
                fcMacs += c.macs();
            }
        }
        double cp = share(convParams, t.params());
        double fp = share(fcParams, t.params());
        double cm = share(convMacs, t.macs());
        double fm = share(fcMacs, t.macs());
        var split = new CategoryBreakdown.ConvFcSplit(cp, fp, rest(cp, fp, t.params()), cm, fm, rest(cm, fm, t.macs()));
        return new CategoryBreakdown(rows, split, counted, estimated);
    }

    /**
     * A short name for the energy model to show next to every estimated figure; the full description
     * (assumptions, sources) is long and is shown once in its own place. The name is the description's
     * first clause, up to a citation bracket or the end of the first sentence.
     */
    static String energyModelName(String description) {
        String d = description.strip();
        int end = d.length();
        for (String stop : List.of(" [", ". ", ": ", "; ", "\n")) {
            int i = d.indexOf(stop);
            if (i > 0) {
                end = Math.min(end, i);
            }
        }
        String name = d.substring(0, end).strip();
        if (name.length() > MAX_ENERGY_NAME) {
            name = name.substring(0, MAX_ENERGY_NAME - 3).strip() + "...";
        }
        return name.isEmpty() ? "energy model" : name;
    }

    static double share(long part, long whole) {
        return whole <= 0 ? 0.0 : (double) part / whole;
    }

    private static double rest(double a, double b, long whole) {
        return whole <= 0 ? 0.0 : Math.max(0.0, 1.0 - a - b);
    }

    /** JSON has no NaN or infinity; an undefined ratio (0 bytes moved) is reported as 0. */
    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0.0;
    }

    private static String fileName(String path) {
        if (path.isEmpty()) {
            return "model";
        }
        // Not Path.of: a path recorded on another OS (or a hostile one) need not be valid here.
        int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
        return path.substring(slash + 1);
    }
}
