package dev.edgewise.bridge.plan;

import dev.edgewise.bridge.plan.proto.KernelId;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Times measured on a device for candidate kernels of conv layers (for example from
 * {@code edgewise-run --profile} over plans that force each candidate). Per layer name, the
 * measured milliseconds per kernel; the compiler picks the fastest legal candidate.
 *
 * @param device where the times were measured (shown in the decision's reason)
 */
public record AutotuneResults(String device, Map<String, Map<KernelId, Double>> millisByLayer) {
    public static final AutotuneResults NONE = new AutotuneResults("none", Map.of());

    public AutotuneResults {
        Map<String, Map<KernelId, Double>> copy = new HashMap<>();
        millisByLayer.forEach((k, v) -> copy.put(k, Map.copyOf(new EnumMap<>(v))));
        millisByLayer = Map.copyOf(copy);
    }

    private static final java.util.Set<KernelId> SPARSE_AND_FC = java.util.Set.of(KernelId.GEMM, KernelId.GEMM_CSR, KernelId.CONV1X1_CSR);

    private static final java.util.regex.Pattern PROFILE_LINE =
        java.util.regex.Pattern.compile("^\\s*op\\s+(\\d+)\\s.*\\s([0-9.]+) ms\\s*$");

    /**
     * Results from {@code edgewise-run --profile} logs (lines {@code op <index> <name> <kernel> <ms> ms}),
     * one log per plan, typically one plan per candidate kernel forced onto every layer that can
     * take it. Only ops with a kernel choice (conv, fully connected dense or CSR) are recorded; ops
     * are matched by index to the plan that was run.
     */
    public static AutotuneResults fromProfiles(String device, Map<dev.edgewise.bridge.plan.proto.Plan, String> logs) {
        Map<String, Map<KernelId, Double>> out = new HashMap<>();
        logs.forEach((plan, log) -> {
            for (String line : log.split("\\R")) {
                java.util.regex.Matcher m = PROFILE_LINE.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                int index = Integer.parseInt(m.group(1));
                if (index >= plan.getOpsCount()) {
                    throw new IllegalArgumentException("profile names op " + index + " but the plan has "
                        + plan.getOpsCount() + " ops: log and plan do not match");
                }
                var op = plan.getOps(index);
                if (op.getKernel().getNumber() >= KernelId.CONV_DIRECT_VALUE && op.getKernel().getNumber() <= KernelId.CONV_FFT_VALUE
                    || SPARSE_AND_FC.contains(op.getKernel())) {
                    out.computeIfAbsent(op.getName(), k -> new EnumMap<>(KernelId.class))
                        .put(op.getKernel(), Double.parseDouble(m.group(2)));
                }
            }
        });
        return new AutotuneResults(device, out);
    }

    /**
     * Results streamed by {@code edgewise-agent} for an Autotune (bridge-protocol.md, "Autotune"):
     * the median seconds of each measured (layer, kernel), in milliseconds. Kernels the runtime
     * refused for a layer ({@code skipped}) and kernel numbers this compiler does not know are left out.
     */
    public static AutotuneResults fromAgent(String device, java.util.Collection<dev.edgewise.bridge.proto.AutotuneResult> results) {
        Map<String, Map<KernelId, Double>> out = new HashMap<>();
        for (var r : results) {
            KernelId k = KernelId.forNumber(r.getKernelId());
            if (!r.getSkipped().isEmpty() || r.getRuns() == 0 || k == null) {
                continue;
            }
            out.computeIfAbsent(r.getLayer(), x -> new EnumMap<>(KernelId.class)).put(k, r.getSeconds() * 1e3);
        }
        return new AutotuneResults(device, out);
    }

    /** The fastest measured kernel for a layer among the allowed ones, if any was measured. */
    public Optional<Map.Entry<KernelId, Double>> fastest(String layer, java.util.Collection<KernelId> allowed) {
        Map<KernelId, Double> m = millisByLayer.get(layer);
        if (m == null) {
            return Optional.empty();
        }
        return m.entrySet().stream().filter(e -> allowed.contains(e.getKey()) && e.getValue() != null && e.getValue() >= 0)
            .min(Map.Entry.comparingByValue());
    }
}
