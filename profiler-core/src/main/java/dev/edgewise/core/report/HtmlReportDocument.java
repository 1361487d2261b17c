package dev.edgewise.core.report;

import dev.edgewise.core.analysis.Provenance;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.DocumentType;
import org.jsoup.nodes.Element;

/**
 * The report as one self-contained HTML document (inline CSS and SVG, no script, no external
 * resource). The same document feeds the HTML writer and, converted to a W3C DOM, the PDF writer.
 */
final class HtmlReportDocument {
    /** Bar charts show at most this many layers; the table below them lists all. */
    static final int CHART_LAYERS = 25;
    private static final String CSS = loadCss();

    private HtmlReportDocument() {
    }

    static Document build(Report r) {
        Document doc = Document.createShell("");
        doc.outputSettings().charset(StandardCharsets.UTF_8).prettyPrint(false);
        doc.prependChild(new DocumentType("html", "", ""));
        doc.selectFirst("html").attr("lang", "en");
        Element head = doc.head();
        head.appendElement("meta").attr("charset", "utf-8");
        head.appendElement("meta").attr("name", "generator").attr("content", r.generator());
        head.appendElement("title").text(r.title());
        head.appendElement("style").appendChild(new DataNode(CSS));
        Element body = doc.body();
        header(body, r);
        legend(body);
        summary(body, r.model());
        totals(body, r.totals(), r.energyModel());
        categories(body, r.categories());
        layers(body, r.layers());
        if (r.optimization() != null) {
            HtmlExtraSections.optimization(body, r.optimization());
        }
        if (r.device() != null) {
            HtmlExtraSections.device(body, r.device());
        }
        warnings(body, r.warnings());
        return doc;
    }

    private static void header(Element body, Report r) {
        Element h = body.appendElement("header");
        h.appendElement("h1").text(r.title());
        Html.para(h, r.generator() + " | " + r.createdAt() + " | report version " + r.reportVersion())
            .addClass("meta");
    }

    private static void legend(Element body) {
        Element s = Html.section(body, "provenance", "How to read the figures");
        Element ul = s.appendElement("ul").addClass("legend");
        for (Provenance p : Provenance.values()) {
            Element li = ul.appendElement("li");
            li.appendElement("span").addClass("prov").addClass("prov-" + p.key()).text(p.key());
            li.appendText(" " + p.label());
        }
        Html.para(s, "Each figure, table column or chart names its provenance; a measured figure names its sensor "
            + "or clock.").addClass("note");
    }

    private static void summary(Element body, ModelSummary m) {
        Element s = Html.section(body, "model", "Model");
        Element t = Html.table(s, "kv", List.of("Property", "Value"));
        Html.keyValue(t, "Name", m.name());
        Html.keyValue(t, "File", m.path());
        Html.keyValue(t, "Format", m.format() + (m.irVersion() > 0 ? " (IR version " + m.irVersion() + ")" : ""));
        Html.keyValue(t, "Producer", m.producer().isEmpty() ? "not declared" : m.producer());
        Html.keyValue(t, "Opsets", m.opsetText().isEmpty() ? "none declared" : m.opsetText());
        Html.keyValue(t, "SHA-256", m.sha256().isEmpty() ? "not computed" : m.sha256());
        Html.keyValue(t, "Nodes", Fmt.count(m.nodeCount()));
        Html.keyValue(t, "Initializers", Fmt.count(m.initializerCount()));
        Element io = Html.table(s, "io", List.of("Direction", "Tensor", "Type", "Shape"));
        m.inputs().forEach(x -> Html.row(io, List.of("input", x.name(), x.dtype(), x.shape())));
        m.outputs().forEach(x -> Html.row(io, List.of("output", x.name(), x.dtype(), x.shape())));
    }

    private static void totals(Element body, ReportTotals t, String energyModel) {
        Element s = Html.section(body, "totals", "Totals");
        Element table = Html.table(s, "figures", List.of("Figure", "Value", "Exact", "Provenance"));
        figure(table, "Parameters", Fmt.si(t.params()), Fmt.count(t.params()), t.counts());
        figure(table, "MACs", Fmt.si(t.macs()), Fmt.count(t.macs()), t.counts());
        figure(table, "FLOPs", Fmt.si(t.flops()), Fmt.count(t.flops()), t.counts());
        figure(table, "Weight bytes", Fmt.bytes(t.weightBytes()), Fmt.count(t.weightBytes()), t.counts());
        figure(table, "Activation bytes (sum)", Fmt.bytes(t.activationBytes()), Fmt.count(t.activationBytes()),
            t.counts());
        figure(table, "Peak live activations", Fmt.bytes(t.peakActivationBytes()),
            Fmt.count(t.peakActivationBytes()), t.counts());
        figure(table, "Energy per inference", Fmt.threeDigits(t.energyUj()) + " uJ", Fmt.dec(t.energyUj(), 3) + " uJ",
            t.energy());
        if (!energyModel.isEmpty()) {
            Element p = s.appendElement("p").id("energy-model").addClass("note");
            p.appendElement("strong").text("Energy model: ");
            p.appendText(energyModel);
        }
    }

    static void figure(Element table, String name, String value, String exact, Origin origin) {
        Element tr = Html.row(table, List.of(name, value, exact));
        Html.numeric(tr, 1);
        Html.badge(tr.appendElement("td"), origin);
    }

