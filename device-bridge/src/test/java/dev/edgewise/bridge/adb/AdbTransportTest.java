package dev.edgewise.bridge.adb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.edgewise.bridge.testdevice.AgentOverConnection;
import dev.edgewise.bridge.testdevice.DeviceSandbox;
import dev.edgewise.bridge.testdevice.HostCommand;
import dev.edgewise.bridge.testdevice.RealAdbServer;
import dev.edgewise.bridge.testdevice.TestAdbDaemon;
import dev.edgewise.bridge.transport.DeviceConnection;
import dev.edgewise.bridge.transport.DeviceDescriptor;
import dev.edgewise.bridge.transport.DeviceKind;
import dev.edgewise.bridge.transport.Discovery;
import dev.edgewise.bridge.transport.RemoteProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ADB transport against the protocol-faithful test daemon (proven with Debian's adb in
 * TestAdbDaemonFaithfulnessTest): direct TCP with key authentication, through the real adb server,
 * digits_cnn on the aarch64 agent (under qemu behind the daemon) against ONNX Runtime, clean-up,
 * clear errors, and a dropped connection mid-run.
 */
class AdbTransportTest {
    @TempDir
    Path tmp;
    private Path config;
    private DeviceSandbox sandbox;

    @BeforeEach
    void setUp() throws IOException {
        config = tmp.resolve("config").resolve("edgewise");
        sandbox = DeviceSandbox.android(Files.createDirectories(tmp.resolve("device")));
    }

    private AdbSettings settings() {
        return new AdbSettings("127.0.0.1", closedPort(), config, AdbSettings.DEFAULT_WORK_DIR, Duration.ofSeconds(3), Duration.ofSeconds(3));
    }

