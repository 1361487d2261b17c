package dev.edgewise.app.gui.device;

import dev.edgewise.bridge.session.EnergyMeasurement;
import dev.edgewise.bridge.session.RunEvent;
import dev.edgewise.bridge.session.RunProvenance;
import dev.edgewise.bridge.session.RunResult;
import dev.edgewise.bridge.session.RunStatus;
import dev.edgewise.bridge.session.TimingStatistics;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.analysis.Provenance;
import dev.edgewise.viewer.format.Units;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A finished run as the Results section shows it: every figure in a row with the label of where it
 * came from (measured on the device with the clock or sensor named, emulated, or estimated by the
 * energy model). Built from the session's {@link RunResult}; no JavaFX.
 *
 * @param headline   "Completed 50 iterations on local", "Cancelled after 12 iterations ...", "Failed ..."
 * @param provenance MEASURED, or EMULATED for qemu runs
 * @param timingLabel the session's account of the clock ("measured on ... (CLOCK_MONOTONIC)", "emulated ...")
 */
public record RunSummary(String headline, RunStatus status, Provenance provenance, String timingLabel,
                         List<Row> statistics, List<Row> energy, List<String> throttling, List<Row> origin) {
    /** One figure: what it is, its value, where it came from, and optionally more about that (a tooltip). */
    public record Row(String name, String value, String label, String note) {
        public Row(String name, String value, String label) {
            this(name, value, label, "");
        }
    }

    public RunSummary {
        statistics = List.copyOf(statistics);
        energy = List.copyOf(energy);
        throttling = List.copyOf(throttling);
        origin = List.copyOf(origin);
    }

    /** The clock the agent times iterations with (bridge-protocol.md). */
    public static final String CLOCK = "CLOCK_MONOTONIC";

    public static RunSummary of(RunResult r, ModelAnalysis analysis) {
        RunProvenance p = r.provenance();
        Provenance prov = p.emulated() ? Provenance.EMULATED : Provenance.MEASURED;
        return new RunSummary(headline(r), r.status(), prov, p.timingLabel(), statistics(r, prov), energy(r, analysis),
            throttling(r), origin(p));
    }

    private static String headline(RunResult r) {
        int n = r.iterationSeconds().size();
        String device = r.provenance().deviceId();
        String iterations = n + (n == 1 ? " iteration" : " iterations");
        return switch (r.status()) {
            case COMPLETED -> "Completed " + iterations + " on " + device;
            case CANCELLED -> "Cancelled on " + device + " after " + iterations
                + (n > 0 ? " (statistics from those)" : "");
            case FAILED -> "Failed on " + device + " after " + iterations
                + r.failure().map(f -> ": " + f.message()).orElse("");
        };
    }

    /** The badge text of a timing: "measured · CLOCK_MONOTONIC" or "emulated". */
    public static String timingBadge(Provenance p) {
        return p == Provenance.EMULATED ? "emulated (qemu)" : "measured · " + CLOCK;
    }

    private static List<Row> statistics(RunResult r, Provenance prov) {
        if (r.latency().isEmpty()) {
            return List.of();
        }
        TimingStatistics s = r.latency().get();
        String where = r.status() == RunStatus.COMPLETED ? "" : " · host, from the iterations before the end";
        String label = timingBadge(prov) + where;
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("iterations", Integer.toString(s.count()), label));
        rows.add(ms("min", s.min(), label));
        rows.add(ms("mean", s.mean(), label));
        rows.add(ms("p50", s.p50(), label));
        rows.add(ms("p90", s.p90(), label));
        rows.add(ms("p99", s.p99(), label));
        rows.add(ms("max", s.max(), label));
        rows.add(ms("std", s.std(), label));
        return rows;
    }

    private static Row ms(String name, double seconds, String label) {
        return new Row(name, Units.millis(seconds * 1000), label);
    }

    private static List<Row> energy(RunResult r, ModelAnalysis analysis) {
        List<Row> rows = new ArrayList<>();
        EnergyMeasurement e = r.energy().orElse(null);
        if (e != null && e.measured()) {
            String label = "measured · " + e.source();
            rows.add(new Row("energy per inference", Units.microjoules(e.joulesPerInference() * 1e6), label));
            rows.add(new Row("power while running", watts(e.windowWatts()), label));
            rows.add(new Row("idle power", watts(e.idleWatts()), label));
            rows.add(new Row("inferences/s per W", Units.threeDigits(e.inferencesPerSecondPerWatt()), label));
            rows.add(new Row("method", e.method() + " (" + e.samples() + " samples)", label));
        } else {
            String why = r.energy().isEmpty() ? "sensor sampling was off" : "no power sensor on " + r.provenance().deviceId();
            rows.add(new Row("energy per inference", "not measured", why));
        }
        if (analysis != null && analysis.totals().energyUjEstimate() > 0) {
            rows.add(new Row("energy estimate per inference", Units.microjoules(analysis.totals().energyUjEstimate()),
                "estimated · energy model", analysis.energyModelDescription() == null ? ""
                    : analysis.energyModelDescription()));
        }
        return rows;
    }

    private static String watts(double w) {
        return Double.isNaN(w) ? "—" : Units.threeDigits(w) + " W";
    }

    private static List<String> throttling(RunResult r) {
        boolean frequencySampled = r.samples().stream().anyMatch(s -> s instanceof RunEvent.FrequencySampled);
        boolean thermalSampled = r.samples().stream().anyMatch(s -> s instanceof RunEvent.ThermalSampled);
        EnergyMeasurement e = r.energy().orElse(null);
        List<String> out = new ArrayList<>();
        if (e != null && e.frequencyThrottled()) {
            out.add("CPU frequency dropped below its maximum before the run: throttled");
        } else if (frequencySampled && e != null) {
            out.add("CPU frequency: no drop seen");
        } else {
            out.add("CPU frequency: not known (no cpufreq readings)");
        }
        if (e != null && e.thermalThrottled()) {
            out.add("A thermal trip point was reached during the run");
        } else if (thermalSampled && e != null) {
            out.add("Temperature: no trip point reached");
        } else {
            out.add("Temperature: not known (no thermal zone readings)");
        }
        return out;
    }

    private static List<Row> origin(RunProvenance p) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("device", p.deviceId(), p.kind().label()));
        rows.add(new Row("device model", blank(p.deviceModel()), "reported by the agent"));
        rows.add(new Row("ABI", blank(p.abi()), ""));
        rows.add(new Row("agent version", blank(p.agentVersion()), ""));
        rows.add(new Row("runtime", blank(p.runtime()), ""));
        rows.add(new Row("plan SHA-256", p.planSha256().length() > 16 ? p.planSha256().substring(0, 16) + "…"
            : blank(p.planSha256()), p.planSha256()));
        rows.add(new Row("threads", Integer.toString(p.threads()), ""));
        rows.add(new Row("CPU affinity", p.cpus().isEmpty() ? "not pinned"
            : p.cpus().stream().map(String::valueOf).collect(Collectors.joining(",")), ""));
        rows.add(new Row("governor", p.governor().isEmpty() ? "— (no cpufreq)" : p.governor(), ""));
        return rows;
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? "—" : s;
    }

    /** One line for the status bar: "mean 1.23 ms over 50 iterations (emulated)". */
    public String oneLine() {
        String mean = statistics.stream().filter(r -> r.name().equals("mean")).map(Row::value).findFirst().orElse(null);
        String tail = provenance == Provenance.EMULATED ? " (emulated)" : " (measured)";
        return String.format(Locale.ROOT, "%s%s", headline, mean == null ? "" : " · mean " + mean + tail);
    }
}
