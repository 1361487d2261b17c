package dev.edgewise.bridge.adb;

import dadb.AdbKeyPair;
import dev.edgewise.bridge.transport.DeviceConnection;
import dev.edgewise.bridge.transport.DeviceDescriptor;
import dev.edgewise.bridge.transport.DeviceKind;
import dev.edgewise.bridge.transport.Discovery;
import dev.edgewise.bridge.transport.Transport;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Android devices over ADB (device-bridge/docs/transports.md), with dadb:
 * <ul>
 * <li>{@code adb:tcp:HOST:PORT}: straight to adbd over TCP, authenticated with this computer's key
 *     pair ({@code adbkey}, {@code adbkey.pub} in the config folder, created once, 0600);</li>
 * <li>{@code adb:SERIAL}: through a running adb server (USB devices, or ones it was told to connect),
 *     which also authenticates with its own key.</li>
 * </ul>
 * Discovery lists the adb server's devices with model and ABI (getprop); it never starts a server.
 */
public final class AdbTransport implements Transport {
    public static final String SCHEME = "adb";
    private static final String TCP_PREFIX = SCHEME + ":tcp:";

    private final AdbSettings settings;

    public AdbTransport() {
        this(AdbSettings.fromEnvironment());
    }

    public AdbTransport(AdbSettings settings) {
        this.settings = settings;
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public Discovery discover() {
        List<DeviceDescriptor> found = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<AdbServerClient.ServerDevice> listed;
        try {
            listed = AdbServerClient.devices(settings);
        } catch (IOException e) {
            return new Discovery(SCHEME, List.of(), List.of(e.getMessage()));
        }
        for (AdbServerClient.ServerDevice d : listed) {
            String id = SCHEME + ":" + d.serial();
            if (!d.state().equals("device")) {
                problems.add(id + " is " + d.state() + hint(d.state()));
                continue;
            }
            try (AdbDeviceConnection c = openThroughServer(id, d.serial(), d.attributes())) {
                found.add(describe(c, d.attributes()));
            } catch (IOException e) {
                problems.add(e.getMessage());
            }
        }
        return new Discovery(SCHEME, found, problems);
    }

    private static String hint(String state) {
        return switch (state) {
            case "unauthorized" -> ": unlock it and allow USB debugging for this computer";
            case "offline" -> ": reconnect the cable or restart adbd (toggle USB debugging)";
            case "no" -> ": no permission for the USB device (udev rules; see `adb devices`)";
            default -> "";
        };
    }

    @Override
    public DeviceConnection open(String deviceId) throws IOException {
        if (!deviceId.startsWith(SCHEME + ":") || deviceId.length() == SCHEME.length() + 1) {
            throw new IOException("'" + deviceId + "' is not an ADB device id (adb:SERIAL or adb:tcp:HOST:PORT)");
        }
        AdbDeviceConnection c;
        if (deviceId.startsWith(TCP_PREFIX)) {
            c = openDirect(deviceId);
        } else {
            c = openThroughServer(deviceId, deviceId.substring(SCHEME.length() + 1), Map.of());
        }
        try {
            return withDescriptor(c);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private AdbDeviceConnection openDirect(String deviceId) throws IOException {
        String address = deviceId.substring(TCP_PREFIX.length());
        int colon = address.lastIndexOf(':');
        int port;
        try {
            port = colon > 0 ? Integer.parseInt(address.substring(colon + 1)) : -1;
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port <= 0 || port > 65535) {
            throw new IOException("'" + deviceId + "': expected adb:tcp:HOST:PORT, e.g. adb:tcp:192.168.1.20:5555");
        }
        String host = address.substring(0, colon);
        AdbKeyPair keys = AdbKeys.loadOrCreate(settings.keyFolder());
        DirectAdbLink link = DirectAdbLink.connect(deviceId, host, port, keys, settings.keyFolder().resolve(AdbKeys.PUBLIC), settings);
        DeviceDescriptor provisional = new DeviceDescriptor(deviceId, DeviceKind.ADB, deviceId, "", Map.of("transport", "tcp " + host + ":" + port));
        return new AdbDeviceConnection(provisional, link, settings.workDir());
    }

    private AdbDeviceConnection openThroughServer(String deviceId, String serial, Map<String, String> attrs) throws IOException {
        ServerAdbLink link = new ServerAdbLink(deviceId, serial, settings);
        Map<String, String> details = new LinkedHashMap<>(attrs);
        details.put("transport", "adb server " + settings.serverHost() + ":" + settings.serverPort());
        return new AdbDeviceConnection(new DeviceDescriptor(deviceId, DeviceKind.ADB, serial, "", details), link, settings.workDir());
    }

    /** Replaces the provisional descriptor with what the device says about itself. */
    private AdbDeviceConnection withDescriptor(AdbDeviceConnection c) throws IOException {
        c.describeAs(describe(c, c.device().details()));
        return c;
    }

    private static DeviceDescriptor describe(AdbDeviceConnection c, Map<String, String> known) throws IOException {
        String props = c.run("getprop ro.product.manufacturer; getprop ro.product.model; getprop ro.build.version.release");
        String[] lines = (props + "\n\n\n").split("\n", -1);
        Map<String, String> details = new LinkedHashMap<>(known);
        details.putAll(c.device().details());
        details.put("manufacturer", lines[0].trim());
        details.put("android", lines[2].trim());
        String model = lines[1].trim();
        return new DeviceDescriptor(c.device().id(), DeviceKind.ADB, model.isEmpty() ? c.device().name() : model, c.abi(), details);
    }
}
