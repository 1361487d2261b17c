package dev.edgewise.bridge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgewise.bridge.adb.AdbSettings;
import dev.edgewise.bridge.adb.AdbTransport;
import dev.edgewise.bridge.local.EmulatedTransport;
import dev.edgewise.bridge.local.LocalTransport;
import dev.edgewise.bridge.plan.CompiledPlan;
import dev.edgewise.bridge.ssh.SshDeviceConfig;
import dev.edgewise.bridge.ssh.SshSettings;
import dev.edgewise.bridge.ssh.SshTransport;
import dev.edgewise.bridge.testdevice.DeviceSandbox;
import dev.edgewise.bridge.testdevice.TestAdbDaemon;
import dev.edgewise.bridge.testdevice.TestSshServer;
import dev.edgewise.bridge.transport.DeviceKind;
import dev.edgewise.core.testing.OrtRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AgentSession (the DeviceSession every caller uses) over all four transports (this computer, qemu,
 * ADB against the test adbd, SSH against the in-process sshd): the same plan gives the same outputs,
 * each within tolerance of ONNX Runtime; and a connection dropped mid-run ends the run as FAILED
 * within 2 s.
 */
class RemoteSessionTest {
    private static final long SEED = 7;

    @TempDir
    Path tmp;

    @Test
    void allFourTransportsRunTheSamePlanAndReturnTheSameOutputs() throws Exception {
        DeviceSandbox phone = DeviceSandbox.android(Files.createDirectories(tmp.resolve("phone")));
        DeviceSandbox board = new DeviceSandbox(Files.createDirectories(tmp.resolve("board")), Map.of(), "aarch64");
        KeyPair hostKey = ec();
        try (TestAdbDaemon adbd = TestAdbDaemon.start(phone, TestAdbDaemon.KeyPolicy.ALLOW_NEW_KEYS);
             TestSshServer sshd = new TestSshServer(board, hostKey, "pi", "raspberry", Set.of())) {
            Devices devices = new Devices(List.of(new LocalTransport(), new EmulatedTransport(), adb(), ssh(sshd)));
            RunResult local = runDigits(devices, "local");
            RunResult emulated = runDigits(devices, "qemu:cortex-a53");
            RunResult viaAdb = runDigits(devices, "adb:tcp:127.0.0.1:" + adbd.port());
            assertEquals(DeviceKind.ADB, viaAdb.provenance().kind());
            assertTrue(Set.of("arm64-v8a", "aarch64").contains(viaAdb.provenance().abi()), viaAdb.provenance().abi());
            RunResult viaSsh = runDigits(devices, "ssh:pi@127.0.0.1:" + sshd.port());
            assertEquals(DeviceKind.SSH, viaSsh.provenance().kind());
            assertEquals("aarch64", viaSsh.provenance().abi());
            // the test phone and board run the ARM agent under qemu on this x86 machine, as an x86
            // Android emulator translates ARM code: timings must not pass for a device's
            for (RunResult translated : List.of(viaAdb, viaSsh)) {
                assertTrue(translated.provenance().emulated(), translated.provenance().timingLabel());
                assertTrue(translated.provenance().timingLabel().startsWith("emulated (ARM code translated on an x86 CPU"),
                    translated.provenance().timingLabel());
            }
            assertEquals(false, local.provenance().emulated());
            assertEquals(DeviceKind.LOCAL, local.provenance().kind());
            assertEquals(DeviceKind.EMULATED, emulated.provenance().kind());
            // the three aarch64 runs execute the same agent binary on the same plan and input: the same
            // kernels in the same order, so the same bits; the x86 build (SIMDe) only agrees within
            // float tolerance, already checked against ONNX Runtime in runDigits
            for (String out : emulated.outputs().keySet()) {
                float[] ref = emulated.outputs().get(out).values();
                assertTrue(java.util.Arrays.equals(ref, viaAdb.outputs().get(out).values()), "adb vs qemu: " + out);
                assertTrue(java.util.Arrays.equals(ref, viaSsh.outputs().get(out).values()), "ssh vs qemu: " + out);
                assertTrue(SessionTesting.relativeError(local.outputs().get(out).values(), ref) <= 1e-5, "local vs aarch64: " + out);
            }
        }
    }

