package dev.edgewise.bridge.testdevice;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Debian's real adb server on a private port (never 5037) with its own HOME, so its key pair and
 * state stay in the test's folder; {@link #close()} stops it with {@code adb kill-server}.
 */
public final class RealAdbServer implements AutoCloseable {
    /** Why a test that needs it is skipped; the launcher installs the package for tests. */
    public static final String MISSING = "the adb client is not installed (Debian package 'adb')";

    private final Path adb;
    private final Path home;
    private final int port;

    private RealAdbServer(Path adb, Path home, int port) {
        this.adb = adb;
        this.home = home;
        this.port = port;
    }

    public static boolean available() {
        return HostCommand.onPath("adb") != null;
    }

    public static RealAdbServer start(Path home) throws IOException, InterruptedException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        RealAdbServer s = new RealAdbServer(HostCommand.onPath("adb"), home, port);
        HostCommand r = s.adb("start-server");
        if (r.exitCode() != 0) {
            throw new IOException("adb start-server on port " + port + " failed: " + r.output());
        }
        return s;
    }

    public int port() {
        return port;
    }

    /** adbkey.pub of this server (created by start-server in the private HOME). */
    public Path publicKey() {
        return home.resolve(".android").resolve("adbkey.pub");
    }

    public HostCommand adb(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(adb.toString(), "-P", Integer.toString(port)));
        argv.addAll(List.of(args));
        return HostCommand.run(argv, Map.of("HOME", home.toString(), "ANDROID_SDK_HOME", home.toString()), Duration.ofSeconds(30));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        adb("kill-server");
    }
}
