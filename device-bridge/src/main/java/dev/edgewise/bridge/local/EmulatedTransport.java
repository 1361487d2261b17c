package dev.edgewise.bridge.local;

import dev.edgewise.bridge.transport.AgentBinaries;
import dev.edgewise.bridge.transport.DeviceConnection;
import dev.edgewise.bridge.transport.DeviceDescriptor;
import dev.edgewise.bridge.transport.DeviceKind;
import dev.edgewise.bridge.transport.Discovery;
import dev.edgewise.bridge.transport.Transport;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Emulated ARM (ids "qemu:cortex-a53", "qemu:cortex-a76", "qemu:max"): the aarch64 agent under
 * {@code qemu-aarch64 -cpu MODEL} on this computer. Outputs are those of the ARM code; timings are
 * the emulator's and say nothing about a real core. Listed only when qemu-aarch64 is on the PATH.
 */
public final class EmulatedTransport implements Transport {
    public static final String SCHEME = "qemu";
    public static final String EMULATOR = "qemu-aarch64";
    /** CPU models offered: in-order little core (no dotprod/fp16), big core (dotprod, fp16), everything qemu has. */
    public static final List<String> CPU_MODELS = List.of("cortex-a53", "cortex-a76", "max");
    /** DeviceDescriptor detail naming the -cpu model. */
    public static final String CPU_DETAIL = "qemu-cpu";

    private final String searchPath;

    /** Looks for qemu-aarch64 on this process's PATH. */
    public EmulatedTransport() {
        this(System.getenv().getOrDefault("PATH", ""));
    }

    /** Looks for qemu-aarch64 on {@code searchPath} (a PATH-style list; tests use it). */
    public EmulatedTransport(String searchPath) {
        this.searchPath = searchPath;
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public Discovery discover() {
        Optional<Path> qemu = findEmulator();
        if (qemu.isEmpty()) {
            return new Discovery(SCHEME, List.of(), List.of(missingEmulator()));
        }
        List<DeviceDescriptor> devices = new ArrayList<>();
        for (String cpu : CPU_MODELS) {
            devices.add(descriptor(cpu, qemu.get()));
        }
        return new Discovery(SCHEME, devices, List.of());
    }

    @Override
    public DeviceConnection open(String deviceId) throws IOException {
        String prefix = SCHEME + ":";
        String cpu = deviceId.startsWith(prefix) ? deviceId.substring(prefix.length()) : "";
        if (!CPU_MODELS.contains(cpu)) {
            throw new IOException("unknown emulated device '" + deviceId + "': choose one of qemu:"
                + String.join(", qemu:", CPU_MODELS));
        }
        Path qemu = findEmulator().orElseThrow(() -> new IOException("cannot open " + deviceId + ": " + missingEmulator()));
        return new LocalConnection(descriptor(cpu, qemu), AgentBinaries.AARCH64, List.of(qemu.toString(), "-cpu", cpu));
    }

    private static DeviceDescriptor descriptor(String cpu, Path qemu) {
        return new DeviceDescriptor(SCHEME + ":" + cpu, DeviceKind.EMULATED, EMULATOR + " -cpu " + cpu,
            AgentBinaries.AARCH64, Map.of(CPU_DETAIL, cpu, "emulator", qemu.toString()));
    }

    private static String missingEmulator() {
        return EMULATOR + " not found on the PATH: install the Debian package qemu-user (apt-get install qemu-user)";
    }

    private Optional<Path> findEmulator() {
        for (String dir : searchPath.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, EMULATOR);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
