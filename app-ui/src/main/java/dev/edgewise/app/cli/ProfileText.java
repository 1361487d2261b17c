package dev.edgewise.app.cli;

import dev.edgewise.app.cli.ProfileRuns.Outcome;
import dev.edgewise.app.cli.ProfileRuns.Profiled;
import dev.edgewise.bridge.proto.DeviceInfo;
import dev.edgewise.bridge.session.EnergyMeasurement;
import dev.edgewise.bridge.session.RunOptions;
import dev.edgewise.bridge.session.RunProvenance;
import dev.edgewise.bridge.session.RunResult;
import dev.edgewise.bridge.session.TimingStatistics;
import dev.edgewise.bridge.transport.DeviceDescriptor;
import dev.edgewise.core.analysis.Provenance;
import dev.edgewise.core.report.DeviceSection;
import dev.edgewise.core.report.Origin;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The table form of {@code edgewise profile}: a provenance header, then per run the latency
 * statistics (each line labelled with where its numbers came from: an emulated run says so on every
 * latency line), throughput, energy, throttling, the slowest layers and the output check.
 */
final class ProfileText {
    private ProfileText() {
    }

    static String render(Outcome o, int top) {
        StringBuilder sb = new StringBuilder();
        header(sb, o.device(), o.info());
        run(sb, o.baseline(), o.device(), top);
        if (o.optimized() != null) {
            sb.append('\n');
            run(sb, o.optimized(), o.device(), top);
            sb.append('\n');
            deltas(sb, o);
        }
        if (o.interrupted()) {
            sb.append("\nInterrupted (Ctrl-C): the run was cancelled; the figures above cover what was measured before.\n");
        }
        return sb.toString();
    }

    private static void header(StringBuilder sb, DeviceDescriptor d, DeviceInfo i) {
        sb.append(kv("Device", d.id() + " - " + d.kind().label() + (d.name().equals(d.kind().label()) || d.name().equals(d.id())
            ? "" : " - " + d.name())));
        if (i != null) {
            String cpu = blank(i.getCpuModel(), "?") + ", " + i.getCores() + " cores"
                + (i.getMemoryBytes() > 0 ? ", " + HumanUnits.bytes(i.getMemoryBytes()) + " memory" : "");
            sb.append(kv("CPU", i.getEmulated() ? i.getArch() + " emulated by qemu-user on the host (" + cpu + ")"
                : cpu + ", " + i.getArch()));
            sb.append(kv("Agent", blank(i.getAgentVersion(), "?") + "; runtime " + blank(i.getRuntime(), "?")));
            sb.append(kv("Sensors", DevicesCommand.sensorSummary(i)));
        }
    }

    private static void run(StringBuilder sb, Profiled p, DeviceDescriptor d, int top) {
        RunResult r = p.result();
        RunProvenance prov = r.provenance();
        Origin timing = DeviceReport.timing(r, d);
        sb.append('\n').append(kv(capital(p.subject().role()), p.subject().source() + " ("
            + p.subject().graph().name() + ", plan sha256 " + shortHash(prov == null ? "" : prov.planSha256()) + ")"));
        sb.append(kv("Run", settings(p.options(), prov) + "; input: " + p.inputDescription()));
        sb.append(kv("Timing", prov == null ? timing.shortLabel() : prov.timingLabel()));
        sb.append(kv("Status", r.status().name().toLowerCase(Locale.ROOT)
            + r.failure().map(f -> " - " + f.kind() + ": " + f.message()).orElse("")));
        if (r.latency().isPresent()) {
            latency(sb, r.latency().get(), timing);
        } else {
            sb.append("No iteration was measured.\n");
        }
        energy(sb, p, d);
        throttling(sb, r);
        if (!r.layerMeanSeconds().isEmpty()) {
            layers(sb, p, timing, top);
        }
        if (p.check() != null) {
            sb.append('\n');
            comparison(sb, "Check", p.check());
        }
    }

    private static String settings(RunOptions o, RunProvenance prov) {
        String length = o.iterations() > 0 ? o.iterations() + " iterations" : number(o.durationSeconds()) + " s";
        String cpus = o.cpus().isEmpty() ? "no pinning" : "cpus " + o.cpus();
        String governor = prov == null || prov.governor().isBlank() ? "" : ", governor " + prov.governor();
        return o.warmup() + " warm-up + " + length + ", " + o.threads() + " thread" + (o.threads() == 1 ? "" : "s") + ", "
            + cpus + governor;
    }

    private static void latency(StringBuilder sb, TimingStatistics t, Origin timing) {
        String label = label(timing);
        TextTable table = new TextTable("latency (ms)", "min", "mean", "p50", "p90", "p99", "max", "std", "n");
        table.row(label, ms(t.min()), ms(t.mean()), ms(t.p50()), ms(t.p90()), ms(t.p99()), ms(t.max()), ms(t.std()),
            Integer.toString(t.count()));
        sb.append('\n').append(table.render(1));
        if (t.mean() > 0) {
            sb.append(kv("Throughput", String.format(Locale.ROOT, "%.1f inferences/s", 1.0 / t.mean()) + "  [" + label + "]"));
        }
    }

