package dev.edgewise.bridge.adb;

import dadb.AdbStream;
import dev.edgewise.bridge.transport.RemoteProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A command started with {@code exec:}. Its stdout is the ADB stream; when the stream or the whole
 * connection breaks, reads end (-1) at once instead of raising, so the agent session above sees a
 * closed stream and reports the device lost. ADB streams cannot half-close: closing {@link #stdin()}
 * only flushes (the agent is told to stop with its Bye message, or killed).
 */
final class AdbRemoteProcess implements RemoteProcess {
    private static final int TAIL_BYTES = 4096;

    private final AdbDeviceConnection connection;
    private final AdbStream stream;
    private final String pidFile;
    private final String exitFile;
    private final String errFile;
    private final String description;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final InputStream stdout;
    private final OutputStream stdin;
    private volatile boolean killed;
    private volatile Throwable lost;
    private volatile OptionalInt exitCode = OptionalInt.empty();

    AdbRemoteProcess(AdbDeviceConnection connection, AdbStream stream, String pidFile, String exitFile, String errFile,
                     String description) {
        this.connection = connection;
        this.stream = stream;
        this.pidFile = pidFile;
        this.exitFile = exitFile;
        this.errFile = errFile;
        this.description = description;
        this.stdout = new Stdout(stream.getSource().inputStream());
        this.stdin = new Stdin(stream.getSink().outputStream());
    }

    @Override
    public OutputStream stdin() {
        return stdin;
    }

    @Override
    public InputStream stdout() {
        return stdout;
    }

    @Override
    public String stderrTail() {
        if (lost != null) {
            return connection.device().id() + ": ADB connection lost while running " + description + " (" + lost + ")";
        }
        return connection.runQuietly("tail -c " + TAIL_BYTES + " " + errFile + " 2>/dev/null");
    }

    @Override
    public boolean isAlive() {
        return ended.getCount() > 0 && !killed;
    }

    @Override
    public OptionalInt waitFor(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        // The exit status file appears when the command ends, whether or not anyone drains stdout.
        while (exitCode.isEmpty() && lost == null && !killed) {
            String text = connection.runQuietly("cat " + exitFile + " 2>/dev/null").trim();
            if (text.matches("\\d+")) {
                exitCode = OptionalInt.of(Integer.parseInt(text));
                break;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || connection.link().failure() != null) {
                break;
            }
            ended.await(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 200), TimeUnit.MILLISECONDS);
        }
        return exitCode;
    }

    @Override
    public void kill() {
        if (killed) {
            return;
        }
        killed = true;
        boolean running = ended.getCount() > 0;
        try {
            stream.close();
        } catch (Exception e) {
            // already closed by the device or the link
        }
        ended.countDown();
        if (running) {
            // adbd does not always kill a raw exec child when its stream closes; make sure it is gone.
            connection.runQuietly("p=$(cat " + pidFile + " 2>/dev/null) && kill -9 $p 2>/dev/null; true");
        }
    }

    private final class Stdout extends InputStream {
        private final InputStream in;

        Stdout(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ended.getCount() == 0) {
                return -1;
            }
            AdbLink link = connection.link();
            link.enterRead();
            try {
                int n = in.read(b, off, len);
                if (n < 0) {
                    ended.countDown();
                }
                return n;
            } catch (Exception e) { // EOF mid-message, reset, interrupted wake-up: the stream is over
                if (!killed) {
                    lost = link.failure() != null ? link.failure() : e;
                    link.fail(e);
                }
                ended.countDown();
                return -1;
            } finally {
                link.exitRead();
            }
        }

        @Override
        public void close() {
            kill();
        }
    }

    private final class Stdin extends OutputStream {
        private final OutputStream out;

        Stdin(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (Exception e) {
                throw new IOException(connection.device().id() + ": cannot write to " + description + " (" + e + ")", e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (Exception e) {
                throw new IOException(connection.device().id() + ": cannot write to " + description + " (" + e + ")", e);
            }
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
