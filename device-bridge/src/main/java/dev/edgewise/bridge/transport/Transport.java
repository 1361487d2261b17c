package dev.edgewise.bridge.transport;

import java.io.IOException;

/**
 * One way of reaching devices: this computer, qemu-user, ADB, SSH. Implementations are registered
 * with {@link java.util.ServiceLoader} so a plugin can add one.
 */
public interface Transport {
    /** Prefix of the device ids this transport owns ("local", "qemu", "adb", "ssh"). */
    String scheme();

    /** The devices reachable now; bounded in time (a few seconds at most), never throws. */
    Discovery discover();

    /**
     * Connects to a device. The id need not come from {@link #discover()}: addresses such as
     * "adb:tcp:HOST:PORT" or "ssh:USER@HOST:PORT" are opened directly.
     *
     * @throws IOException naming the device and what failed (refused, authentication, no such device)
     */
    DeviceConnection open(String deviceId) throws IOException;
}