    private static void energy(StringBuilder sb, Profiled p, DeviceDescriptor d) {
        EnergyMeasurement e = p.result().energy().orElse(null);
        double estimateMj = p.subject().analysis().totals().energyUjEstimate() / 1e3;
        String estimate = String.format(Locale.ROOT, "energy model estimate %.4g mJ per inference [estimated]", estimateMj);
        if (e != null && e.measured()) {
            String label = label(DeviceReport.sensor(e.source(), p.result(), d));
            sb.append(kv("Energy", String.format(Locale.ROOT, "%.4g mJ per inference, %.3g W during the run (idle %.3g W),"
                + " %.3g inferences/s/W  [%s]", e.joulesPerInference() * 1e3, e.windowWatts(), e.idleWatts(),
                e.inferencesPerSecondPerWatt(), label)));
            sb.append(kv("", estimate));
        } else {
            sb.append(kv("Energy", (e == null ? "not sampled (--sensor-rate 0)" : "no power sensor") + "; " + estimate));
        }
    }

    private static void throttling(StringBuilder sb, RunResult r) {
        EnergyMeasurement e = r.energy().orElse(null);
        if (e == null) {
            sb.append(kv("Throttling", "not sampled"));
            return;
        }
        List<DeviceSection.ThrottleFlag> flags = DeviceReport.throttling(r);
        if (flags.isEmpty()) {
            sb.append(kv("Throttling", "none seen (frequency, thermal)"));
        }
        flags.forEach(f -> sb.append(kv("Throttling", f.kind() + ": " + f.detail() + " (at " + number(f.atSeconds()) + " s)")));
    }

    private static void layers(StringBuilder sb, Profiled p, Origin timing, int top) {
        List<DeviceReport.Layer> all = DeviceReport.layers(p);
        List<DeviceReport.Layer> shown = all.stream().sorted(Comparator.comparingDouble(DeviceReport.Layer::meanMs).reversed())
            .limit(Math.max(1, top)).toList();
        String label = timing.provenance() == Provenance.EMULATED ? "EMULATED" : timing.provenance().key();
        sb.append("\nSlowest layers (" + shown.size() + " of " + all.size() + ", mean per iteration):\n");
        TextTable t = new TextTable("layer", "ops", "kernel", "mean ms", "share", "timing");
        shown.forEach(l -> t.row(l.name(), l.ops(), l.kernel(), ms(l.meanMs() / 1e3),
            String.format(Locale.ROOT, "%.1f%%", 100 * l.share()), label));
        sb.append(t.render(3));
    }

    static void comparison(StringBuilder sb, String title, OutputCheck.Comparison c) {
        sb.append(title).append(" vs ").append(c.reference()).append(", ").append(c.rows()).append(" row")
            .append(c.rows() == 1 ? "" : "s").append(":\n");
        sb.append(String.format(Locale.ROOT, "  max abs error %.3g, max rel error %.3g (of max |reference|), top-1 agreement"
            + " %d/%d (%.1f%%)%n", c.maxAbsError(), c.maxRelError(), c.top1Agree(), c.rows(), 100 * c.top1Agreement()));
        if (c.correct() >= 0) {
            sb.append(String.format(Locale.ROOT, "  accuracy against the labels: %d/%d (%.2f%%)%n", c.correct(), c.rows(),
                100.0 * c.correct() / Math.max(1, c.rows())));
        }
        if (!c.unmatched().isEmpty()) {
            sb.append("  not compared: ").append(String.join(", ", c.unmatched())).append('\n');
        }
    }

    private static void deltas(StringBuilder sb, Outcome o) {
        sb.append("Baseline vs optimized (same session on ").append(o.device().id()).append("):\n");
        TextTable t = new TextTable("figure", "baseline", "optimized", "change", "relative", "from");
        for (ProfileDeltas.Delta d : ProfileDeltas.deltas(o)) {
            t.row(d.name() + " (" + d.unit() + ")", String.format(Locale.ROOT, "%.4g", d.baseline()),
                String.format(Locale.ROOT, "%.4g", d.optimized()), String.format(Locale.ROOT, "%+.4g", d.change()),
                Double.isNaN(d.relative()) ? "-" : String.format(Locale.ROOT, "%+.1f%%", 100 * d.relative()), label(d.origin()));
        }
        sb.append(t.render(1));
        if (o.agreement() != null) {
            comparison(sb, "Optimized outputs", o.agreement());
        }
    }

    /** "measured: CLOCK_MONOTONIC on local", "emulated: qemu-aarch64 -cpu cortex-a53". */
    static String label(Origin o) {
        return o.provenance() == Provenance.EMULATED ? "EMULATED, not device timing" : o.shortLabel();
    }

    private static String kv(String key, String value) {
        return String.format("%-11s %s%n", key, value);
    }

    private static String ms(double seconds) {
        double v = seconds * 1e3;
        return String.format(Locale.ROOT, v >= 100 ? "%.1f" : v >= 1 ? "%.3f" : "%.4f", v);
    }

    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3g", v);
    }

    private static String shortHash(String h) {
        return h == null || h.length() < 12 ? (h == null || h.isEmpty() ? "?" : h) : h.substring(0, 12);
    }

    private static String blank(String s, String fallback) {
        return s == null || s.isBlank() ? fallback : s;
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
