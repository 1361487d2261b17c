package dev.edgewise.bridge.session;

import dev.edgewise.bridge.proto.DeviceInfo;
import dev.edgewise.bridge.proto.Energy;
import dev.edgewise.bridge.proto.Sensor;
import dev.edgewise.bridge.proto.Statistics;
import dev.edgewise.bridge.proto.Tensor;
import dev.edgewise.bridge.transport.DeviceDescriptor;
import dev.edgewise.bridge.transport.DeviceKind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Agent messages -> result records; the host's own statistics for runs that ended early. */
public final class RunResults {
    /** The label of every emulated timing; {@code %s} is the qemu -cpu model. */
    public static final String EMULATED_LABEL = "emulated (qemu-aarch64 -cpu %s): outputs correct, timings not representative";
    public static final String TRANSLATED_LABEL =
        "emulated (ARM code translated on an x86 CPU, %s): outputs correct, timings not representative";

    private RunResults() {
    }

    /**
     * Statistics as the agent computes them (stats.c): population std, percentiles interpolated
     * linearly between the closest ranks; empty for no iterations.
     */
    public static Optional<TimingStatistics> statistics(List<Double> seconds) {
        if (seconds.isEmpty()) {
            return Optional.empty();
        }
        double[] v = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        double mean = sum / v.length;
        double sq = 0;
        for (double x : v) {
            sq += (x - mean) * (x - mean);
        }
        return Optional.of(new TimingStatistics(v.length, v[0], mean, percentile(v, 0.50), percentile(v, 0.90),
            percentile(v, 0.99), Math.sqrt(sq / v.length), v[v.length - 1]));
    }

    private static double percentile(double[] sorted, double p) {
        double rank = p * (sorted.length - 1);
        int lo = (int) rank;
        if (lo + 1 >= sorted.length) {
            return sorted[sorted.length - 1];
        }
        return sorted[lo] + (rank - lo) * (sorted[lo + 1] - sorted[lo]);
    }

    static Optional<TimingStatistics> statistics(Statistics s) {
        if (s.getCount() == 0) {
            return Optional.empty();
        }
        return Optional.of(new TimingStatistics(s.getCount(), s.getMin(), s.getMean(), s.getP50(), s.getP90(),
            s.getP99(), s.getStd(), s.getMax()));
    }

    /** The agent's Energy; when nothing was measured the numbers are NaN and the source says why ("none"). */
    static EnergyMeasurement energy(Energy e) {
        if (!e.getMeasured()) {
            String source = e.getSource().isEmpty() ? "none" : e.getSource();
            return new EnergyMeasurement(false, source, e.getMethod(), Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                e.getFrequencyThrottled(), e.getThermalThrottled(), e.getSamples());
        }
        return new EnergyMeasurement(true, e.getSource(), e.getMethod(), e.getIdleWatts(), e.getWindowWatts(),
            e.getJoulesPerInference(), e.getInferencesPerSecondPerWatt(), e.getFrequencyThrottled(),
            e.getThermalThrottled(), e.getSamples());
    }

    static RunResult.OutputTensor output(Tensor t) {
        float[] values = new float[t.getData().size() / 4];
        ByteBuffer.wrap(t.getData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        String name = t.getName().isEmpty() ? "output" + t.getIndex() : t.getName();
        return new RunResult.OutputTensor(name, t.getDimsList(), values);
    }

    /** Per-layer means in plan order; a repeated op name gets "#position" so no layer is lost. */
    static Map<String, Double> layerMeans(List<String> names, double[] sums, int count) {
        Map<String, Double> means = new LinkedHashMap<>();
        if (sums == null || count == 0) {
            return means;
        }
        for (int i = 0; i < sums.length; i++) {
            String name = i < names.size() && !names.get(i).isEmpty() ? names.get(i) : "op" + i;
            if (means.containsKey(name)) {
                name = name + "#" + i;
            }
            means.put(name, sums[i] / count);
        }
        return means;
    }

    /** Where the numbers come from: device, agent, plan, threads, governor, and how timings may be read. */
    static RunProvenance provenance(DeviceDescriptor d, DeviceInfo info, String planSha, int threads, List<Integer> cpus) {
        boolean emulated = d.kind() == DeviceKind.EMULATED || info.getEmulated();
        String model;
        String label;
        if (!emulated && translatedOnX86(info)) {
            // an ARM agent whose /proc/cpuinfo describes an x86 CPU runs under binary translation
            // (an x86 Android emulator's ndk_translation, qemu-user behind adbd or sshd): its outputs
            // are right, its timings are those of the translator
            model = info.getCpuModel();
            label = String.format(TRANSLATED_LABEL, model);
            return new RunProvenance(d.id(), d.kind(), model, info.getArch(), info.getAgentVersion(), info.getRuntime(),
                planSha, threads, cpus, governor(info), true, label);
        }
        if (emulated) {
            String cpu = d.details().getOrDefault("qemu-cpu", d.id().substring(d.id().indexOf(':') + 1));
            model = "qemu-aarch64 -cpu " + cpu + " (host CPU: " + info.getCpuModel() + ")";
            label = String.format(EMULATED_LABEL, cpu);
        } else {
            model = info.getCpuModel().isEmpty() ? d.name() : info.getCpuModel();
            label = "measured on " + d.name() + " (" + model + "), CLOCK_MONOTONIC";
        }
        return new RunProvenance(d.id(), d.kind(), model, info.getArch(), info.getAgentVersion(), info.getRuntime(),
            planSha, threads, cpus, governor(info), emulated, label);
    }

    /** An ARM build reporting an x86 CPU: the kernel's cpuinfo is x86, so something translates the ARM code. */
    static boolean translatedOnX86(DeviceInfo info) {
        String arch = info.getArch().toLowerCase(java.util.Locale.ROOT);
        if (!(arch.startsWith("aarch64") || arch.startsWith("arm"))) {
            return false;
        }
        String cpu = info.getCpuModel().toLowerCase(java.util.Locale.ROOT);
        return info.getHwcapsList().stream().anyMatch(f -> f.equals("sse2") || f.startsWith("avx"))
            || cpu.contains("intel") || cpu.contains("amd ") || cpu.startsWith("amd") || cpu.contains("x86");
    }

    static String governor(DeviceInfo info) {
        Set<String> governors = new LinkedHashSet<>();
        for (Sensor s : info.getSensorListList()) {
            if ("cpufreq".equals(s.getKind()) && !s.getGovernor().isEmpty()) {
                governors.add(s.getGovernor());
            }
        }
        return String.join(",", governors);
    }

    static double[] add(double[] sums, List<Double> seconds) {
        double[] out = sums == null ? new double[seconds.size()] : sums;
        if (out.length != seconds.size()) {
            out = Arrays.copyOf(out, Math.max(out.length, seconds.size()));
        }
        for (int i = 0; i < seconds.size(); i++) {
            out[i] += seconds.get(i);
        }
        return out;
    }
}
