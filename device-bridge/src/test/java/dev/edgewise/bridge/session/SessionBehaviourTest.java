package dev.edgewise.bridge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgewise.bridge.local.EmulatedTransport;
import dev.edgewise.bridge.local.LocalTransport;
import dev.edgewise.bridge.transport.AgentBinaries;
import dev.edgewise.bridge.transport.DeviceDescriptor;
import dev.edgewise.bridge.transport.DeviceKind;
import dev.edgewise.bridge.transport.Discovery;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cancel, long honest silences, discovery, device ids and ABIs. */
class SessionBehaviourTest {
    @Test
    void cancelMidRunKeepsTheMeasuredIterations() throws Exception {
        byte[] plan = SessionTesting.digitsPlan().plan().toByteArray();
        try (DeviceSession s = Devices.standard().open("local")) {
            RunHandle h = s.run(plan, new RunOptions(2, 0, 600, 1, List.of(), true, 0, Map.of(), true));
            CountDownLatch some = new CountDownLatch(5);
            h.onEvent(e -> {
                if (e instanceof RunEvent.IterationTimed) {
                    some.countDown();
                }
            });
            assertTrue(some.await(60, TimeUnit.SECONDS));
            long t0 = System.nanoTime();
            h.cancel();
            RunResult r = h.result().get(10, TimeUnit.SECONDS);
            System.out.printf("cancel on local: result %.3f s after cancel, %d iterations%n", (System.nanoTime() - t0) / 1e9,
                r.iterationSeconds().size());
            assertEquals(RunStatus.CANCELLED, r.status());
            assertTrue(r.failure().isEmpty());
            assertEquals(r.iterationSeconds().size(), r.latency().orElseThrow().count(), "agent statistics over what ran");
            assertTrue(r.iterationSeconds().size() >= 5);
            assertFalse(r.layerMeanSeconds().isEmpty());
            assertFalse(r.outputs().isEmpty(), "outputs of the last iteration run");
            // the session stays usable, and the plan is not uploaded again
            List<RunEvent> events = new ArrayList<>();
            RunHandle again = s.run(plan, new RunOptions(0, 2, 0, 1, List.of(), false, 0, Map.of(), false));
            again.onEvent(events::add);
            assertEquals(RunStatus.COMPLETED, again.result().get(30, TimeUnit.SECONDS).status());
            assertTrue(events.stream().noneMatch(e -> e instanceof RunEvent.Progress p && p.stage().equals("uploading plan")),
                "plan uploaded twice: " + events);
        }
        assertTrue(SessionTesting.threadsLeftAfter(2000).isEmpty(), () -> "threads left: " + SessionTesting.sessionThreads());
    }

    @Test
    void rejectedPlanFailsTheRunAndTheSessionGoesOn() throws Exception {
        try (DeviceSession s = Devices.standard().open("local")) {
            RunResult bad = s.run(new byte[] {1, 2, 3}, RunOptions.defaults()).result().get(30, TimeUnit.SECONDS);
            assertEquals(RunStatus.FAILED, bad.status());
            RunEvent.Failed f = bad.failure().orElseThrow();
            assertEquals(RunEvent.FailureKind.AGENT_ERROR, f.kind());
            assertTrue(f.message().contains("PLAN_REJECTED") && f.message().contains("local"), f.message());
            assertTrue(bad.latency().isEmpty() && bad.iterationSeconds().isEmpty());
            RunResult good = s.run(SessionTesting.digitsPlan().plan().toByteArray(),
                new RunOptions(0, 2, 0, 1, List.of(), false, 0, Map.of(), false)).result().get(30, TimeUnit.SECONDS);
            assertEquals(RunStatus.COMPLETED, good.status(), () -> good.failure().toString());
            IllegalArgumentException noInput = assertThrows(IllegalArgumentException.class, () -> s.run(
                SessionTesting.digitsPlan().plan().toByteArray(),
                new RunOptions(0, 1, 0, 1, List.of(), false, 0, Map.of("nope", new float[1]), false)));
            assertTrue(noInput.getMessage().contains("nope"), noInput.getMessage());
        }
    }

    @Test
    void cancelBeforeTheRunStartsEndsItCancelled() throws Exception {
        try (DeviceSession s = Devices.standard().open("local")) {
            RunHandle h = s.run(SessionTesting.digitsPlan().plan().toByteArray(), RunOptions.defaults());
            h.cancel();
            RunResult r = h.result().get(30, TimeUnit.SECONDS);
            assertEquals(RunStatus.CANCELLED, r.status());
        }
    }

