package dev.edgewise.core.report;

import dev.edgewise.core.analysis.Provenance;
import dev.edgewise.core.spi.ReportWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A compact GitHub-flavoured Markdown summary for a pull-request comment: totals, the heaviest
 * layers, the category split, before/after deltas and device results when present. Strings from
 * the model or device are backslash-escaped so they can neither break a table nor inject markup.
 */
public final class MarkdownReportWriter implements ReportWriter {
    static final int TOP_LAYERS = 10;
    private static final int MAX_WARNINGS = 20;

    @Override
    public String id() {
        return "markdown";
    }

    @Override
    public String formatName() {
        return "Markdown (pull-request comment)";
    }

    @Override
    public List<String> fileExtensions() {
        return List.of("md", "markdown");
    }

    @Override
    public void write(Report report, OutputStream out) throws IOException {
        out.write(render(report).getBytes(StandardCharsets.UTF_8));
    }

    public String render(Report r) {
        StringBuilder b = new StringBuilder();
        b.append("### ").append(md(r.title())).append("\n\n");
        summary(b, r.model());
        totals(b, r.totals());
        topLayers(b, r.layers());
        categories(b, r.categories());
        if (r.optimization() != null) {
            optimization(b, r.optimization());
        }
        if (r.device() != null) {
            device(b, r.device());
        }
        warnings(b, r.warnings());
        if (!r.energyModel().isEmpty()) {
            b.append("<details><summary>Energy model</summary>\n\n").append(md(r.energyModel()))
                .append("\n\n</details>\n\n");
        }
        b.append("<sub>").append(md(r.generator())).append(", ").append(md(r.createdAt()))
            .append(". Provenance: counted = from the graph; estimated = energy model; measured = device sensor or ")
            .append("clock (named); emulated = qemu, timings not representative.</sub>\n");
        return b.toString();
    }

    private static void summary(StringBuilder b, ModelSummary m) {
        b.append("| Model | |\n|---|---|\n");
        row(b, "File", md(m.path()));
        row(b, "Format", md(m.format()) + (m.opsets().isEmpty() ? "" : " (opset " + md(m.opsetText()) + ")"));
        row(b, "Producer", m.producer().isEmpty() ? "not declared" : md(m.producer()));
        row(b, "SHA-256", m.sha256().isEmpty() ? "n/a" : "`" + m.sha256().replaceAll("[^0-9a-fA-F]", "") + "`");
        row(b, "Inputs", tensors(m.inputs()));
        row(b, "Outputs", tensors(m.outputs()));
        row(b, "Nodes", Fmt.count(m.nodeCount()));
        b.append('\n');
    }

    private static String tensors(List<ModelSummary.TensorSummary> list) {
        StringBuilder s = new StringBuilder();
        for (ModelSummary.TensorSummary t : list) {
            if (s.length() > 0) {
                s.append("; ");
            }
            s.append(md(t.name())).append(": ").append(md(t.dtype())).append(' ').append(md(t.shape()));
        }
        return s.length() == 0 ? "none" : s.toString();
    }

    private static void totals(StringBuilder b, ReportTotals t) {
        b.append("| Params | MACs | FLOPs | Weights | Peak activations | Energy / inference |\n")
            .append("|---:|---:|---:|---:|---:|---:|\n");
        b.append("| ").append(Fmt.si(t.params())).append(" | ").append(Fmt.si(t.macs())).append(" | ")
            .append(Fmt.si(t.flops())).append(" | ").append(Fmt.bytes(t.weightBytes())).append(" | ")
            .append(Fmt.bytes(t.peakActivationBytes())).append(" | ").append(Fmt.threeDigits(t.energyUj()))
            .append(" uJ |\n");
        b.append("| ").append(t.counts().shortLabel()).append(" | ").append(t.counts().shortLabel()).append(" | ")
            .append(t.counts().shortLabel()).append(" | ").append(t.counts().shortLabel()).append(" | ")
            .append(t.counts().shortLabel()).append(" | ").append(md(t.energy().shortLabel())).append(" |\n\n");
    }

    private static void topLayers(StringBuilder b, LayerTable table) {
        long total = table.rows().stream().mapToLong(LayerRow::macs).sum();
        List<LayerRow> top = table.topByMacs(TOP_LAYERS);
        if (top.isEmpty()) {
            return;
        }
        b.append("**Top ").append(top.size()).append(" of ").append(table.rows().size())
            .append(" layers by MACs** (").append(table.counts().shortLabel()).append(")\n\n")
            .append("| # | Layer | Op | MACs | Share | Params |\n|---:|---|---|---:|---:|---:|\n");
        for (LayerRow r : top) {
            b.append("| ").append(r.index()).append(" | ").append(md(r.name())).append(" | ").append(md(r.op()))
                .append(" | ").append(Fmt.si(r.macs())).append(" | ")
                .append(Fmt.percent(ReportFactory.share(r.macs(), total))).append(" | ").append(Fmt.si(r.params()))
                .append(" |\n");
        }
        b.append('\n');
    }

