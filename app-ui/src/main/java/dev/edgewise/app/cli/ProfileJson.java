package dev.edgewise.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgewise.app.cli.ProfileRuns.Outcome;
import dev.edgewise.app.cli.ProfileRuns.Profiled;
import dev.edgewise.bridge.proto.DeviceInfo;
import dev.edgewise.bridge.session.EnergyMeasurement;
import dev.edgewise.bridge.session.RunEvent;
import dev.edgewise.bridge.session.RunOptions;
import dev.edgewise.bridge.session.RunProvenance;
import dev.edgewise.bridge.session.RunResult;
import dev.edgewise.bridge.session.TimingStatistics;
import dev.edgewise.bridge.transport.DeviceDescriptor;
import dev.edgewise.core.report.DeviceSection;
import dev.edgewise.core.report.Origin;
import java.util.List;
import java.util.Locale;

/**
 * The JSON of {@code edgewise profile --format json} (schema "edgewise-profile/1"; keys snake_case,
 * sorted, never renamed). Every figure is an object {value, unit, label, source}: label is
 * measured, emulated or estimated, source the clock, sensor, emulator or model behind it. Series
 * (iteration times, sensor samples) carry one label for the whole list.
 */
final class ProfileJson {
    static final String SCHEMA = "edgewise-profile/1";
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper SORTED = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private ProfileJson() {
    }

    static ObjectNode object() {
        return F.objectNode();
    }

    /** Serialised through plain maps so that every object's keys come out sorted. */
    static String toSortedString(ObjectNode root) {
        try {
            return SORTED.writeValueAsString(SORTED.convertValue(root, Object.class)) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise JSON", e);
        }
    }

    static String render(Outcome o) {
        ObjectNode root = object();
        root.put("schema", SCHEMA);
        root.put("edgewise_version", EdgewiseCommand.version());
        ObjectNode dev = root.putObject("device");
        descriptor(dev, o.device());
        dev.set("info", deviceInfo(o.info()));
        root.put("interrupted", o.interrupted());
        ArrayNode failures = root.putArray("failures");
        o.failures().forEach(failures::add);
        root.set("baseline", run(o.baseline(), o.device()));
        if (o.optimized() != null) {
            root.set("optimized", run(o.optimized(), o.device()));
            root.set("deltas", ProfileDeltas.json(o));
        }
        return toSortedString(root);
    }

    static void descriptor(ObjectNode n, DeviceDescriptor d) {
        n.put("id", d.id());
        n.put("kind", d.kind().name().toLowerCase(Locale.ROOT));
        n.put("kind_label", d.kind().label());
        n.put("name", d.name());
        n.put("abi", d.abi());
    }

    static ObjectNode deviceInfo(DeviceInfo i) {
        ObjectNode n = object();
        if (i == null) {
            return n;
        }
        n.put("agent_version", i.getAgentVersion());
        n.put("arch", i.getArch());
        n.put("cpu_model", i.getCpuModel());
        n.put("cpu_implementer", i.getCpuImplementer());
        n.put("cpu_part", i.getCpuPart());
        n.put("cores", i.getCores());
        n.put("memory_bytes", i.getMemoryBytes());
        n.put("kernel", i.getKernel());
        n.put("runtime", i.getRuntime());
        n.put("emulated", i.getEmulated());
        ArrayNode caps = n.putArray("hwcaps");
        i.getHwcapsList().forEach(caps::add);
        ArrayNode clusters = n.putArray("clusters");
        i.getClustersList().forEach(c -> {
            ObjectNode cn = clusters.addObject().put("min_khz", c.getMinKhz()).put("max_khz", c.getMaxKhz()).put("part", c.getPart());
            ArrayNode cpus = cn.putArray("cpus");
            c.getCpusList().forEach(cpus::add);
        });
        ArrayNode sensors = n.putArray("sensors");
        i.getSensorListList().forEach(s -> sensors.addObject().put("kind", s.getKind()).put("name", s.getName())
            .put("path", s.getPath()).put("governor", s.getGovernor()));
        return n;
    }

    /** {value, unit, label, source}; a non-finite value is written as null. */
    static ObjectNode figure(double value, String unit, Origin origin) {
        ObjectNode n = object();
        if (Double.isFinite(value)) {
            n.put("value", value);
        } else {
            n.putNull("value");
        }
        n.put("unit", unit);
        n.put("label", origin.provenance().key());
        n.put("source", origin.source());
        return n;
    }

