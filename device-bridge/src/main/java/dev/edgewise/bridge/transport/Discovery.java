package dev.edgewise.bridge.transport;

import java.util.List;

/**
 * What one transport found: the reachable devices, and the problems that kept others from being
 * listed ("adb server not running on 127.0.0.1:5037", "qemu-aarch64 not installed: apt-get install
 * qemu-user"). Discovery never throws for "nothing found"; it says why.
 */
public record Discovery(String scheme, List<DeviceDescriptor> devices, List<String> problems) {
    public Discovery {
        devices = List.copyOf(devices);
        problems = List.copyOf(problems);
    }
}
