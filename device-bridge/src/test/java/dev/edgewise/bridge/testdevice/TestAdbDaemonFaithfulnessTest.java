package dev.edgewise.bridge.testdevice;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the test adbd speaks the real protocol: Debian's adb (server and client) connects to it,
 * authenticates (new key accepted like a tapped "Allow", then by signature on reconnect), pushes a
 * file larger than one sync DATA chunk, and runs shell commands. Skipped only without adb.
 */
class TestAdbDaemonFaithfulnessTest {
    @TempDir
    Path tmp;

    @Test
    void realAdbClientConnectsAuthenticatesPushesAndRunsShell() throws Exception {
        assumeTrue(RealAdbServer.available(), RealAdbServer.MISSING);
        DeviceSandbox sandbox = DeviceSandbox.android(Files.createDirectories(tmp.resolve("device")));
        try (TestAdbDaemon daemon = TestAdbDaemon.start(sandbox, TestAdbDaemon.KeyPolicy.ALLOW_NEW_KEYS);
             RealAdbServer adb = RealAdbServer.start(Files.createDirectories(tmp.resolve("home")))) {
            String serial = "127.0.0.1:" + daemon.port();
            // First contact, as with a real phone: the server's key is unknown, so its signature fails,
            // it sends RSAPUBLICKEY and reports "failed to authenticate" until the user allows the key.
            HostCommand first = adb.adb("connect", serial);
            assertTrue(first.output().contains("failed to authenticate to " + serial) || first.output().contains("connected to " + serial),
                first.output());
            waitForDevice(adb, serial);
            assertEquals(List.of("new-key"), daemon.authEvents(), "first connection: unknown key offered and allowed");
            String serverKey = Files.readString(adb.publicKey()).trim().split(" ")[0];
            assertTrue(daemon.allowedKeys().contains(serverKey), "the adb server's adbkey.pub is now trusted");

            byte[] blob = new byte[200_000]; // more than three 64 KiB sync DATA chunks
            new Random(5).nextBytes(blob);
            Path local = Files.write(tmp.resolve("blob.bin"), blob);
            HostCommand push = adb.adb("-s", serial, "push", local.toString(), "/data/local/tmp/edgewise/blob.bin");
            assertEquals(0, push.exitCode(), push.output());
            assertArrayEquals(blob, Files.readAllBytes(sandbox.hostPath("/data/local/tmp/edgewise/blob.bin")));

            assertEquals("hello edgewise", adb.adb("-s", serial, "shell", "echo", "hello", "edgewise").output().trim());
            assertEquals("200000", adb.adb("-s", serial, "shell", "wc -c < /data/local/tmp/edgewise/blob.bin").output().trim());
            assertEquals("Edgewise Test Phone", adb.adb("-s", serial, "shell", "getprop", "ro.product.model").output().trim());
            assertTrue(adb.adb("-s", serial, "shell", "getprop").output().contains("[ro.product.cpu.abi]: [arm64-v8a]"));
            String devices = adb.adb("devices", "-l").output();
            assertTrue(devices.contains(serial) && devices.contains("model:Edgewise_Test_Phone"), devices);

            HostCommand disconnect = adb.adb("disconnect", serial);
            assertEquals(0, disconnect.exitCode(), disconnect.output());
            connect(adb, serial, daemon);
            assertEquals("signature", daemon.authEvents().get(daemon.authEvents().size() - 1),
                "reconnecting with a trusted key authenticates by signature: " + daemon.authEvents());
            assertEquals("again", adb.adb("-s", serial, "shell", "echo again").output().trim());
        }
    }

    static void connect(RealAdbServer adb, String serial, TestAdbDaemon daemon) throws Exception {
        HostCommand c = adb.adb("connect", serial);
        assertTrue(c.output().contains("connected to " + serial), c.output() + " daemon: " + daemon.log() + " " + daemon.authEvents());
        waitForDevice(adb, serial);
    }

    static void waitForDevice(RealAdbServer adb, String serial) throws Exception {
        HostCommand w = adb.adb("-s", serial, "wait-for-device");
        assertEquals(0, w.exitCode(), w.output());
    }
}
