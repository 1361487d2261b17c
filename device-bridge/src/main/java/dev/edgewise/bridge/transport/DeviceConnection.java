package dev.edgewise.bridge.transport;

import java.io.IOException;
import java.util.List;

/**
 * An open connection to one device: push files into a private working folder, run commands with
 * their stdin/stdout as byte streams, forward a loopback port. {@link #close()} stops what it
 * started and removes what it pushed, also after a failure.
 */
public interface DeviceConnection extends AutoCloseable {
    DeviceDescriptor device();

    /** The device's ABI as it reports it ("x86_64", "aarch64", "arm64-v8a"); picks the agent binary. */
    String abi() throws IOException;

    /** Folder on the device where pushed files go (e.g. /data/local/tmp/edgewise/). */
    String workDir();

    /** Writes {@code content} to {@link #workDir()}/{@code name}; returns the path on the device. */
    String push(byte[] content, String name, boolean executable) throws IOException;

    /** Starts a command on the device; argv[0] is a device path (usually one returned by push). */
    RemoteProcess exec(List<String> argv) throws IOException;

    /**
     * Makes a loopback port of the device reachable from this computer; returns the local port.
     * Transports that cannot forward throw {@link UnsupportedOperationException}.
     */
    default int forwardLoopback(int devicePort) throws IOException {
        throw new UnsupportedOperationException(device().id() + " cannot forward ports");
    }

    /** Kills processes still running, removes pushed files, releases the link. Never throws. */
    @Override
    void close();
}
