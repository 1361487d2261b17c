package dev.edgewise.bridge.adb;

import dadb.AdbStream;
import java.io.IOException;

/** Opens ADB streams ("exec:...", "sync:") to one device: directly over TCP, or through the adb server. */
interface AdbLink extends AutoCloseable {
    AdbStream open(String destination) throws IOException;

    /** Called by a reader that saw the link break; later opens fail at once. */
    void fail(Throwable cause);

    /** Why the link broke, or null while it works. */
    Throwable failure();

    /** Marks the calling thread as blocked in a stream read, so {@link #fail} can wake it. */
    default void enterRead() {
    }

    default void exitRead() {
    }

    @Override
    void close();
}
