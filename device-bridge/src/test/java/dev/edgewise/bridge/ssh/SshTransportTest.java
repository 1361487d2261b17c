package dev.edgewise.bridge.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgewise.bridge.testdevice.AgentOverConnection;
import dev.edgewise.bridge.testdevice.DeviceSandbox;
import dev.edgewise.bridge.testdevice.TestSshServer;
import dev.edgewise.bridge.transport.DeviceConnection;
import dev.edgewise.bridge.transport.DeviceKind;
import dev.edgewise.bridge.transport.Discovery;
import dev.edgewise.bridge.transport.RemoteProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSH transport against an in-process MINA sshd (SFTP, exec through the device sandbox with the
 * aarch64 agent under qemu): digits_cnn against ONNX Runtime with password and with key
 * authentication from devices.json, clean-up, clear errors, and a dropped connection mid-run.
 */
class SshTransportTest {
    private static final String USER = "pi";
    private static final String PASSWORD = "raspberry";

    @TempDir
    Path tmp;
    private DeviceSandbox sandbox;
    private KeyPair hostKey;
    private KeyPair userKey;

    @BeforeEach
    void setUp() throws Exception {
        sandbox = new DeviceSandbox(Files.createDirectories(tmp.resolve("board")), java.util.Map.of(), "aarch64");
        hostKey = ec();
        userKey = ec();
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private TestSshServer server() throws IOException {
        return new TestSshServer(sandbox, hostKey, USER, PASSWORD, Set.of(userKey.getPublic()));
    }

    private SshTransport transport(SshDeviceConfig... devices) {
        return new SshTransport(new SshSettings(tmp.resolve("devices.json"), List.of(devices), Duration.ofSeconds(5), Duration.ofSeconds(10)));
    }

    private SshDeviceConfig passwordConfig(String id, String password, Path knownHosts) {
        return new SshDeviceConfig(id, "", null, password, knownHosts, "/tmp/edgewise-pi");
    }

    @Test
    void passwordAuthenticationRunsDigitsCnnAndCleansUp() throws Exception {
        try (TestSshServer server = server()) {
            String id = "ssh:pi@127.0.0.1:" + server.port();
            Path knownHosts = server.writeKnownHosts(tmp.resolve("known_hosts"));
            try (DeviceConnection c = transport(passwordConfig(id, PASSWORD, knownHosts)).open(id)) {
                assertEquals(id, c.device().id());
                assertEquals(DeviceKind.SSH, c.device().kind());
                assertEquals("aarch64", c.abi());
                assertEquals("/tmp/edgewise-pi", c.workDir());
                AgentOverConnection.Outcome o = AgentOverConnection.runDigits(c, 5);
                assertTrue(o.maxAbsError() <= 1e-4, "max abs error vs ONNX Runtime " + o.maxAbsError());
                assertEquals("aarch64", o.info().getArch());
                assertEquals(0, o.exitCode().orElse(-1), "agent exit status over SSH");
                assertTrue(Files.isExecutable(sandbox.hostPath("/tmp/edgewise-pi/edgewise-agent")));
            }
            assertFalse(Files.exists(sandbox.hostPath("/tmp/edgewise-pi")), "pushed files and the folder it made are removed");
            awaitNoProcesses(server);
        }
    }

    @Test
    void keyAuthenticationFromDevicesJsonAndDiscovery() throws Exception {
        try (TestSshServer server = server()) {
            String id = "ssh:pi@127.0.0.1:" + server.port();
            Path knownHosts = server.writeKnownHosts(tmp.resolve("known_hosts"));
            Path key = tmp.resolve("id_ecdsa");
            try (OutputStream out = Files.newOutputStream(key)) {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(userKey, "test", null, out);
            }
            Path json = Files.writeString(tmp.resolve("devices.json"), """
                {"ssh": [{"id": "%s", "name": "Test Board", "identity": "%s", "knownHosts": "%s"}]}
                """.formatted(id, key, knownHosts));
            SshTransport transport = new SshTransport(SshSettings.load(json));
            Discovery d = transport.discover();
            assertTrue(d.problems().isEmpty(), d.problems().toString());
            assertEquals(List.of(id), d.devices().stream().map(x -> x.id()).toList());
            assertEquals("Test Board", d.devices().get(0).name());
            try (DeviceConnection c = transport.open(id)) {
                assertEquals("Test Board", c.device().name());
                assertEquals("aarch64", c.abi());
                assertEquals("/tmp/edgewise-pi", c.workDir(), "default work folder /tmp/edgewise-USER");
                String path = c.push("hello".getBytes(), "note.txt", false);
                assertEquals("hello", Files.readString(sandbox.hostPath(path)));
            }
            assertFalse(Files.exists(sandbox.hostPath("/tmp/edgewise-pi/note.txt")));
        }
    }

    @Test
    void wrongPasswordUnknownOrChangedHostKeyAndRefusedPortAreClearErrors() throws Exception {
        try (TestSshServer server = server()) {
            String id = "ssh:pi@127.0.0.1:" + server.port();
            Path knownHosts = server.writeKnownHosts(tmp.resolve("known_hosts"));
            IOException e = assertThrows(IOException.class, () -> transport(passwordConfig(id, "wrong", knownHosts)).open(id));
            assertTrue(e.getMessage().startsWith(id + ": authentication failed for user pi (tried password)"), e.getMessage());

            Path empty = Files.writeString(tmp.resolve("empty_known_hosts"), "");
            e = assertThrows(IOException.class, () -> transport(passwordConfig(id, PASSWORD, empty)).open(id));
            assertTrue(e.getMessage().startsWith(id + ": host [127.0.0.1]:" + server.port() + " is not in " + empty), e.getMessage());
            assertTrue(e.getMessage().contains("ssh-keyscan -p " + server.port() + " 127.0.0.1 >> " + empty), e.getMessage());
            assertEquals("", Files.readString(empty), "an unknown host is never added silently");

            Path other = Files.writeString(tmp.resolve("other_known_hosts"), "[127.0.0.1]:" + server.port() + " "
                + org.apache.sshd.common.config.keys.PublicKeyEntry.toString(ec().getPublic()) + "\n");
            e = assertThrows(IOException.class, () -> transport(passwordConfig(id, PASSWORD, other)).open(id));
            assertTrue(e.getMessage().startsWith(id + ": the host key of [127.0.0.1]:" + server.port() + " CHANGED"), e.getMessage());
        }
        String refused = "ssh:pi@127.0.0.1:" + closedPort();
        IOException e = assertThrows(IOException.class,
            () -> transport(passwordConfig(refused, PASSWORD, tmp.resolve("none"))).open(refused));
        assertTrue(e.getMessage().startsWith(refused + ": connection refused"), e.getMessage());
        e = assertThrows(IOException.class, () -> transport().open("ssh:board"));
        assertTrue(e.getMessage().contains("ssh:USER@HOST"), e.getMessage());
    }

    @Test
    void droppedConnectionMidRunEndsStdoutQuickly() throws Exception {
        try (TestSshServer server = server()) {
            String id = "ssh:pi@127.0.0.1:" + server.port();
            Path knownHosts = server.writeKnownHosts(tmp.resolve("known_hosts"));
            DeviceConnection c = transport(passwordConfig(id, PASSWORD, knownHosts)).open(id);
            RemoteProcess p = AgentOverConnection.startLongRun(c);
            double seconds = AgentOverConnection.secondsUntilOutputEnds(p, () -> server.dropSessions());
            assertTrue(seconds < 2, "stdout ended " + seconds + " s after the drop");
            System.out.printf("%s transport: stdout ended %.3f s after the connection was dropped mid-run%n", c.device().id(), seconds);
            assertFalse(p.isAlive());
            IOException again = assertThrows(IOException.class, () -> c.exec(List.of("true")));
            assertTrue(again.getMessage().startsWith(id + ": SSH connection lost"), again.getMessage());
            assertTimeoutPreemptively(Duration.ofSeconds(5), c::close);
            awaitNoProcesses(server);
        }
    }

    private static void awaitNoProcesses(TestSshServer server) throws InterruptedException {
        for (int i = 0; i < 50 && server.liveProcesses() > 0; i++) {
            Thread.sleep(100);
        }
        assertEquals(0, server.liveProcesses(), "processes left running on the board");
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
