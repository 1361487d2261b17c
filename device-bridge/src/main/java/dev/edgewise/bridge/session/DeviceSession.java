package dev.edgewise.bridge.session;

import dev.edgewise.bridge.proto.DeviceInfo;
import dev.edgewise.bridge.transport.DeviceDescriptor;

/**
 * The agent running on one device: opened over a {@link dev.edgewise.bridge.transport.DeviceConnection}
 * (push the agent binary for the device's ABI, start it, Hello), then any number of runs, one at a time.
 * Closing says Bye, stops the agent and closes the connection. A device that disappears or an agent
 * that crashes or goes silent ends the current run with a fatal {@link RunEvent.Failed} within 2 s.
 */
public interface DeviceSession extends AutoCloseable {
    DeviceDescriptor device();

    /** What the agent reported about the device (emulated flag set for qemu). */
    DeviceInfo deviceInfo();

    /** Uploads {@code plan} (serialized plan.proto) unless it is the one already loaded, then runs it. */
    RunHandle run(byte[] plan, RunOptions options);

    @Override
    void close();
}
