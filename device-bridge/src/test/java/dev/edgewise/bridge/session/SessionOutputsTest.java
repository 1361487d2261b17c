package dev.edgewise.bridge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgewise.bridge.plan.CompiledPlan;
import dev.edgewise.bridge.transport.DeviceKind;
import dev.edgewise.core.testing.OrtRunner;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The same digits_cnn plan through {@link Devices} on this computer and on emulated ARM: outputs against
 * ONNX Runtime (max |diff| / max |ref| <= 1e-4, as AgentClientTest), events, statistics and labels.
 */
class SessionOutputsTest {
    private static final long SEED = 7;

    @Test
    void localRunMatchesOnnxRuntimeAndIsLabelledMeasured() throws Exception {
        RunResult r = runDigits("local", 6);
        assertEquals(DeviceKind.LOCAL, r.provenance().kind());
        assertFalse(r.provenance().emulated());
        assertTrue(r.provenance().timingLabel().startsWith("measured on this computer"), r.provenance().timingLabel());
    }

    @Test
    void emulatedCortexA53RunMatchesOnnxRuntimeAndIsLabelledEmulated() throws Exception {
        RunResult r = runDigits("qemu:cortex-a53", 3);
        assertEquals(DeviceKind.EMULATED, r.provenance().kind());
        assertTrue(r.provenance().emulated());
        assertEquals("emulated (qemu-aarch64 -cpu cortex-a53): outputs correct, timings not representative",
            r.provenance().timingLabel());
        assertEquals("aarch64", r.provenance().abi());
    }

    private static RunResult runDigits(String deviceId, int iterations) throws Exception {
        CompiledPlan plan = SessionTesting.digitsPlan();
        Map<String, long[]> shapes = SessionTesting.inputShapes(plan);
        Map<String, float[]> reference = OrtRunner.run(Files.readAllBytes(SessionTesting.MODEL), shapes, SEED);
        Map<String, float[]> inputs = SessionTesting.ortRunnerInputs(shapes, SEED);
        RunOptions options = new RunOptions(1, iterations, 0, 2, List.of(), true, 0, inputs, true);
        RunResult r;
        List<RunEvent> events = new ArrayList<>();
        try (DeviceSession s = Devices.standard().open(deviceId)) {
            RunHandle h = s.run(plan.plan().toByteArray(), options);
            h.onEvent(events::add);
            r = h.result().get(120, TimeUnit.SECONDS);
        }
        assertEquals(RunStatus.COMPLETED, r.status(), () -> r.failure().toString());
        assertEquals(iterations, r.iterationSeconds().size());
        assertEquals(iterations, r.latency().orElseThrow().count());
        assertEquals(iterations, events.stream().filter(e -> e instanceof RunEvent.IterationTimed).count());
        assertEquals(plan.plan().getOpsCount(), r.layerMeanSeconds().size());
        assertEquals(plan.plan().getOps(0).getName(), r.layerMeanSeconds().keySet().iterator().next());
        assertTrue(r.energy().isEmpty(), "no sampling asked");
        assertEquals(reference.keySet(), r.outputs().keySet());
        for (var e : reference.entrySet()) {
            double err = SessionTesting.relativeError(r.outputs().get(e.getKey()).values(), e.getValue());
            assertTrue(err <= 1e-4, deviceId + " " + e.getKey() + ": max relative error vs ONNX Runtime " + err);
            System.out.printf("session digits_cnn on %s: %s max rel err %.2e, mean %.1f us [%s]%n", deviceId, e.getKey(),
                err, r.latency().orElseThrow().mean() * 1e6, r.provenance().timingLabel());
        }
        assertEquals(2, r.provenance().threads());
        assertEquals(64, r.provenance().planSha256().length());
        assertTrue(SessionTesting.threadsLeftAfter(2000).isEmpty(), () -> "threads left: " + SessionTesting.sessionThreads());
        return r;
    }
}
