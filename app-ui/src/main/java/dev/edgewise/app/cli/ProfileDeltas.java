package dev.edgewise.app.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgewise.app.cli.ProfileRuns.Outcome;
import dev.edgewise.app.cli.ProfileRuns.Profiled;
import dev.edgewise.bridge.session.EnergyMeasurement;
import dev.edgewise.bridge.session.TimingStatistics;
import dev.edgewise.core.report.Origin;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Baseline vs optimized on the same session: latency (mean and p50), energy per inference (measured
 * when both runs had a sensor, otherwise the energy model's estimate, labelled so) and how far the
 * optimized model's outputs are from the baseline's on the device.
 */
final class ProfileDeltas {
    /** One compared figure; {@code unit} is for display, origin says where both sides came from. */
    record Delta(String name, double baseline, double optimized, String unit, Origin origin) {
        double change() {
            return optimized - baseline;
        }

        double relative() {
            return baseline == 0 ? Double.NaN : (optimized - baseline) / baseline;
        }
    }

    private ProfileDeltas() {
    }

    static List<Delta> deltas(Outcome o) {
        List<Delta> out = new ArrayList<>();
        Profiled b = o.baseline();
        Profiled p = o.optimized();
        if (p == null) {
            return out;
        }
        Origin timing = DeviceReport.timing(b.result(), o.device());
        if (b.result().latency().isPresent() && p.result().latency().isPresent()) {
            out.add(latency("mean latency", b, p, TimingStatistics::mean, timing));
            out.add(latency("p50 latency", b, p, TimingStatistics::p50, timing));
        }
        EnergyMeasurement eb = b.result().energy().orElse(null);
        EnergyMeasurement ep = p.result().energy().orElse(null);
        if (eb != null && ep != null && eb.measured() && ep.measured()) {
            out.add(new Delta("energy per inference", eb.joulesPerInference() * 1e3, ep.joulesPerInference() * 1e3, "mJ",
                DeviceReport.sensor(eb.source(), b.result(), o.device())));
        } else {
            out.add(new Delta("energy per inference", b.subject().analysis().totals().energyUjEstimate() / 1e3,
                p.subject().analysis().totals().energyUjEstimate() / 1e3, "mJ", DeviceReport.estimate(b)));
        }
        return out;
    }

    private static Delta latency(String name, Profiled b, Profiled p, ToDoubleFunction<TimingStatistics> f, Origin o) {
        return new Delta(name, f.applyAsDouble(b.result().latency().get()) * 1e3,
            f.applyAsDouble(p.result().latency().get()) * 1e3, "ms", o);
    }

    static ObjectNode json(Outcome o) {
        ObjectNode n = ProfileJson.object();
        for (Delta d : deltas(o)) {
            ObjectNode x = n.putObject(d.name().replace(' ', '_'));
            x.set("baseline", ProfileJson.figure(d.baseline(), d.unit(), d.origin()));
            x.set("optimized", ProfileJson.figure(d.optimized(), d.unit(), d.origin()));
            x.set("change", ProfileJson.figure(d.change(), d.unit(), d.origin()));
            x.set("relative_change", ProfileJson.figure(d.relative(), "fraction of baseline", d.origin()));
        }
        if (o.agreement() != null) {
            n.set("outputs", ProfileJson.comparison(o.agreement(), DeviceReport.timing(o.optimized().result(), o.device())));
        }
        return n;
    }
}