    @Test
    void adbConnectionDroppedMidRunFailsTheRunWithinTwoSeconds() throws Exception {
        DeviceSandbox phone = DeviceSandbox.android(Files.createDirectories(tmp.resolve("phone")));
        try (TestAdbDaemon adbd = TestAdbDaemon.start(phone, TestAdbDaemon.KeyPolicy.ALLOW_NEW_KEYS)) {
            Devices devices = new Devices(List.of(adb()));
            CompiledPlan plan = SessionTesting.digitsPlan();
            RunOptions forever = new RunOptions(0, 0, 600, 1, List.of(), false, 0, Map.of(), false);
            try (DeviceSession s = devices.open("adb:tcp:127.0.0.1:" + adbd.port())) {
                RunHandle h = s.run(plan.plan().toByteArray(), forever);
                CountDownLatch timed = new CountDownLatch(1);
                h.onEvent(e -> {
                    if (e instanceof RunEvent.IterationTimed) {
                        timed.countDown();
                    }
                });
                assertTrue(timed.await(60, TimeUnit.SECONDS), "the run started");
                long dropped = System.nanoTime();
                adbd.dropConnections();
                RunResult r = h.result().get(10, TimeUnit.SECONDS);
                double seconds = (System.nanoTime() - dropped) / 1e9;
                assertEquals(RunStatus.FAILED, r.status());
                assertNotNull(r.failure());
                assertTrue(seconds < 2, "run failed " + seconds + " s after the drop");
                assertTrue(r.iterationSeconds().size() >= 1, "partial results kept");
                System.out.printf("adb drop mid-run: FAILED after %.2f s: %s%n", seconds, r.failure());
            }
        }
    }

    private AdbTransport adb() {
        return new AdbTransport(new AdbSettings("127.0.0.1", 1, tmp.resolve("config"), AdbSettings.DEFAULT_WORK_DIR,
            Duration.ofSeconds(3), Duration.ofSeconds(5)));
    }

    private SshTransport ssh(TestSshServer sshd) throws Exception {
        Path knownHosts = sshd.writeKnownHosts(tmp.resolve("known_hosts"));
        SshDeviceConfig board = new SshDeviceConfig("ssh:pi@127.0.0.1:" + sshd.port(), "Test Board", null, "raspberry",
            knownHosts, "/tmp/edgewise-pi");
        return new SshTransport(new SshSettings(tmp.resolve("devices.json"), List.of(board), Duration.ofSeconds(5), Duration.ofSeconds(10)));
    }

    private static RunResult runDigits(Devices devices, String deviceId) throws Exception {
        CompiledPlan plan = SessionTesting.digitsPlan();
        Map<String, long[]> shapes = SessionTesting.inputShapes(plan);
        Map<String, float[]> reference = OrtRunner.run(Files.readAllBytes(SessionTesting.MODEL), shapes, SEED);
        RunOptions options = new RunOptions(1, 3, 0, 1, List.of(), true, 0, SessionTesting.ortRunnerInputs(shapes, SEED), true);
        RunResult r;
        try (DeviceSession s = devices.open(deviceId)) {
            r = s.run(plan.plan().toByteArray(), options).result().get(120, TimeUnit.SECONDS);
        }
        assertEquals(RunStatus.COMPLETED, r.status(), () -> String.valueOf(r.failure()));
        for (var e : reference.entrySet()) {
            double err = SessionTesting.relativeError(r.outputs().get(e.getKey()).values(), e.getValue());
            assertTrue(err <= 1e-4, deviceId + " " + e.getKey() + ": max relative error vs ONNX Runtime " + err);
            System.out.printf("session digits_cnn on %s: max rel err %.2e, mean %.1f us [%s]%n", deviceId, err,
                r.latency().orElseThrow().mean() * 1e6, r.provenance().timingLabel());
        }
        return r;
    }

    private static KeyPair ec() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }
}
