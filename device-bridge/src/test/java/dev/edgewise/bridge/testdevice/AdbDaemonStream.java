package dev.edgewise.bridge.testdevice;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One ADB stream on the daemon side, with protocol.txt's flow control in both directions: a WRTE to
 * the host waits for the host's READY (OKAY) of the previous one, and the host's WRTE is acknowledged
 * only when the service comes back for more data (so a service that stops reading stops the host).
 */
final class AdbDaemonStream {
    private static final byte[] END = new byte[0];

    private final AdbDaemonConnection connection;
    final int localId;
    final int remoteId;
    private final int maxWrite;
    private final Semaphore writePermit = new Semaphore(1); // OPEN implies READY: the first WRTE may go at once
    private final BlockingQueue<byte[]> inbound = new LinkedBlockingQueue<>();
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicInteger unacked = new java.util.concurrent.atomic.AtomicInteger();
    private volatile Runnable onHostClose = () -> { };

    final InputStream in = new InboundStream();
    final OutputStream out = new OutboundStream();

    AdbDaemonStream(AdbDaemonConnection connection, int localId, int remoteId, int maxWrite) {
        this.connection = connection;
        this.localId = localId;
        this.remoteId = remoteId;
        this.maxWrite = maxWrite;
    }

    void onHostClose(Runnable action) {
        onHostClose = action;
    }

    /**
     * A WRTE from the host. protocol.txt forbids a second one before our READY, but adbd itself queues
     * it and acknowledges each in turn (dadb relies on that), so this daemon does the same and logs it.
     */
    void received(byte[] data) {
        if (unacked.incrementAndGet() > 1) {
            connection.noteEarlyWrite(localId);
        }
        inbound.add(data);
    }

    void hostReady() {
        if (writePermit.availablePermits() == 0) {
            writePermit.release();
        }
    }

    /** CLSE from the host (or the connection went away): stop the service, never answer. */
    void hostClosed() {
        if (!closed) {
            closed = true;
            inbound.add(END);
            writePermit.release();
            onHostClose.run();
        }
    }

    /** The service is done: tell the host once. */
    void closeFromDevice() {
        if (!closed) {
            closed = true;
            inbound.add(END);
            connection.send(new AdbPacket(AdbPacket.CLSE, localId, remoteId, new byte[0]));
            connection.forget(localId);
        }
    }

    boolean isClosed() {
        return closed;
    }

    private final class InboundStream extends InputStream {
        private byte[] chunk = new byte[0];
        private int pos;
        private boolean ended;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            while (pos >= chunk.length) {
                if (ended) {
                    return -1;
                }
                acknowledgeConsumed();
                try {
                    chunk = inbound.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("stream " + localId);
                }
                pos = 0;
                if (chunk == END) {
                    ended = true;
                    return -1;
                }
                chunkUnacked = true;
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            return n;
        }

        private boolean chunkUnacked;

        private void acknowledgeConsumed() {
            if (chunkUnacked && !closed) {
                chunkUnacked = false;
                unacked.decrementAndGet();
                connection.send(new AdbPacket(AdbPacket.OKAY, localId, remoteId, new byte[0]));
            }
        }
    }

    private final class OutboundStream extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                awaitReady();
                int n = Math.min(len, maxWrite);
                connection.send(new AdbPacket(AdbPacket.WRTE, localId, remoteId, Arrays.copyOfRange(b, off, off + n)));
                off += n;
                len -= n;
            }
        }

        private void awaitReady() throws IOException {
            try {
                while (!writePermit.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    if (closed) {
                        break;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("stream " + localId);
            }
            if (closed) {
                throw new IOException("stream " + localId + " closed by the host");
            }
        }
    }
}