    /**
     * A 3 s idle baseline sends nothing of its own: the heartbeat keeps the run alive (Progress "baseline"
     * events), while the same run with heartbeats every 60 s is declared silent: the check can fail.
     */
    @Test
    void longHonestSilenceIsCoveredByTheHeartbeat(@TempDir Path emptySysfs) throws Exception {
        RunOptions baseline3s = new RunOptions(0, 3, 0, 1, List.of(), false, 20, Map.of(), false, 3);
        byte[] plan = SessionTesting.digitsPlan().plan().toByteArray();
        List<String> sysfs = List.of("--sysfs-root", emptySysfs.toString());
        List<RunEvent> events = new ArrayList<>();
        try (AgentSession s = AgentSession.open(new LocalTransport().open("local"), sysfs)) {
            RunHandle h = s.run(plan, baseline3s);
            h.onEvent(events::add);
            RunResult r = h.result().get(30, TimeUnit.SECONDS);
            assertEquals(RunStatus.COMPLETED, r.status(), () -> r.failure().toString());
        }
        long beats = events.stream().filter(e -> e instanceof RunEvent.Progress p && p.stage().equals("baseline")).count();
        assertTrue(beats >= 6, beats + " heartbeats in a 3 s baseline at 0.25 s");

        List<String> noHeartbeat = new ArrayList<>(sysfs);
        noHeartbeat.addAll(List.of("--heartbeat-ms", "60000"));
        try (AgentSession s = AgentSession.open(new LocalTransport().open("local"), noHeartbeat)) {
            RunResult r = s.run(plan, baseline3s).result().get(30, TimeUnit.SECONDS);
            assertEquals(RunStatus.FAILED, r.status());
            assertEquals(RunEvent.FailureKind.AGENT_SILENT, r.failure().orElseThrow().kind());
        }
    }

    @Test
    void discoveryListsThisComputerAndTheThreeEmulatedCpus() {
        List<Discovery> found = Devices.standard().discover();
        Discovery local = found.stream().filter(d -> d.scheme().equals("local")).findFirst().orElseThrow();
        assertEquals(List.of("local"), local.devices().stream().map(DeviceDescriptor::id).toList());
        assertEquals(DeviceKind.LOCAL, local.devices().get(0).kind());
        Discovery qemu = found.stream().filter(d -> d.scheme().equals("qemu")).findFirst().orElseThrow();
        assertEquals(List.of("qemu:cortex-a53", "qemu:cortex-a76", "qemu:max"),
            qemu.devices().stream().map(DeviceDescriptor::id).toList(), "qemu-aarch64 is installed here");
        assertTrue(qemu.devices().stream().allMatch(d -> d.kind() == DeviceKind.EMULATED && d.abi().equals("aarch64")));
        assertTrue(qemu.devices().stream().map(DeviceDescriptor::id).toList().contains(Devices.DEFAULT_DEVICE));
    }

    @Test
    void withoutQemuDiscoveryNamesThePackage(@TempDir Path emptyPath) {
        Discovery d = new EmulatedTransport(emptyPath.toString()).discover();
        assertTrue(d.devices().isEmpty());
        assertTrue(d.problems().get(0).contains("qemu-user"), d.problems().toString());
        IOException e = assertThrows(IOException.class, () -> new EmulatedTransport(emptyPath.toString()).open("qemu:max"));
        assertTrue(e.getMessage().contains("qemu-user"), e.getMessage());
    }

    @Test
    void defaultDeviceCpuModelIsAcceptedByQemu() throws Exception {
        // Debian 12's qemu-user 7.2 lists cortex-a76; a missing model would make every fresh install fail
        Process p = new ProcessBuilder("qemu-aarch64", "-cpu", "help").redirectErrorStream(true).start();
        String models = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        assertTrue(models.contains(Devices.DEFAULT_DEVICE.substring("qemu:".length())), models);
        try (DeviceSession s = Devices.standard().open(Devices.DEFAULT_DEVICE)) {
            assertTrue(s.deviceInfo().getEmulated());
            assertEquals("aarch64", s.deviceInfo().getArch());
            assertTrue(s.deviceInfo().getRuntime().contains("asimddp"), "cortex-a76 has dotprod (asimddp): " + s.deviceInfo().getRuntime());
        }
    }

    @Test
    void unknownIdsAndAbisAreClearErrors() {
        IOException e = assertThrows(IOException.class, () -> Devices.standard().open("usb:1234"));
        assertTrue(e.getMessage().contains("usb:1234") && e.getMessage().contains("local")
            && e.getMessage().contains("qemu"), e.getMessage());
        IOException cpu = assertThrows(IOException.class, () -> Devices.standard().open("qemu:cortex-m4"));
        assertTrue(cpu.getMessage().contains("qemu:cortex-a53"), cpu.getMessage());
        IOException abi = assertThrows(IOException.class, () -> AgentBinaries.archFor("armeabi-v7a"));
        assertTrue(abi.getMessage().contains("armeabi-v7a") && abi.getMessage().contains("aarch64"), abi.getMessage());
        assertThrows(IllegalArgumentException.class,
            () -> new RunOptions(0, 1, 0, 1, List.of(), false, 0, Map.of(), false, 61));
    }

    @Test
    void abisMapToThePackagedBuilds() throws Exception {
        assertEquals("aarch64", AgentBinaries.archFor("arm64-v8a"));
        assertEquals("aarch64", AgentBinaries.archFor("aarch64"));
        assertEquals("x86_64", AgentBinaries.archFor("amd64"));
        byte[] elf = AgentBinaries.agentFor("arm64-v8a");
        assertEquals(0x7f, elf[0]);
        assertEquals(183, (elf[18] & 0xff) | (elf[19] & 0xff) << 8, "e_machine EM_AARCH64");
    }

    @Test
    void localWorkFolderIsPrivateAndRemovedOnClose() throws Exception {
        Path dir;
        try (var c = new LocalTransport().open("local")) {
            dir = Path.of(c.workDir());
            Path agent = Path.of(c.push(new byte[] {1, 2}, "edgewise-agent", true));
            assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
            assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(agent)));
            assertThrows(IOException.class, () -> c.push(new byte[0], "../escape", false));
        }
        assertFalse(Files.exists(dir));
    }
}
