package dev.edgewise.app.cli;

import dev.edgewise.app.cli.ProfileRuns.Profiled;
import dev.edgewise.bridge.plan.LayerDecision;
import dev.edgewise.bridge.proto.DeviceInfo;
import dev.edgewise.bridge.session.EnergyMeasurement;
import dev.edgewise.bridge.session.RunEvent;
import dev.edgewise.bridge.session.RunProvenance;
import dev.edgewise.bridge.session.RunResult;
import dev.edgewise.bridge.transport.DeviceDescriptor;
import dev.edgewise.bridge.transport.DeviceKind;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.report.DeviceSection;
import dev.edgewise.core.report.LatencyStats;
import dev.edgewise.core.report.Origin;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each figure of a run came from, and the report's {@link DeviceSection} built from a run.
 * Timings are measured with the device's CLOCK_MONOTONIC, or emulated under qemu; sensor readings
 * under qemu are the host's, so they are labelled emulated too; energy without a sensor is the
 * energy model's estimate.
 */
final class DeviceReport {
    private DeviceReport() {
    }

    static boolean emulated(RunResult r, DeviceDescriptor d) {
        RunProvenance p = r.provenance();
        return p != null ? p.emulated() : d.kind() == DeviceKind.EMULATED;
    }

    static Origin timing(RunResult r, DeviceDescriptor d) {
        RunProvenance p = r.provenance();
        if (emulated(r, d)) {
            return Origin.emulated(p != null && !p.deviceModel().isBlank() ? p.deviceModel() : d.name());
        }
        return Origin.measured("CLOCK_MONOTONIC on " + d.id());
    }

    static Origin sensor(String source, RunResult r, DeviceDescriptor d) {
        return emulated(r, d) ? Origin.emulated("host sensor " + source + " read under qemu") : Origin.measured(source);
    }

    static Origin estimate(Profiled p) {
        return Origin.estimated(energyModel(p.subject().analysis().energyModelDescription()));
    }

    /** "energy model: Horowitz 45 nm CMOS energy table" out of the model's long self-description. */
    static String energyModel(String description) {
        int from = description.indexOf(" from the ");
        int end = description.indexOf(" [");
        String name = from >= 0 && end > from ? description.substring(from + " from the ".length(), end) : description;
        return "energy model: " + (name.length() > 80 ? name.substring(0, 80) + "..." : name);
    }

    /** Measured layer times with the model's op types of the layers folded into each plan op. */
    record Layer(String name, String ops, String kernel, double meanMs, double share) {
    }

    static List<Layer> layers(Profiled p) {
        Map<String, String> opType = new LinkedHashMap<>();
        for (Node n : p.subject().graph().nodes()) {
            opType.put(n.name(), n.opType());
        }
        Map<String, LayerDecision> decisions = new LinkedHashMap<>();
        p.subject().plan().decisions().forEach(d -> decisions.put(d.layer(), d));
        double total = p.result().layerMeanSeconds().values().stream().mapToDouble(Double::doubleValue).sum();
        List<Layer> out = new ArrayList<>();
        p.result().layerMeanSeconds().forEach((name, seconds) -> {
            LayerDecision d = decisions.get(name);
            List<String> folded = d == null ? List.of(name) : d.ops();
            List<String> types = new ArrayList<>();
            folded.forEach(l -> types.add(opType.getOrDefault(l, "?")));
            String ops = types.stream().allMatch("?"::equals) ? opType.getOrDefault(name, "view") : String.join("+", types);
            out.add(new Layer(name, ops, d == null ? "-" : d.kernel().name(), seconds * 1e3,
                total > 0 ? seconds / total : 0));
        });
        return out;
    }

    static List<Double> iterationMs(RunResult r) {
        return r.iterationSeconds().stream().map(s -> s * 1e3).toList();
    }

    static DeviceSection section(Profiled p, DeviceInfo info, DeviceDescriptor d) {
        RunResult r = p.result();
        RunProvenance prov = r.provenance();
        Origin timing = timing(r, d);
        List<Double> ms = iterationMs(r);
        List<DeviceSection.LayerTime> layerTimes = layers(p).stream()
            .map(l -> new DeviceSection.LayerTime(l.name(), l.ops(), l.meanMs(), l.share())).toList();
        String affinity = p.options().cpus().isEmpty() ? "none" : p.options().cpus().toString();
        DeviceSection.RunSettings run = new DeviceSection.RunSettings(p.options().warmup(), r.iterationSeconds().size(),
            p.options().threads(), affinity, prov == null ? "" : prov.governor(), prov == null ? info.getRuntime() : prov.runtime());
        return new DeviceSection(deviceInfo(info, d), run, ms.isEmpty() ? null : LatencyStats.of(ms, timing), ms,
            layerTimes, layerTimes.isEmpty() ? null : timing, power(p, d), traces(r, d), throttling(r));
    }

