package dev.edgewise.core.report;

import dev.edgewise.core.analysis.Provenance;
import java.util.List;
import org.jsoup.nodes.Element;

/** The optional HTML sections: optimization before/after and device results. */
final class HtmlExtraSections {
    private HtmlExtraSections() {
    }

    static void optimization(Element body, OptimizationSection o) {
        Element s = Html.section(body, "optimization", "Optimization");
        if (!o.settings().isEmpty()) {
            s.appendElement("h3").text("Settings");
            Element t = Html.table(s, "data", List.of("Scope", "Setting", "Value"));
            o.settings().forEach(x -> Html.row(t, List.of(x.scope(), x.key(), x.value())));
        }
        s.appendElement("h3").text("Before and after");
        Element t = Html.table(s, "figures compare", List.of("Metric", "Before", "After", "Change", "Change %",
            "Provenance"));
        for (OptimizationSection.Comparison c : o.comparisons()) {
            String unit = c.unit().isEmpty() ? "" : " " + c.unit();
            Element tr = Html.row(t, List.of(c.metric(), Fmt.threeDigits(c.before()) + unit,
                Fmt.threeDigits(c.after()) + unit, (c.delta() >= 0 ? "+" : "") + Fmt.threeDigits(c.delta()) + unit,
                Fmt.signedPercent(c.deltaPercent())));
            Html.numeric(tr, 1);
            Html.badge(tr.appendElement("td"), c.origin());
            tr.addClass(c.regressed() ? "worse" : "better");
        }
        if (!o.evaluation().isEmpty()) {
            Html.para(s, "Accuracy evaluated on " + o.evaluation() + ".");
        }
        if (!o.layers().isEmpty()) {
            s.appendElement("h3").text("Per layer");
            Element lt = Html.table(s, "data", List.of("Layer", "Op", "Change", "Params before", "Params after",
                "MACs before", "MACs after", "SQNR (dB)", "Max abs error"));
            for (OptimizationSection.LayerChange c : o.layers()) {
                Element tr = Html.row(lt, List.of(c.layer(), c.op(), c.change(), Fmt.count(c.paramsBefore()),
                    Fmt.count(c.paramsAfter()), Fmt.count(c.macsBefore()), Fmt.count(c.macsAfter()),
                    Fmt.maybe(c.sqnrDb(), 2), c.maxAbsError() == null ? "n/a" : Fmt.threeDigits(c.maxAbsError())));
                Html.numeric(tr, 3);
            }
            HtmlReportDocument.provenanceRow(lt, 3, 4, Origin.counted(), o.layerErrorOrigin());
        }
    }

    static void device(Element body, DeviceSection d) {
        Element s = Html.section(body, "device", "Device results");
        deviceInfo(s, d);
        if (d.latency() != null) {
            latency(s, d);
        }
        if (d.power() != null) {
            DeviceSection.PowerSummary p = d.power();
            s.appendElement("h3").text("Power and energy");
            Element t = Html.table(s, "figures power", List.of("Figure", "Value", "Provenance"));
            powerRow(t, "Average power", Fmt.maybe(p.averageW(), 3) + " W", p.origin());
            powerRow(t, "Energy per inference", Fmt.maybe(p.energyPerInferenceMj(), 3) + " mJ", p.origin());
            powerRow(t, "Inferences per second per watt", Fmt.maybe(p.inferencesPerSecondPerWatt(), 2), p.origin());
        }
        for (DeviceSection.Trace tr : d.traces()) {
            if (tr.points().isEmpty()) {
                continue;
            }
            double[] xs = tr.points().stream().mapToDouble(DeviceSection.TracePoint::seconds).toArray();
            double[] ys = tr.points().stream().mapToDouble(DeviceSection.TracePoint::value).toArray();
            Html.figure(s, SvgCharts.line(tr.name() + " over time", xs, ys, "seconds", tr.unit(), SvgCharts.PALETTE[2]),
                tr.name() + " (" + tr.unit() + "), " + tr.origin().shortLabel() + ".");
        }
        throttling(s, d.throttling());
        layerTimes(s, d);
    }

    private static void powerRow(Element table, String name, String value, Origin origin) {
        Element tr = Html.row(table, List.of(name, value));
        Html.numeric(tr, 1);
        Html.badge(tr.appendElement("td"), origin);
    }

