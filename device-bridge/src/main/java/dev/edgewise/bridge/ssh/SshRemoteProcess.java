package dev.edgewise.bridge.ssh;

import dev.edgewise.bridge.transport.RemoteProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.OptionalInt;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;

/**
 * A command on an exec channel. stdout ends (-1) when the command, the channel or the whole session
 * ends, including a dropped connection, so a reader never hangs on a dead board; stderr is kept as a
 * tail for error messages.
 */
final class SshRemoteProcess implements RemoteProcess {
    private static final int TAIL_BYTES = 4096;

    private final SshDeviceConnection connection;
    private final ChannelExec channel;
    private final String pidFile;
    private final String description;
    private final InputStream stdout;
    private final byte[] tail = new byte[TAIL_BYTES];
    private int tailLength;
    private volatile boolean killed;
    private volatile Throwable lost;

    SshRemoteProcess(SshDeviceConnection connection, ChannelExec channel, String pidFile, String description) {
        this.connection = connection;
        this.channel = channel;
        this.pidFile = pidFile;
        this.description = description;
        this.stdout = new Stdout(channel.getInvertedOut());
        Thread t = new Thread(() -> collectStderr(channel.getInvertedErr()), "ssh-stderr " + description);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public OutputStream stdin() {
        return channel.getInvertedIn();
    }

    @Override
    public InputStream stdout() {
        return stdout;
    }

    @Override
    public synchronized String stderrTail() {
        String text = new String(tail, 0, tailLength, StandardCharsets.UTF_8);
        if (lost != null) {
            text += (text.isEmpty() ? "" : "\n") + connection.device().id() + ": SSH connection lost while running " + description
                + " (" + lost + ")";
        }
        return text;
    }

    private void collectStderr(InputStream err) {
        byte[] buf = new byte[1024];
        try (err) {
            int n;
            while ((n = err.read(buf)) > 0) {
                synchronized (this) {
                    int keep = Math.min(tailLength, TAIL_BYTES - Math.min(n, TAIL_BYTES));
                    System.arraycopy(tail, tailLength - keep, tail, 0, keep);
                    int add = Math.min(n, TAIL_BYTES);
                    System.arraycopy(buf, n - add, tail, keep, add);
                    tailLength = keep + add;
                }
            }
        } catch (IOException e) {
            // the channel closed: the tail so far is what there is
        }
    }

    @Override
    public boolean isAlive() {
        return !killed && lost == null && channel.isOpen() && channel.getExitStatus() == null;
    }

    @Override
    public OptionalInt waitFor(Duration timeout) {
        channel.waitFor(EnumSet.of(ClientChannelEvent.EXIT_STATUS, ClientChannelEvent.CLOSED), timeout);
        Integer status = channel.getExitStatus();
        return status != null ? OptionalInt.of(status) : OptionalInt.empty();
    }

    @Override
    public void kill() {
        if (killed) {
            return;
        }
        killed = true;
        boolean running = channel.getExitStatus() == null;
        channel.close(true);
        if (running) {
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
        public int read(byte[] b, int off, int len) {
            try {
                return in.read(b, off, len);
            } catch (IOException e) { // channel or session closed under the reader: the stream is over
                if (!killed) {
                    lost = e;
                }
                return -1;
            }
        }

        @Override
        public void close() {
            kill();
        }
    }
}
