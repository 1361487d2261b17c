package dev.edgewise.bridge.session;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A run in progress. Events are delivered on the session's reader thread, in order; listeners must
 * not block (the GUI hands them to the FX thread, the CLI prints a progress line).
 */
public interface RunHandle {
    /** Adds a listener; events that already arrived are replayed to it first. */
    void onEvent(Consumer<RunEvent> listener);

    /** Completes with the result (also for cancelled and failed runs); never completes exceptionally. */
    CompletableFuture<RunResult> result();

    /** Asks the agent to stop after the current iteration; the result then has status CANCELLED. */
    void cancel();
}