    @Test
    void directTcpRunsDigitsCnnOnTheAarch64AgentAndCleansUp() throws Exception {
        try (TestAdbDaemon daemon = TestAdbDaemon.start(sandbox, TestAdbDaemon.KeyPolicy.ALLOW_NEW_KEYS)) {
            String id = "adb:tcp:127.0.0.1:" + daemon.port();
            AdbTransport transport = new AdbTransport(settings());
            try (DeviceConnection c = transport.open(id)) {
                DeviceDescriptor d = c.device();
                assertEquals(id, d.id());
                assertEquals(DeviceKind.ADB, d.kind());
                assertEquals("Edgewise Test Phone", d.name());
                assertEquals("arm64-v8a", c.abi());
                assertEquals("/data/local/tmp/edgewise", c.workDir());
                checkDigits(AgentOverConnection.runDigits(c, 3));
                assertTrue(Files.isRegularFile(sandbox.hostPath("/data/local/tmp/edgewise/edgewise-agent")));
            }
            assertEquals(java.util.List.of("new-key"), daemon.authEvents(), "the first connection offers the new key");
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
            for (String f : new String[] {AdbKeys.PRIVATE, AdbKeys.PUBLIC}) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config.resolve(f))), f);
            }
            assertFalse(Files.exists(sandbox.hostPath("/data/local/tmp/edgewise")), "work folder removed: " + listing());
            awaitNoProcesses(daemon);

            String key = Files.readString(config.resolve(AdbKeys.PUBLIC));
            try (DeviceConnection again = transport.open(id)) {
                assertEquals("arm64-v8a", again.abi());
            }
            assertEquals("signature", daemon.authEvents().get(1), "the stored key is reused and verified by signature");
            assertEquals(key, Files.readString(config.resolve(AdbKeys.PUBLIC)), "key pair created once");
        }
    }

    @Test
    void unauthorizedKeyRefusedPortAndBadIdGiveErrorsNamingTheDevice() throws Exception {
        try (TestAdbDaemon daemon = TestAdbDaemon.start(sandbox, TestAdbDaemon.KeyPolicy.IGNORE_NEW_KEYS)) {
            String id = "adb:tcp:127.0.0.1:" + daemon.port();
            AdbTransport transport = new AdbTransport(settings().withAuthTimeout(Duration.ofSeconds(1)));
            IOException e = assertThrows(IOException.class, () -> transport.open(id));
            assertTrue(e.getMessage().startsWith(id + " did not accept this computer's ADB key") && e.getMessage().contains("allow USB debugging")
                && e.getMessage().contains(config.resolve(AdbKeys.PUBLIC).toString()), e.getMessage());
            assertEquals("rejected", daemon.authEvents().get(daemon.authEvents().size() - 1));
        }
        String refused = "adb:tcp:127.0.0.1:" + closedPort();
        IOException e = assertThrows(IOException.class, () -> new AdbTransport(settings()).open(refused));
        assertTrue(e.getMessage().startsWith(refused + ": connection refused"), e.getMessage());
        e = assertThrows(IOException.class, () -> new AdbTransport(settings()).open("adb:tcp:phone"));
        assertTrue(e.getMessage().contains("adb:tcp:HOST:PORT"), e.getMessage());
    }

    @Test
    void withoutAnAdbServerDiscoveryReportsAProblemAndFindsNothing() {
        AdbSettings s = settings();
        Discovery d = new AdbTransport(s).discover();
        assertEquals("adb", d.scheme());
        assertTrue(d.devices().isEmpty());
        assertEquals(1, d.problems().size(), d.problems().toString());
        assertTrue(d.problems().get(0).contains("no adb server running at 127.0.0.1:" + s.serverPort()), d.problems().get(0));
    }

    @Test
    void throughTheRealAdbServerDiscoversAndRunsTheDevice() throws Exception {
        assumeTrue(RealAdbServer.available(), RealAdbServer.MISSING);
        try (TestAdbDaemon daemon = TestAdbDaemon.start(sandbox, TestAdbDaemon.KeyPolicy.ALLOW_NEW_KEYS);
             RealAdbServer adb = RealAdbServer.start(Files.createDirectories(tmp.resolve("home")))) {
            String serial = "127.0.0.1:" + daemon.port();
            adb.adb("connect", serial);
            HostCommand w = adb.adb("-s", serial, "wait-for-device");
            assertEquals(0, w.exitCode(), w.output());

            AdbTransport transport = new AdbTransport(settings().withServer("127.0.0.1", adb.port()));
            Discovery found = transport.discover();
            assertTrue(found.problems().isEmpty(), found.problems().toString());
            assertEquals(1, found.devices().size(), found.toString());
            DeviceDescriptor d = found.devices().get(0);
            assertEquals("adb:" + serial, d.id());
            assertEquals("Edgewise Test Phone", d.name());
            assertEquals("arm64-v8a", d.abi());
            try (DeviceConnection c = transport.open(d.id())) {
                checkDigits(AgentOverConnection.runDigits(c, 4));
            }
            assertFalse(Files.exists(sandbox.hostPath("/data/local/tmp/edgewise")), "work folder removed: " + listing());
            awaitNoProcesses(daemon);
            assertFalse(Files.exists(config), "the adb server authenticates with its own key: none created here");
        }
    }

    @Test
    void droppedConnectionMidRunEndsStdoutQuickly() throws Exception {
        try (TestAdbDaemon daemon = TestAdbDaemon.start(sandbox, TestAdbDaemon.KeyPolicy.ALLOW_NEW_KEYS);
             DeviceConnection c = new AdbTransport(settings()).open("adb:tcp:127.0.0.1:" + daemon.port())) {
            RemoteProcess p = AgentOverConnection.startLongRun(c);
            double seconds = AgentOverConnection.secondsUntilOutputEnds(p, () -> daemon.dropConnections());
            assertTrue(seconds < 2, "stdout ended " + seconds + " s after the drop");
            System.out.printf("%s transport: stdout ended %.3f s after the connection was dropped mid-run%n", c.device().id(), seconds);
            assertFalse(p.isAlive());
            assertTrue(p.stderrTail().contains("ADB connection lost"), p.stderrTail());
            IOException again = assertThrows(IOException.class, () -> c.exec(java.util.List.of("true")));
            assertTrue(again.getMessage().contains("adb:tcp:127.0.0.1:" + daemon.port()), again.getMessage());
            assertTimeoutPreemptively(Duration.ofSeconds(5), c::close);
            awaitNoProcesses(daemon);
        }
    }

    private static void checkDigits(AgentOverConnection.Outcome o) {
        assertTrue(o.maxAbsError() <= 1e-4, "max abs error vs ONNX Runtime " + o.maxAbsError());
        assertEquals(3, o.result().getStats().getCount());
        assertEquals("aarch64", o.info().getArch(), o.info().toString());
        assertEquals(0, o.exitCode().orElse(-1), "agent exit code after Bye");
    }

    private static void awaitNoProcesses(TestAdbDaemon daemon) throws InterruptedException {
        for (int i = 0; i < 50 && daemon.liveProcesses() > 0; i++) {
            Thread.sleep(100);
        }
        assertEquals(0, daemon.liveProcesses(), "processes left running on the device");
    }

    private String listing() throws IOException {
        Path dir = sandbox.hostPath("/data/local/tmp/edgewise");
        if (!Files.exists(dir)) {
            return "(gone)";
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList().toString();
        }
    }

    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
