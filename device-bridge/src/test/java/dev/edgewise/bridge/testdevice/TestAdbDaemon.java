package dev.edgewise.bridge.testdevice;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A protocol-faithful adbd for tests, written from AOSP's protocol.txt, SERVICES.TXT and SYNC.TXT:
 * it listens on loopback (an ephemeral port, never 5555-5585 which adb servers probe as emulators),
 * authenticates hosts by RSA signature against a key set the test controls, and serves shell:,
 * exec: and sync: inside a {@link DeviceSandbox}. {@link #dropConnections()} pulls the cable.
 */
public final class TestAdbDaemon implements AutoCloseable {
    /** What the simulated user does with the "Allow USB debugging?" prompt for an unknown key. */
    public enum KeyPolicy { ALLOW_NEW_KEYS, IGNORE_NEW_KEYS }

    private final DeviceSandbox sandbox;
    private final ServerSocket server;
    private final Set<String> allowedKeys = ConcurrentHashMap.newKeySet();
    private final List<String> authEvents = new CopyOnWriteArrayList<>();
    private final List<AdbDaemonConnection> connections = new CopyOnWriteArrayList<>();
    private final List<Process> processes = new CopyOnWriteArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private volatile KeyPolicy policy;

    private TestAdbDaemon(DeviceSandbox sandbox, KeyPolicy policy) throws IOException {
        this.sandbox = sandbox;
        this.policy = policy;
        ServerSocket s = bindOutsideEmulatorPorts();
        this.server = s;
        Thread accept = new Thread(this::acceptLoop, "adbd-accept-" + s.getLocalPort());
        accept.setDaemon(true);
        accept.start();
    }

    public static TestAdbDaemon start(DeviceSandbox sandbox, KeyPolicy policy) throws IOException {
        return new TestAdbDaemon(sandbox, policy);
    }

    private static ServerSocket bindOutsideEmulatorPorts() throws IOException {
        List<ServerSocket> rejected = new ArrayList<>();
        try {
            while (true) {
                ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                if (s.getLocalPort() < 5555 || s.getLocalPort() > 5585) {
                    return s;
                }
                rejected.add(s);
            }
        } finally {
            for (ServerSocket r : rejected) {
                r.close();
            }
        }
    }

    public int port() {
        return server.getLocalPort();
    }

    public DeviceSandbox sandbox() {
        return sandbox;
    }

    public void policy(KeyPolicy p) {
        policy = p;
    }

    /** Adds an adbkey.pub line ("BASE64 user@host") to the keys this device trusts. */
    public void allowKey(String publicKeyLine) {
        allowedKeys.add(keyPart(publicKeyLine));
    }

    public Set<String> allowedKeys() {
        return Set.copyOf(allowedKeys);
    }

    /** "signature", "new-key" or "rejected", one per authentication outcome, in order. */
    public List<String> authEvents() {
        return List.copyOf(authEvents);
    }

    public List<String> log() {
        return List.copyOf(log);
    }

    /** Commands started by shell:/exec: that are still running. */
    public long liveProcesses() {
        return processes.stream().filter(Process::isAlive).count();
    }

    /** Closes every host connection with a reset, mid-whatever (a pulled cable, adbd killed). */
    public void dropConnections() {
        connections.forEach(AdbDaemonConnection::drop);
    }

    boolean offerNewKey(String publicKeyLine) {
        if (policy == KeyPolicy.ALLOW_NEW_KEYS) {
            allowedKeys.add(keyPart(publicKeyLine));
            return true;
        }
        return false;
    }

    void recordAuth(String outcome) {
        authEvents.add(outcome);
    }

    void track(Process p) {
        processes.add(p);
    }

    void log(String line) {
        log.add(line);
    }

    static void killTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static String keyPart(String line) {
        String t = line.replace("\0", "").trim();
        int space = t.indexOf(' ');
        return space < 0 ? t : t.substring(0, space);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                AdbDaemonConnection c = new AdbDaemonConnection(this, s);
                connections.add(c);
                Thread t = new Thread(c, "adbd-conn-" + s.getPort());
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    log("accept: " + e.getMessage());
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        dropConnections();
        processes.forEach(TestAdbDaemon::killTree);
    }
}
