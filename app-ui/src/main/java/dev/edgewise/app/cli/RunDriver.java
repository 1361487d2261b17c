package dev.edgewise.app.cli;

import dev.edgewise.bridge.session.DeviceSession;
import dev.edgewise.bridge.session.RunEvent;
import dev.edgewise.bridge.session.RunHandle;
import dev.edgewise.bridge.session.RunOptions;
import dev.edgewise.bridge.session.RunResult;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs plans on an open session for the CLI: a live progress line on a terminal (stage lines
 * otherwise), and Ctrl-C turned into a clean cancel. The JVM runs shutdown hooks on SIGINT; ours
 * cancels the current run and then holds the JVM until the command has printed and written what
 * was measured (bounded), after which the JVM exits with the signal's status 130.
 */
final class RunDriver implements AutoCloseable {
    static final int INTERRUPTED_EXIT = 130;
    private static final long HOLD_SECONDS = 20;

    private final PrintWriter err;
    private final boolean terminal;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;
    private volatile RunHandle current;
    private volatile boolean interrupted;

    RunDriver(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
        this.hook = new Thread(this::onInterrupt, "edgewise-cancel-on-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** True once Ctrl-C (or any JVM shutdown) arrived: no further run should start. */
    boolean interrupted() {
        return interrupted;
    }

    /** Runs {@code plan} and waits for its result; the result is never missing (the session guarantees it). */
    RunResult run(DeviceSession session, byte[] plan, RunOptions options, String what) {
        return run(session, plan, options, what, false);
    }

    /** {@code quiet}: no stage lines (single-iteration runs of further input rows would flood a log). */
    RunResult run(DeviceSession session, byte[] plan, RunOptions options, String what, boolean quiet) {
        RunHandle h = session.run(plan, options);
        current = h;
        if (interrupted) {
            h.cancel(); // Ctrl-C arrived between the check and the start
        }
        Progress line = new Progress(what, options.iterations(), quiet);
        h.onEvent(line::accept);
        try {
            return h.result().join();
        } finally {
            current = null;
            line.finish();
        }
    }

    private void onInterrupt() {
        interrupted = true;
        RunHandle h = current;
        if (h != null) {
            h.cancel();
        }
        try {
            finished.await(HOLD_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Lets a pending shutdown proceed and unregisters the hook when no shutdown is under way. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down (Ctrl-C): the hook is running and now returns
        }
    }

    /** Listener on the session's reader thread: prints, never blocks on anything but the writer. */
    private final class Progress {
        private final String what;
        private final int iterations;
        private String stage = "";
        private String agentStage = "";
        private long lastPrint;
        private double lastSeconds = Double.NaN;
        private final boolean quiet;
        private boolean dirty;

        Progress(String what, int iterations, boolean quiet) {
            this.what = what;
            this.iterations = iterations;
            this.quiet = quiet;
        }

        synchronized void accept(RunEvent e) {
            if (e instanceof RunEvent.Progress p) {
                if (!p.stage().equals(agentStage)) {
                    agentStage = p.stage();
                    // the agent's idle power sampling before warm-up is its "baseline" stage
                    stage = "baseline".equals(p.stage()) ? "idle power baseline" : p.stage();
                    if (!terminal && !quiet) {
                        err.println("[profile] " + what + ": " + stage);
                        err.flush();
                    }
                }
                draw(p.done(), p.total());
            } else if (e instanceof RunEvent.IterationTimed t) {
                lastSeconds = t.seconds();
                draw(t.iteration() + 1, iterations);
            } else if (e instanceof RunEvent.Failed f && !f.fatal()) {
                clear();
                err.println("warning: " + what + ": " + f.kind() + ": " + f.message());
                err.flush();
            }
        }

        private void draw(int done, int total) {
            long now = System.nanoTime();
            if (!terminal || now - lastPrint < 100_000_000L) {
                return;
            }
            lastPrint = now;
            String count = total > 0 ? done + "/" + total : Integer.toString(done);
            String last = Double.isNaN(lastSeconds) ? "" : String.format(Locale.ROOT, "  last %.3f ms", lastSeconds * 1e3);
            String text = "[profile] " + what + ": " + stage + " " + count + last;
            err.print("\r" + String.format("%-78s", text.length() > 78 ? text.substring(0, 78) : text));
            err.flush();
            dirty = true;
        }

        private void clear() {
            if (dirty) {
                err.print("\r" + " ".repeat(78) + "\r");
                err.flush();
                dirty = false;
            }
        }

        synchronized void finish() {
            clear();
        }
    }
}