    private static DeviceSection.DeviceInfo deviceInfo(DeviceInfo i, DeviceDescriptor d) {
        String cpu = i.getCpuModel() + (i.getCpuPart().isBlank() ? "" : " (implementer " + i.getCpuImplementer()
            + ", part " + i.getCpuPart() + ")");
        return new DeviceSection.DeviceInfo(d.name(), cpu, i.getCores(), i.getHwcapsList(), i.getKernel(),
            d.kind().label() + " (" + d.id() + ")", i.getAgentVersion(), i.getSensorsList());
    }

    private static DeviceSection.PowerSummary power(Profiled p, DeviceDescriptor d) {
        EnergyMeasurement e = p.result().energy().orElse(null);
        if (e != null && e.measured()) {
            return new DeviceSection.PowerSummary(finite(e.windowWatts()), finite(e.joulesPerInference() * 1e3),
                finite(e.inferencesPerSecondPerWatt()), sensor(e.source(), p.result(), d));
        }
        double uj = p.subject().analysis().totals().energyUjEstimate();
        return new DeviceSection.PowerSummary(null, finite(uj / 1e3), null, estimate(p));
    }

    static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static List<DeviceSection.Trace> traces(RunResult r, DeviceDescriptor d) {
        Map<String, List<DeviceSection.TracePoint>> points = new LinkedHashMap<>();
        Map<String, String[]> meta = new LinkedHashMap<>();
        for (RunEvent e : r.samples()) {
            if (e instanceof RunEvent.PowerSampled s) {
                add(points, meta, "power " + s.source(), "W", s.source(), s.deviceSeconds(), s.watts());
            } else if (e instanceof RunEvent.ThermalSampled s) {
                add(points, meta, "temperature " + s.zone(), "°C", "thermal " + s.zone(), s.deviceSeconds(), s.celsius());
            } else if (e instanceof RunEvent.FrequencySampled s) {
                add(points, meta, "cpu" + s.cpu() + " frequency", "MHz", "cpufreq cpu" + s.cpu(), s.deviceSeconds(),
                    s.khz() / 1e3);
            }
        }
        List<DeviceSection.Trace> out = new ArrayList<>();
        points.forEach((name, pts) -> out.add(new DeviceSection.Trace(name, meta.get(name)[0], pts,
            sensor(meta.get(name)[1], r, d))));
        return out;
    }

    private static void add(Map<String, List<DeviceSection.TracePoint>> points, Map<String, String[]> meta, String name,
                            String unit, String source, double t, double v) {
        points.computeIfAbsent(name, k -> new ArrayList<>()).add(new DeviceSection.TracePoint(t, v));
        meta.putIfAbsent(name, new String[] {unit, source});
    }

    /** The agent's flags, with the first sample that shows them: a frequency below its earlier peak, the hottest reading. */
    static List<DeviceSection.ThrottleFlag> throttling(RunResult r) {
        EnergyMeasurement e = r.energy().orElse(null);
        List<DeviceSection.ThrottleFlag> out = new ArrayList<>();
        if (e == null) {
            return out;
        }
        if (e.frequencyThrottled()) {
            Map<Integer, Long> peak = new LinkedHashMap<>();
            double at = 0;
            String detail = "a CPU ran below its maximum frequency during the run";
            for (RunEvent ev : r.samples()) {
                if (ev instanceof RunEvent.FrequencySampled f) {
                    long max = peak.merge(f.cpu(), f.khz(), Math::max);
                    if (f.khz() < max) {
                        at = f.deviceSeconds();
                        detail = "cpu" + f.cpu() + " dropped from " + max / 1000 + " to " + f.khz() / 1000 + " MHz";
                        break;
                    }
                }
            }
            out.add(new DeviceSection.ThrottleFlag("frequency", detail, at));
        }
        if (e.thermalThrottled()) {
            RunEvent.ThermalSampled hottest = null;
            for (RunEvent ev : r.samples()) {
                if (ev instanceof RunEvent.ThermalSampled t && (hottest == null || t.celsius() > hottest.celsius())) {
                    hottest = t;
                }
            }
            out.add(new DeviceSection.ThrottleFlag("thermal", hottest == null ? "a thermal trip point was reached"
                : hottest.zone() + " reached " + hottest.celsius() + " °C", hottest == null ? 0 : hottest.deviceSeconds()));
        }
        return out;
    }
}
