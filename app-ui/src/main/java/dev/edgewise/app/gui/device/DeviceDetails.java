package dev.edgewise.app.gui.device;

import dev.edgewise.bridge.proto.DeviceInfo;
import dev.edgewise.bridge.proto.Sensor;
import dev.edgewise.bridge.transport.DeviceDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The lines shown under the device list: what discovery said, and what the agent reported once connected. */
public final class DeviceDetails {
    /** Sensor kinds that measure power (bridge-protocol.md, "Sensors"). */
    static final Set<String> POWER_KINDS = Set.of("rapl", "iio", "hwmon-power", "hwmon-vi", "battery");

    private DeviceDetails() {
    }

    public static List<String> describe(DeviceDescriptor d, DeviceInfo info) {
        List<String> lines = new ArrayList<>();
        lines.add("Kind: " + d.kind().label());
        lines.add("Name: " + d.name());
        lines.add("ABI: " + (d.abi().isEmpty() ? (info == null ? "known once connected" : info.getArch()) : d.abi()));
        new TreeMap<>(d.details()).forEach((k, v) -> lines.add(k + ": " + v));
        if (info == null) {
            lines.add("Sensors: listed by the agent once connected (Connect, or Run)");
            return lines;
        }
        lines.add("CPU: " + (info.getCpuModel().isEmpty() ? "—" : info.getCpuModel()) + ", " + info.getCores() + " cores");
        if (!info.getRuntime().isEmpty()) {
            lines.add("Runtime: " + info.getRuntime());
        }
        lines.add("Agent: " + info.getAgentVersion());
        lines.add("Sensors: " + sensors(info));
        if (info.getEmulated()) {
            lines.add("Emulated: qemu-user shows the host's CPU and sensors, not an ARM device's; timings are not "
                + "representative");
        }
        return lines;
    }

    /** "none found" or "battery (battery), thermal (2), cpufreq (8)". */
    static String sensors(DeviceInfo info) {
        if (info.getSensorListCount() == 0) {
            return "none found (no power, thermal or frequency readings)";
        }
        Map<String, List<Sensor>> byKind = info.getSensorListList().stream()
            .collect(Collectors.groupingBy(Sensor::getKind, TreeMap::new, Collectors.toList()));
        return byKind.entrySet().stream().map(e -> e.getValue().size() == 1
                ? String.format(Locale.ROOT, "%s (%s)", e.getKey(), e.getValue().get(0).getName())
                : String.format(Locale.ROOT, "%s (%d)", e.getKey(), e.getValue().size()))
            .collect(Collectors.joining(", "));
    }

    static boolean hasPowerSensor(DeviceInfo info) {
        return info.getSensorListList().stream().anyMatch(s -> POWER_KINDS.contains(s.getKind()));
    }

    static boolean hasSensor(DeviceInfo info, String kind) {
        return info.getSensorListList().stream().anyMatch(s -> s.getKind().equals(kind));
    }
}