    private static void categories(Element body, CategoryBreakdown c) {
        Element s = Html.section(body, "categories", "Where the parameters and MACs are");
        Element t = Html.table(s, "data", List.of("Category", "Layers", "Params", "Params share", "MACs",
            "MACs share", "FLOPs", "Weight bytes", "Energy (uJ)"));
        for (CategoryBreakdown.CategoryRow r : c.rows()) {
            Element tr = Html.row(t, List.of(r.category(), Integer.toString(r.layers()), Fmt.count(r.params()),
                Fmt.percent(r.paramsShare()), Fmt.count(r.macs()), Fmt.percent(r.macsShare()), Fmt.count(r.flops()),
                Fmt.count(r.weightBytes()), Fmt.dec(r.energyUj(), 3)));
            Html.numeric(tr, 1);
        }
        provenanceRow(t, 1, 7, c.counts(), c.energy());
        CategoryBreakdown.ConvFcSplit sp = c.convFcSplit();
        Html.para(s, "Conv / fc / other: params " + Fmt.percent(sp.convParamsShare()) + " / "
            + Fmt.percent(sp.fcParamsShare()) + " / " + Fmt.percent(sp.otherParamsShare()) + "; MACs "
            + Fmt.percent(sp.convMacsShare()) + " / " + Fmt.percent(sp.fcMacsShare()) + " / "
            + Fmt.percent(sp.otherMacsShare()) + ".").addClass("split");
        List<SvgCharts.Segment> params = new ArrayList<>();
        List<SvgCharts.Segment> macs = new ArrayList<>();
        for (CategoryBreakdown.CategoryRow r : c.rows()) {
            params.add(new SvgCharts.Segment(r.category(), r.paramsShare()));
            macs.add(new SvgCharts.Segment(r.category(), r.macsShare()));
        }
        if (!c.rows().isEmpty()) {
            Html.figure(s, SvgCharts.stackedShares("Share per category", List.of("params", "MACs"),
                List.of(params, macs)), "Category split of params and MACs (" + c.counts().shortLabel() + ").");
        }
    }

    /**
     * A second header row naming the provenance of each column: the first {@code labelColumns} are
     * labels, the next {@code countedColumns} are counted, the rest estimated.
     */
    static void provenanceRow(Element table, int labelColumns, int countedColumns, Origin counted, Origin estimated) {
        Element thead = table.selectFirst("thead");
        int total = thead.selectFirst("tr").childrenSize();
        Element tr = thead.appendElement("tr").addClass("prov-row");
        for (int i = 0; i < total; i++) {
            Element th = tr.appendElement("th");
            if (i >= labelColumns) {
                Html.badge(th, i < labelColumns + countedColumns ? counted : estimated);
            }
        }
    }

    private static void layers(Element body, LayerTable table) {
        Element s = Html.section(body, "layers", "Layers");
        List<LayerRow> byMacs = table.topByMacs(CHART_LAYERS);
        if (!byMacs.isEmpty()) {
            Html.figure(s, SvgCharts.bars(chartTitle("MACs", byMacs.size(), table),
                byMacs.stream().map(r -> new SvgCharts.Bar(r.name(), r.macs(), Fmt.si(r.macs()))).toList(),
                SvgCharts.PALETTE[0]), "MACs of the heaviest layers (" + table.counts().shortLabel() + ").");
        }
        List<LayerRow> byParams = table.topByParams(CHART_LAYERS);
        if (!byParams.isEmpty()) {
            Html.figure(s, SvgCharts.bars(chartTitle("Parameters", byParams.size(), table),
                byParams.stream().map(r -> new SvgCharts.Bar(r.name(), r.params(), Fmt.si(r.params()))).toList(),
                SvgCharts.PALETTE[1]), "Parameters of the largest layers (" + table.counts().shortLabel() + ").");
        }
        Element t = Html.table(s, "data layers", List.of("#", "Layer", "Op", "Category", "Output shapes", "Params",
            "MACs", "FLOPs", "Weight bytes", "Activation bytes", "Intensity (FLOP/B)", "Energy (uJ)"));
        for (LayerRow r : table.rows()) {
            Element tr = Html.row(t, List.of(Integer.toString(r.index()), r.name(), r.op(), r.category(),
                r.outputShapesText(), Fmt.count(r.params()), Fmt.count(r.macs()), Fmt.count(r.flops()),
                Fmt.count(r.weightBytes()), Fmt.count(r.activationBytes()), Fmt.dec(r.arithmeticIntensity(), 2),
                Fmt.dec(r.energyUj(), 3)));
            Html.numeric(tr, 5);
            if (!r.resolved()) {
                tr.addClass("unresolved").attr("title", r.note());
                tr.child(1).appendElement("div").addClass("note").text(r.note());
            }
        }
        provenanceRow(t, 5, 6, table.counts(), table.energy());
    }

    private static String chartTitle(String what, int shown, LayerTable table) {
        return what + " per layer (the " + shown + " largest of " + table.rows().size() + " layers)";
    }

    private static void warnings(Element body, List<String> warnings) {
        Element s = Html.section(body, "warnings", "Warnings (" + warnings.size() + ")");
        if (warnings.isEmpty()) {
            Html.para(s, "None.");
            return;
        }
        Element ul = s.appendElement("ul");
        warnings.forEach(w -> ul.appendElement("li").text(w));
    }

    private static String loadCss() {
        try (InputStream in = HtmlReportDocument.class.getResourceAsStream("report.css")) {
            if (in == null) {
                throw new IllegalStateException("resource dev/edgewise/core/report/report.css missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read report.css", e);
        }
    }
}
