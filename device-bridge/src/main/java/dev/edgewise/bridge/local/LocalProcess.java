package dev.edgewise.bridge.local;

import dev.edgewise.bridge.transport.RemoteProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A process on this computer as a {@link RemoteProcess}. Its stderr is drained by a thread of its own
 * ("edgewise-stderr-PID") into a bounded tail, so a chatty agent never blocks on a full pipe.
 */
public final class LocalProcess implements RemoteProcess {
    private static final int TAIL_BYTES = 8192;

    private final Process process;
    private final Thread stderrDrain;
    private final byte[] tail = new byte[TAIL_BYTES];
    private int tailStart;
    private int tailLength;

    private LocalProcess(Process process) {
        this.process = process;
        this.stderrDrain = new Thread(this::drainStderr, "edgewise-stderr-" + process.pid());
        stderrDrain.setDaemon(true);
        stderrDrain.start();
    }

    /**
     * Starts {@code argv} with stdin/stdout as pipes, in a session of its own when setsid(1) exists:
     * Ctrl-C on the terminal must reach only Edgewise, which then cancels the run cleanly, and not
     * kill the agent first. setsid execs in place (our child is never a group leader), so the pid is
     * the agent's; the agent still exits when our end of its stdin closes.
     */
    public static LocalProcess start(List<String> argv) throws IOException {
        List<String> command = argv;
        if (Files.isExecutable(SETSID)) {
            command = new ArrayList<>(argv.size() + 1);
            command.add(SETSID.toString());
            command.addAll(argv);
        }
        return new LocalProcess(new ProcessBuilder(command).start());
    }

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    /** Operating-system process id (tests stop or kill it to simulate faults). */
    public long pid() {
        return process.pid();
    }

    /** SIGKILL to the process alone, without reaping it or its stderr thread (tests: a crash mid-run). */
    public void kill9() {
        process.destroyForcibly();
    }

    @Override
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    @Override
    public InputStream stdout() {
        return process.getInputStream();
    }

    @Override
    public synchronized String stderrTail() {
        byte[] out = new byte[tailLength];
        for (int i = 0; i < tailLength; i++) {
            out[i] = tail[(tailStart + i) % TAIL_BYTES];
        }
        return new String(out, StandardCharsets.UTF_8).strip();
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public OptionalInt waitFor(Duration timeout) throws InterruptedException {
        if (process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            return OptionalInt.of(process.exitValue());
        }
        return OptionalInt.empty();
    }

    @Override
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(2, TimeUnit.SECONDS);
            stderrDrain.join(2000); // its stderr closes with the process
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void drainStderr() {
        byte[] buf = new byte[1024];
        try (InputStream err = process.getErrorStream()) {
            int n;
            while ((n = err.read(buf)) > 0) {
                append(buf, n);
            }
        } catch (IOException e) {
            // the process went away; the tail keeps what was read
        }
    }

    private synchronized void append(byte[] buf, int n) {
        for (int i = 0; i < n; i++) {
            int end = (tailStart + tailLength) % TAIL_BYTES;
            tail[end] = buf[i];
            if (tailLength < TAIL_BYTES) {
                tailLength++;
            } else {
                tailStart = (tailStart + 1) % TAIL_BYTES;
            }
        }
    }
}
