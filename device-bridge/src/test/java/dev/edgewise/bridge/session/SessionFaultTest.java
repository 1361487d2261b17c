package dev.edgewise.bridge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgewise.bridge.local.EmulatedTransport;
import dev.edgewise.bridge.local.LocalProcess;
import dev.edgewise.bridge.local.LocalTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Faults in the middle of a measured run: the agent killed, the link dropped, the agent stopped.
 * Each must give one fatal Failed event within 2 s, a FAILED result that keeps the iterations
 * measured before (statistics computed on the host), the connection cleaned up and no thread left.
 */
class SessionFaultTest {
    private static final RunOptions LONG_RUN = new RunOptions(0, 0, 120, 1, List.of(), false, 0, Map.of(), false);

    @Test
    void agentKilledMidRunIsReportedAsExited() throws Exception {
        AgentSession s = AgentSession.open(new LocalTransport().open("local"), List.of());
        RunResult r = faultAfterIterations(s, 3, () -> ((LocalProcess) s.agentProcess()).kill9());
        assertEquals(RunEvent.FailureKind.AGENT_EXITED, r.failure().orElseThrow().kind(), r.failure().toString());
        assertTrue(r.failure().get().message().contains("signal 9"), r.failure().get().message());
    }

    @Test
    void agentKilledUnderQemuIsReportedAsExited() throws Exception {
        AgentSession s = AgentSession.open(new EmulatedTransport().open("qemu:cortex-a53"), List.of());
        RunResult r = faultAfterIterations(s, 2, () -> ((LocalProcess) s.agentProcess()).kill9());
        assertEquals(RunEvent.FailureKind.AGENT_EXITED, r.failure().orElseThrow().kind(), r.failure().toString());
        assertTrue(r.provenance().emulated());
    }

    @Test
    void droppedLinkIsReportedAsConnectionLostAndTheAgentIsStopped() throws Exception {
        SocketRelayConnection link = new SocketRelayConnection(new LocalTransport().open("local"));
        AgentSession s = AgentSession.open(link, List.of());
        RunResult r = faultAfterIterations(s, 3, link::drop);
        assertEquals(RunEvent.FailureKind.CONNECTION_LOST, r.failure().orElseThrow().kind(), r.failure().toString());
        assertFalse(link.agent().isAlive(), "the agent behind the dropped link was left running");
    }

    @Test
    void stoppedAgentIsReportedAsSilent() throws Exception {
        AgentSession s = AgentSession.open(new LocalTransport().open("local"), List.of());
        long pid = ((LocalProcess) s.agentProcess()).pid();
        RunResult r = faultAfterIterations(s, 3, () -> signal("STOP", pid));
        assertEquals(RunEvent.FailureKind.AGENT_SILENT, r.failure().orElseThrow().kind(), r.failure().toString());
        assertFalse(s.agentProcess().isAlive(), "the stopped agent was left behind");
    }

    /** Starts a 120 s run, injects {@code fault} after {@code n} iterations, checks the common guarantees. */
    private static RunResult faultAfterIterations(AgentSession s, int n, ThrowingRunnable fault) throws Exception {
        Path workDir = Path.of(s.connection().workDir());
        assertTrue(Files.isDirectory(workDir));
        AtomicLong faultAt = new AtomicLong();
        AtomicLong failedAt = new AtomicLong();
        AtomicReference<Exception> faultError = new AtomicReference<>();
        CountDownLatch enough = new CountDownLatch(n);
        RunResult r;
        try (s) {
            RunHandle h = s.run(SessionTesting.digitsPlan().plan().toByteArray(), LONG_RUN);
            h.onEvent(e -> {
                if (e instanceof RunEvent.IterationTimed) {
                    enough.countDown();
                } else if (e instanceof RunEvent.Failed f && f.fatal()) {
                    failedAt.compareAndSet(0, System.nanoTime());
                }
            });
            assertTrue(enough.await(60, TimeUnit.SECONDS), "no iterations");
            faultAt.set(System.nanoTime());
            try {
                fault.run();
            } catch (Exception e) {
                faultError.set(e);
            }
            r = h.result().get(10, TimeUnit.SECONDS);
        }
        assertEquals(null, faultError.get());
        double seconds = (failedAt.get() - faultAt.get()) / 1e9;
        System.out.printf("fault on %s: %s after %.2f s, %d iterations kept%n", s.device().id(),
            r.failure().map(f -> f.kind().toString()).orElse("?"), seconds, r.iterationSeconds().size());
        assertEquals(RunStatus.FAILED, r.status());
        assertTrue(failedAt.get() != 0 && seconds < 2.0, "fatal Failed event " + seconds + " s after the fault");
        assertTrue(r.iterationSeconds().size() >= n, "partial iterations kept: " + r.iterationSeconds().size());
        TimingStatistics stats = r.latency().orElseThrow();
        assertEquals(r.iterationSeconds().size(), stats.count(), "host statistics over the kept iterations");
        assertEquals(RunResults.statistics(r.iterationSeconds()).orElseThrow(), stats);
        assertTrue(s.isBroken());
        assertFalse(Files.exists(workDir), "pushed files left in " + workDir);
        assertTrue(SessionTesting.threadsLeftAfter(2000).isEmpty(), () -> "threads left: " + SessionTesting.sessionThreads());
        RunResult after = s.run(new byte[] {1}, LONG_RUN).result().get(1, TimeUnit.SECONDS);
        assertEquals(RunStatus.FAILED, after.status(), "a broken session refuses further runs");
        return r;
    }

    static void signal(String name, long pid) throws Exception {
        Process k = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertEquals(0, k.waitFor(), "kill -" + name + " " + pid);
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
