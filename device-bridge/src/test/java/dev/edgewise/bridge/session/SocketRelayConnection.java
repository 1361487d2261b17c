package dev.edgewise.bridge.session;

import dev.edgewise.bridge.transport.DeviceConnection;
import dev.edgewise.bridge.transport.DeviceDescriptor;
import dev.edgewise.bridge.transport.RemoteProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * A connection whose processes talk to the host through a loopback TCP link, as ADB and SSH do:
 * {@link #drop()} cuts the link (the far end closes) while the agent keeps running.
 */
final class SocketRelayConnection implements DeviceConnection {
    private final DeviceConnection inner;
    private volatile Socket farEnd;
    private volatile RemoteProcess agent;

    SocketRelayConnection(DeviceConnection inner) {
        this.inner = inner;
    }

    /** The link drops: the device side of the socket goes away. */
    void drop() throws IOException {
        farEnd.close();
    }

    RemoteProcess agent() {
        return agent;
    }

    @Override
    public DeviceDescriptor device() {
        return inner.device();
    }

    @Override
    public String abi() throws IOException {
        return inner.abi();
    }

    @Override
    public String workDir() {
        return inner.workDir();
    }

    @Override
    public String push(byte[] content, String name, boolean executable) throws IOException {
        return inner.push(content, name, executable);
    }

    @Override
    public RemoteProcess exec(List<String> argv) throws IOException {
        RemoteProcess p = inner.exec(argv);
        agent = p;
        Socket near;
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            near = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            farEnd = server.accept();
        }
        Socket far = farEnd;
        pump(p.stdout(), far.getOutputStream(), "relay-out");
        pump(far.getInputStream(), p.stdin(), "relay-in");
        return new RemoteProcess() {
            @Override
            public OutputStream stdin() {
                try {
                    return near.getOutputStream();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public InputStream stdout() {
                try {
                    return near.getInputStream();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public String stderrTail() {
                return p.stderrTail();
            }

            @Override
            public boolean isAlive() {
                return p.isAlive();
            }

            @Override
            public OptionalInt waitFor(Duration timeout) throws InterruptedException {
                return p.waitFor(timeout);
            }

            @Override
            public void kill() {
                try {
                    near.close();
                    far.close();
                } catch (IOException e) {
                    // closing anyway
                }
                p.kill();
            }
        };
    }

    private static void pump(InputStream in, OutputStream out, String name) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // link or process gone
            }
        }, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        try {
            if (farEnd != null) {
                farEnd.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
        inner.close();
    }
}