    private static void deviceInfo(Element s, DeviceSection d) {
        DeviceSection.DeviceInfo i = d.device();
        DeviceSection.RunSettings run = d.run();
        Element t = Html.table(s, "kv", List.of("Property", "Value"));
        Html.keyValue(t, "Device", i.model());
        Html.keyValue(t, "CPU", i.cpu() + " (" + i.cores() + " cores)");
        Html.keyValue(t, "CPU features", String.join(", ", i.cpuFeatures()));
        Html.keyValue(t, "OS", i.os());
        Html.keyValue(t, "Transport", i.transport());
        Html.keyValue(t, "Agent", i.agentVersion());
        Html.keyValue(t, "Sensors", i.sensors().isEmpty() ? "none found" : String.join(", ", i.sensors()));
        Html.keyValue(t, "Run", run.warmup() + " warm-up + " + run.iterations() + " iterations, " + run.threads()
            + " threads" + (run.affinity().isEmpty() ? "" : ", affinity " + run.affinity())
            + (run.governor().isEmpty() ? "" : ", governor " + run.governor()));
        Html.keyValue(t, "Runtime", run.runtimeVersion());
    }

    private static void latency(Element s, DeviceSection d) {
        LatencyStats l = d.latency();
        s.appendElement("h3").text("Latency");
        if (l.origin().provenance() == Provenance.EMULATED) {
            Html.para(s, "These timings come from emulation and do not represent the device.").addClass("caution");
        }
        Element t = Html.table(s, "data latency", List.of("Samples", "Min (ms)", "Mean (ms)", "p50 (ms)",
            "p90 (ms)", "p99 (ms)", "Max (ms)", "Std (ms)", "Provenance"));
        Element tr = Html.row(t, List.of(Integer.toString(l.samples()), Fmt.dec(l.minMs(), 3), Fmt.dec(l.meanMs(), 3),
            Fmt.dec(l.p50Ms(), 3), Fmt.dec(l.p90Ms(), 3), Fmt.dec(l.p99Ms(), 3), Fmt.dec(l.maxMs(), 3),
            Fmt.dec(l.stdMs(), 3)));
        Html.numeric(tr, 0);
        Html.badge(tr.appendElement("td"), l.origin());
        if (!d.iterationMs().isEmpty()) {
            double[] xs = new double[d.iterationMs().size()];
            double[] ys = new double[xs.length];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = i + 1;
                ys[i] = d.iterationMs().get(i);
            }
            Html.figure(s, SvgCharts.line("Latency per iteration", xs, ys, "iteration", "ms", SvgCharts.PALETTE[0]),
                "Latency of each measured iteration (" + l.origin().shortLabel() + ").");
        }
    }

    private static void throttling(Element s, List<DeviceSection.ThrottleFlag> flags) {
        s.appendElement("h3").text("Throttling");
        if (flags.isEmpty()) {
            Html.para(s, "No throttling observed.");
            return;
        }
        Element t = Html.table(s, "data throttling", List.of("At (s)", "Kind", "Detail"));
        flags.forEach(f -> Html.row(t, List.of(Fmt.dec(f.atSeconds(), 1), f.kind(), f.detail())));
    }

    private static void layerTimes(Element s, DeviceSection d) {
        if (d.layerTimes().isEmpty()) {
            return;
        }
        s.appendElement("h3").text("Time per layer");
        int n = Math.min(HtmlReportDocument.CHART_LAYERS, d.layerTimes().size());
        List<SvgCharts.Bar> bars = d.layerTimes().stream()
            .sorted((a, b) -> Double.compare(b.meanMs(), a.meanMs())).limit(n)
            .map(x -> new SvgCharts.Bar(x.layer(), x.meanMs(), Fmt.dec(x.meanMs(), 3) + " ms")).toList();
        Html.figure(s, SvgCharts.bars("Mean time per layer (top " + n + " of " + d.layerTimes().size() + ")", bars,
            SvgCharts.PALETTE[3]), "Per-layer time (" + d.layerTimesOrigin().shortLabel() + ").");
        Element t = Html.table(s, "data layer-times", List.of("Layer", "Op", "Mean (ms)", "Share"));
        for (DeviceSection.LayerTime x : d.layerTimes()) {
            Html.numeric(Html.row(t, List.of(x.layer(), x.op(), Fmt.dec(x.meanMs(), 3), Fmt.percent(x.share()))), 2);
        }
        Element thead = t.selectFirst("thead");
        Element pr = thead.appendElement("tr").addClass("prov-row");
        pr.appendElement("th");
        pr.appendElement("th");
        Html.badge(pr.appendElement("th"), d.layerTimesOrigin());
        Html.badge(pr.appendElement("th"), d.layerTimesOrigin());
    }
}