    private static ObjectNode run(Profiled p, DeviceDescriptor d) {
        RunResult r = p.result();
        Origin timing = DeviceReport.timing(r, d);
        ObjectNode n = object();
        n.put("role", p.subject().role());
        ObjectNode m = n.putObject("model");
        m.put("file", p.subject().source());
        m.put("name", p.subject().graph().name());
        m.put("sha256", p.subject().graph().metadata().sha256());
        n.put("status", r.status().name().toLowerCase(Locale.ROOT));
        if (r.failure().isPresent()) {
            RunEvent.Failed f = r.failure().get();
            n.putObject("failure").put("kind", f.kind().name()).put("message", f.message()).put("fatal", f.fatal());
        } else {
            n.putNull("failure");
        }
        n.set("settings", settings(p.options(), p.inputDescription()));
        n.set("provenance", provenance(r.provenance()));
        n.put("timing_label", r.provenance() == null ? timing.shortLabel() : r.provenance().timingLabel());
        r.latency().ifPresent(t -> n.set("latency_ms", latency(t, timing)));
        if (r.latency().isPresent() && r.latency().get().mean() > 0) {
            n.set("throughput", figure(1.0 / r.latency().get().mean(), "inferences/s", timing));
        }
        n.set("iterations_ms", series(DeviceReport.iterationMs(r), "ms", timing));
        n.set("layers", layers(p, timing));
        n.set("energy", energy(p, d));
        n.set("throttling", throttling(r));
        n.set("samples", samples(r, d));
        if (p.check() != null) {
            n.set("check", comparison(p.check(), timing));
        }
        return n;
    }

    private static ObjectNode settings(RunOptions o, String input) {
        ObjectNode n = object();
        n.put("warmup", o.warmup());
        n.put("iterations", o.iterations());
        n.put("duration_s", o.durationSeconds());
        n.put("threads", o.threads());
        ArrayNode cpus = n.putArray("cpus");
        o.cpus().forEach(cpus::add);
        n.put("per_layer", o.perLayer());
        n.put("sensor_rate_hz", o.sensorRateHz());
        n.put("input", input);
        return n;
    }

    private static ObjectNode provenance(RunProvenance p) {
        ObjectNode n = object();
        if (p == null) {
            return n;
        }
        n.put("device_id", p.deviceId());
        n.put("kind", p.kind() == null ? "" : p.kind().name().toLowerCase(Locale.ROOT));
        n.put("device_model", p.deviceModel());
        n.put("abi", p.abi());
        n.put("agent_version", p.agentVersion());
        n.put("runtime", p.runtime());
        n.put("plan_sha256", p.planSha256());
        n.put("threads", p.threads());
        ArrayNode cpus = n.putArray("cpus");
        p.cpus().forEach(cpus::add);
        n.put("governor", p.governor());
        n.put("emulated", p.emulated());
        n.put("timing_label", p.timingLabel());
        return n;
    }

    private static ObjectNode latency(TimingStatistics t, Origin timing) {
        ObjectNode n = object();
        n.put("count", t.count());
        n.put("computed_by", "agent (percentiles interpolated between closest ranks, population std)");
        n.set("min", figure(t.min() * 1e3, "ms", timing));
        n.set("mean", figure(t.mean() * 1e3, "ms", timing));
        n.set("p50", figure(t.p50() * 1e3, "ms", timing));
        n.set("p90", figure(t.p90() * 1e3, "ms", timing));
        n.set("p99", figure(t.p99() * 1e3, "ms", timing));
        n.set("max", figure(t.max() * 1e3, "ms", timing));
        n.set("std", figure(t.std() * 1e3, "ms", timing));
        return n;
    }

    static ObjectNode series(List<Double> values, String unit, Origin origin) {
        ObjectNode n = object();
        n.put("unit", unit);
        n.put("label", origin.provenance().key());
        n.put("source", origin.source());
        ArrayNode v = n.putArray("values");
        values.forEach(x -> {
            if (Double.isFinite(x)) {
                v.add(x);
            } else {
                v.addNull();
            }
        });
        return n;
    }