    private static void categories(StringBuilder b, CategoryBreakdown c) {
        b.append("| Category | Layers | Params | Params share | MACs | MACs share |\n")
            .append("|---|---:|---:|---:|---:|---:|\n");
        for (CategoryBreakdown.CategoryRow r : c.rows()) {
            b.append("| ").append(md(r.category())).append(" | ").append(r.layers()).append(" | ")
                .append(Fmt.si(r.params())).append(" | ").append(Fmt.percent(r.paramsShare())).append(" | ")
                .append(Fmt.si(r.macs())).append(" | ").append(Fmt.percent(r.macsShare())).append(" |\n");
        }
        CategoryBreakdown.ConvFcSplit s = c.convFcSplit();
        b.append("\nConv / fc / other: params ").append(Fmt.percent(s.convParamsShare())).append(" / ")
            .append(Fmt.percent(s.fcParamsShare())).append(" / ").append(Fmt.percent(s.otherParamsShare()))
            .append(", MACs ").append(Fmt.percent(s.convMacsShare())).append(" / ")
            .append(Fmt.percent(s.fcMacsShare())).append(" / ").append(Fmt.percent(s.otherMacsShare()))
            .append(" (").append(c.counts().shortLabel()).append(")\n\n");
    }

    private static void optimization(StringBuilder b, OptimizationSection o) {
        b.append("**Optimization**");
        if (!o.settings().isEmpty()) {
            b.append(": ");
            for (int i = 0; i < o.settings().size(); i++) {
                OptimizationSection.Setting s = o.settings().get(i);
                b.append(i == 0 ? "" : ", ").append(md(s.scope())).append(' ').append(md(s.key())).append('=')
                    .append(md(s.value()));
            }
        }
        b.append("\n\n| Metric | Before | After | Change | Provenance |\n|---|---:|---:|---:|---|\n");
        for (OptimizationSection.Comparison c : o.comparisons()) {
            String unit = c.unit().isEmpty() ? "" : " " + md(c.unit());
            b.append("| ").append(md(c.metric())).append(" | ").append(Fmt.threeDigits(c.before())).append(unit)
                .append(" | ").append(Fmt.threeDigits(c.after())).append(unit).append(" | ")
                .append(Fmt.signedPercent(c.deltaPercent())).append(c.regressed() ? " (worse)" : "").append(" | ")
                .append(md(c.origin().shortLabel())).append(" |\n");
        }
        if (!o.evaluation().isEmpty()) {
            b.append("\nEvaluated on ").append(md(o.evaluation())).append(".\n");
        }
        b.append('\n');
    }

    private static void device(StringBuilder b, DeviceSection d) {
        DeviceSection.DeviceInfo i = d.device();
        b.append("**Device**: ").append(md(i.model())).append(", ").append(md(i.cpu())).append(", ")
            .append(i.cores()).append(" cores, ").append(d.run().threads()).append(" threads, ")
            .append(d.run().iterations()).append(" iterations after ").append(d.run().warmup()).append(" warm-up\n\n");
        if (d.latency() != null) {
            LatencyStats l = d.latency();
            b.append("| Latency (ms) | min | mean | p50 | p90 | p99 | std |\n|---|---:|---:|---:|---:|---:|---:|\n")
                .append("| ").append(md(l.origin().shortLabel())).append(" | ").append(Fmt.dec(l.minMs(), 3))
                .append(" | ").append(Fmt.dec(l.meanMs(), 3)).append(" | ").append(Fmt.dec(l.p50Ms(), 3))
                .append(" | ").append(Fmt.dec(l.p90Ms(), 3)).append(" | ").append(Fmt.dec(l.p99Ms(), 3))
                .append(" | ").append(Fmt.dec(l.stdMs(), 3)).append(" |\n\n");
            if (l.origin().provenance() == Provenance.EMULATED) {
                b.append("Timings come from emulation and are not representative of the device.\n\n");
            }
        }
        if (d.power() != null) {
            DeviceSection.PowerSummary p = d.power();
            b.append("Power ").append(Fmt.maybe(p.averageW(), 3)).append(" W, energy ")
                .append(Fmt.maybe(p.energyPerInferenceMj(), 3)).append(" mJ / inference, ")
                .append(Fmt.maybe(p.inferencesPerSecondPerWatt(), 2)).append(" inferences/s/W (")
                .append(md(p.origin().shortLabel())).append(")\n\n");
        }
        for (DeviceSection.ThrottleFlag f : d.throttling()) {
            b.append("- Throttling (").append(md(f.kind())).append(") at ").append(Fmt.dec(f.atSeconds(), 1))
                .append(" s: ").append(md(f.detail())).append('\n');
        }
        if (!d.throttling().isEmpty()) {
            b.append('\n');
        }
    }

    private static void warnings(StringBuilder b, List<String> warnings) {
        if (warnings.isEmpty()) {
            return;
        }
        b.append("<details><summary>").append(warnings.size()).append(" warning")
            .append(warnings.size() == 1 ? "" : "s").append("</summary>\n\n");
        warnings.stream().limit(MAX_WARNINGS).forEach(w -> b.append("- ").append(md(w)).append('\n'));
        if (warnings.size() > MAX_WARNINGS) {
            b.append("- ... and ").append(warnings.size() - MAX_WARNINGS).append(" more\n");
        }
        b.append("\n</details>\n\n");
    }

    private static void row(StringBuilder b, String key, String value) {
        b.append("| ").append(key).append(" | ").append(value).append(" |\n");
    }

    /**
     * Escapes text for a Markdown table cell: line breaks become spaces and every character that
     * CommonMark or GitHub could read as markup (emphasis, links, HTML, table pipes, entities) gets
     * a backslash, which CommonMark defines for any ASCII punctuation.
     */
    static String md(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || c == '\t') {
                b.append(' ');
            } else if (Character.isISOControl(c)) {
                b.append('\uFFFD');
            } else {
                if ("\\`*_{}[]<>()#+!|~&$".indexOf(c) >= 0) {
                    b.append('\\');
                }
                b.append(c);
            }
        }
        return b.toString();
    }
}
