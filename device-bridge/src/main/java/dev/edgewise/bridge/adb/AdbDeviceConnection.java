package dev.edgewise.bridge.adb;

import dadb.AdbStream;
import dadb.AdbSyncStream;
import dev.edgewise.bridge.remote.ShellWords;
import dev.edgewise.bridge.transport.DeviceConnection;
import dev.edgewise.bridge.transport.DeviceDescriptor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import okio.Okio;

/**
 * An open ADB device: pushes with the sync service into the work folder, starts commands with
 * {@code exec:} (raw bytes both ways: no pty, no shell protocol, so the agent's binary protocol passes
 * untouched) and on close kills what it started and removes every file it created.
 */
final class AdbDeviceConnection implements DeviceConnection {
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    private static final int REGULAR_FILE = 0100000;
    private static final int MAX_COMMAND_OUTPUT = 1 << 20;

    private volatile DeviceDescriptor device;
    private final AdbLink link;
    private final String workDir;
    private final List<String> created = new CopyOnWriteArrayList<>();
    private final List<AdbRemoteProcess> processes = new CopyOnWriteArrayList<>();
    private final AtomicInteger counter = new AtomicInteger();
    private final ExecutorService helpers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "adb-helper");
        t.setDaemon(true);
        return t;
    });
    private volatile String abi;
    private volatile boolean closed;

    AdbDeviceConnection(DeviceDescriptor device, AdbLink link, String workDir) {
        this.device = device;
        this.link = link;
        this.workDir = workDir;
    }

    @Override
    public DeviceDescriptor device() {
        return device;
    }

    /** Set once after opening, when the device has said what it is. */
    void describeAs(DeviceDescriptor d) {
        device = d;
    }

    AdbLink link() {
        return link;
    }

    @Override
    public String abi() throws IOException {
        if (abi == null) {
            String reported = run("getprop ro.product.cpu.abi").trim();
            abi = reported.isEmpty() ? run("uname -m").trim() : reported;
            if (abi.isEmpty()) {
                throw new IOException(device.id() + " reports no ABI (getprop ro.product.cpu.abi and uname -m are empty)");
            }
        }
        return abi;
    }

    @Override
    public String workDir() {
        return workDir;
    }

    @Override
    public String push(byte[] content, String name, boolean executable) throws IOException {
        ensureOpen();
        String path = ShellWords.child(workDir, ShellWords.checkFileName(name));
        int mode = REGULAR_FILE | (executable ? 0755 : 0644);
        created.add(path);
        try (AdbStream stream = link.open("sync:")) {
            new AdbSyncStream(stream).send(Okio.source(new java.io.ByteArrayInputStream(content)), path, mode, System.currentTimeMillis());
        } catch (Exception e) {
            throw new IOException(device.id() + ": push of " + name + " (" + content.length + " bytes) to " + path + " failed: " + e.getMessage(), e);
        }
        if (executable) {
            // adbd applies the sync mode on most builds, not all (sdcard, older releases): say it again.
            String out = run("chmod 755 " + ShellWords.quote(path) + " && echo ok").trim();
            if (!out.endsWith("ok")) {
                throw new IOException(device.id() + ": chmod 755 " + path + " failed: " + out);
            }
        }
        return path;
    }

    @Override
    public AdbRemoteProcess exec(List<String> argv) throws IOException {
        ensureOpen();
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command for " + device.id());
        }
        String base = ShellWords.child(workDir, ".ew-" + ProcessHandle.current().pid() + "-" + counter.incrementAndGet());
        String pid = base + ".pid";
        String exit = base + ".exit";
        String err = base + ".err";
        created.addAll(List.of(pid, exit, err));
        // adbd's raw exec mixes stderr into stdout, so stderr goes to a file; the command runs in the
        // background with the stream as its stdin (fd 3: a background job would get /dev/null) so the
        // shell can record its pid (for kill) and exit status (for waitFor).
        String command = "exec 3<&0; " + ShellWords.join(argv) + " <&3 3<&- 2>" + err + " & echo $! >" + pid
            + "; wait $!; echo $? >" + exit;
        AdbStream stream = link.open("exec:" + command);
        AdbRemoteProcess p = new AdbRemoteProcess(this, stream, pid, exit, err, String.join(" ", argv));
        processes.add(p);
        return p;
    }

    /** Runs a short command to completion and returns its output (stdout and stderr mixed, as adbd sends it). */
    String run(String command) throws IOException {
        ensureOpen();
        Future<String> f = helpers.submit(() -> {
            try (AdbStream s = link.open("exec:" + command); InputStream in = s.getSource().inputStream()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                byte[] buf = new byte[8192];
                int n;
                while ((n = in.read(buf)) > 0 && out.size() < MAX_COMMAND_OUTPUT) {
                    out.write(buf, 0, n);
                }
                return out.toString(StandardCharsets.UTF_8);
            }
        });
        try {
            return f.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new IOException(device.id() + ": '" + command + "' did not finish within " + COMMAND_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof IOException io ? io : new IOException(device.id() + ": '" + command + "' failed: " + c, c);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            throw new IOException(device.id() + ": interrupted while running '" + command + "'", e);
        }
    }

    /** Like {@link #run} for cleanup: never throws, returns "" on failure. */
    String runQuietly(String command) {
        if (closed || link.failure() != null) {
            return "";
        }
        try {
            return run(command);
        } catch (IOException e) {
            return "";
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException(device.id() + ": connection already closed");
        }
        Throwable f = link.failure();
        if (f != null) {
            throw new IOException(device.id() + ": ADB connection lost (" + f + ")", f);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        processes.forEach(AdbRemoteProcess::kill);
        if (link.failure() == null && !created.isEmpty()) {
            List<String> quoted = new ArrayList<>();
            created.forEach(p -> quoted.add(ShellWords.quote(p)));
            runQuietly("rm -f " + String.join(" ", quoted) + "; rmdir " + ShellWords.quote(workDir) + " 2>/dev/null; true");
        }
        closed = true;
        link.close();
        helpers.shutdownNow();
    }
}
