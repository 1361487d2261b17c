package dev.edgewise.bridge.transport;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.OptionalInt;

/** A command running on a device, seen as byte streams (the agent protocol runs over these). */
public interface RemoteProcess extends AutoCloseable {
    OutputStream stdin();

    InputStream stdout();

    /** The last few KiB the process wrote to stderr, for error messages; empty when unknown. */
    String stderrTail();

    boolean isAlive();

    /** Waits up to {@code timeout}; returns the exit code when it exited, empty otherwise. */
    OptionalInt waitFor(Duration timeout) throws InterruptedException;

    /** Forcibly ends the process (and its link); safe to call more than once. */
    void kill();

    @Override
    default void close() {
        kill();
    }
}
