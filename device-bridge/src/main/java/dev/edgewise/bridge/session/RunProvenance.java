package dev.edgewise.bridge.session;

import dev.edgewise.bridge.transport.DeviceKind;
import java.util.List;

/**
 * Where a result came from, so that nobody reads an emulated timing as a device figure.
 *
 * @param timingLabel "measured on <device> (CLOCK_MONOTONIC)" or "emulated (qemu-aarch64 -cpu X):
 *                    outputs correct, timings not representative"
 * @param planSha256  hex digest of the plan bytes that ran
 * @param governor    cpufreq governor seen by the agent ("" when the device has no cpufreq)
 */
public record RunProvenance(String deviceId, DeviceKind kind, String deviceModel, String abi, String agentVersion,
                            String runtime, String planSha256, int threads, List<Integer> cpus, String governor,
                            boolean emulated, String timingLabel) {
    public RunProvenance {
        cpus = List.copyOf(cpus);
    }
}