    private static ArrayNode layers(Profiled p, Origin timing) {
        ArrayNode a = F.arrayNode();
        for (DeviceReport.Layer l : DeviceReport.layers(p)) {
            ObjectNode n = a.addObject();
            n.put("layer", l.name());
            n.put("ops", l.ops());
            n.put("kernel", l.kernel());
            n.set("mean_ms", figure(l.meanMs(), "ms", timing));
            n.set("share", figure(l.share(), "fraction of summed layer times", timing));
        }
        return a;
    }

    private static ObjectNode energy(Profiled p, DeviceDescriptor d) {
        ObjectNode n = object();
        EnergyMeasurement e = p.result().energy().orElse(null);
        boolean measured = e != null && e.measured();
        n.put("measured", measured);
        if (measured) {
            Origin o = DeviceReport.sensor(e.source(), p.result(), d);
            n.put("sensor", e.source());
            n.put("method", e.method());
            n.put("samples", e.samples());
            n.set("idle_power", figure(e.idleWatts(), "W", o));
            n.set("run_power", figure(e.windowWatts(), "W", o));
            n.set("energy_per_inference", figure(e.joulesPerInference() * 1e3, "mJ", o));
            n.set("inferences_per_second_per_watt", figure(e.inferencesPerSecondPerWatt(), "inferences/s/W", o));
        } else {
            n.put("note", "no power sensor" + (e != null && !e.source().isBlank() && !"none".equals(e.source())
                ? " (" + e.source() + ")" : ""));
        }
        double uj = p.subject().analysis().totals().energyUjEstimate();
        n.set("energy_per_inference_estimate", figure(uj / 1e3, "mJ", DeviceReport.estimate(p)));
        return n;
    }

    private static ObjectNode throttling(RunResult r) {
        ObjectNode n = object();
        EnergyMeasurement e = r.energy().orElse(null);
        n.put("sampled", e != null);
        if (e != null) {
            n.put("frequency_throttled", e.frequencyThrottled());
            n.put("thermal_throttled", e.thermalThrottled());
        }
        ArrayNode flags = n.putArray("flags");
        for (DeviceSection.ThrottleFlag f : DeviceReport.throttling(r)) {
            flags.addObject().put("kind", f.kind()).put("detail", f.detail()).put("at_s", f.atSeconds());
        }
        return n;
    }

    private static ObjectNode samples(RunResult r, DeviceDescriptor d) {
        ObjectNode n = object();
        ArrayNode power = F.arrayNode();
        ArrayNode thermal = F.arrayNode();
        ArrayNode freq = F.arrayNode();
        for (RunEvent e : r.samples()) {
            if (e instanceof RunEvent.PowerSampled s) {
                power.addObject().put("t_s", s.deviceSeconds()).put("sensor", s.source()).put("watts", s.watts());
            } else if (e instanceof RunEvent.ThermalSampled s) {
                thermal.addObject().put("t_s", s.deviceSeconds()).put("zone", s.zone()).put("celsius", s.celsius());
            } else if (e instanceof RunEvent.FrequencySampled s) {
                freq.addObject().put("t_s", s.deviceSeconds()).put("cpu", s.cpu()).put("khz", s.khz())
                    .put("governor", s.governor());
            }
        }
        Origin o = DeviceReport.sensor("sysfs", r, d);
        n.put("label", o.provenance().key());
        n.put("source", DeviceReport.emulated(r, d) ? o.source() : "device sensors under sysfs, named per sample");
        n.set("power", power);
        n.set("thermal", thermal);
        n.set("frequency", freq);
        return n;
    }

    static ObjectNode comparison(OutputCheck.Comparison c, Origin origin) {
        ObjectNode n = object();
        n.put("reference", c.reference());
        n.put("rows", c.rows());
        Origin o = new Origin(origin.provenance(), "outputs computed on the device (" + origin.source() + ") vs " + c.reference());
        n.set("max_abs_error", figure(c.maxAbsError(), "", o));
        n.set("max_rel_error", figure(c.maxRelError(), "max |error| / max |reference| per output", o));
        n.set("top1_agreement", figure(c.top1Agreement(), "fraction of rows", o));
        n.put("top1_agree_rows", c.top1Agree());
        if (c.correct() >= 0) {
            n.set("accuracy", figure(c.rows() == 0 ? Double.NaN : (double) c.correct() / c.rows(), "fraction of labelled rows", o));
        }
        ArrayNode un = n.putArray("unmatched_outputs");
        c.unmatched().forEach(un::add);
        return n;
    }
}
