package dev.edgewise.bridge.local;

import dev.edgewise.bridge.transport.AgentBinaries;
import dev.edgewise.bridge.transport.DeviceConnection;
import dev.edgewise.bridge.transport.DeviceDescriptor;
import dev.edgewise.bridge.transport.DeviceKind;
import dev.edgewise.bridge.transport.Discovery;
import dev.edgewise.bridge.transport.Transport;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** This computer (device id "local"): the host build of the agent as a local process. Always available. */
public final class LocalTransport implements Transport {
    public static final String SCHEME = "local";
    public static final String DEVICE_ID = "local";

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public Discovery discover() {
        try {
            return new Discovery(SCHEME, List.of(descriptor()), List.of());
        } catch (IOException e) {
            return new Discovery(SCHEME, List.of(), List.of(e.getMessage()));
        }
    }

    @Override
    public DeviceConnection open(String deviceId) throws IOException {
        if (!DEVICE_ID.equals(deviceId)) {
            throw new IOException("unknown device '" + deviceId + "': this computer is '" + DEVICE_ID + "'");
        }
        DeviceDescriptor d = descriptor();
        return new LocalConnection(d, d.abi(), List.of());
    }

    private static DeviceDescriptor descriptor() throws IOException {
        String abi = AgentBinaries.archFor(System.getProperty("os.arch"));
        Map<String, String> details = new LinkedHashMap<>();
        details.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        details.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        return new DeviceDescriptor(DEVICE_ID, DeviceKind.LOCAL, "this computer", abi, details);
    }
}
