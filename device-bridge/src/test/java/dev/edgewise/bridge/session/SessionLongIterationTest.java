package dev.edgewise.bridge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgewise.bridge.plan.CompileOptions;
import dev.edgewise.bridge.plan.PlanCompiler;
import dev.edgewise.core.zoo.ModelZoo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One honest iteration longer than the silence limit: a MobileNetV2-shaped model at 320x320 under
 * qemu-aarch64 -cpu cortex-a53 on one thread takes seconds per inference (3-7 s here, load-dependent). The heartbeat keeps
 * the session from calling it silent.
 */
class SessionLongIterationTest {
    @Test
    void anIterationLongerThanTheSilenceLimitIsNotSilent() throws Exception {
        byte[] plan = PlanCompiler.compile(ModelZoo.mobilenetV2(1, 320, 10), CompileOptions.DEFAULT).plan().toByteArray();
        List<RunEvent> events = new ArrayList<>();
        RunResult r;
        try (DeviceSession s = Devices.standard().open("qemu:cortex-a53")) {
            RunHandle h = s.run(plan, new RunOptions(0, 1, 0, 1, List.of(), false, 0, Map.of(), false));
            h.onEvent(events::add);
            r = h.result().get(180, TimeUnit.SECONDS);
        }
        assertEquals(RunStatus.COMPLETED, r.status(), () -> r.failure().toString());
        double iteration = r.iterationSeconds().get(0);
        long beats = events.stream().filter(e -> e instanceof RunEvent.Progress p && p.stage().equals("measuring")).count();
        System.out.printf("long iteration under qemu: %.2f s, %d 'measuring' heartbeats, plan %d bytes%n", iteration, beats,
            plan.length);
        assertTrue(iteration > AgentSession.SILENCE_LIMIT.toMillis() / 1000.0,
            "the iteration (" + iteration + " s) must outlast the silence limit for this test to mean anything");
        assertTrue(beats >= (long) (iteration / 0.25) / 2, beats + " heartbeats in " + iteration + " s");
    }
}
