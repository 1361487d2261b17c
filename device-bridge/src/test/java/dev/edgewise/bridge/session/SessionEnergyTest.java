package dev.edgewise.bridge.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgewise.bridge.local.LocalTransport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Energy through the session on a fake sysfs tree (the agent's --sysfs-root), as the C sensor tests
 * build them: a battery that draws 2 W while idle and 3 W from warm-up on (the test rewrites
 * current_now when the warm-up Progress arrives), and a cpufreq core with its governor.
 */
class SessionEnergyTest {
    @Test
    void batteryEnergyPerInferenceFollowsTheFormulaExactly(@TempDir Path sysfs) throws Exception {
        Path battery = Files.createDirectories(sysfs.resolve("class/power_supply/battery"));
        write(battery.resolve("voltage_now"), "4000000");   // uV: 4 V
        write(battery.resolve("current_now"), "500000");    // uA: 0.5 A -> 2 W idle
        Path cpu0 = Files.createDirectories(sysfs.resolve("devices/system/cpu/cpu0/cpufreq"));
        write(cpu0.resolve("scaling_cur_freq"), "1800000");
        write(cpu0.resolve("scaling_governor"), "schedutil");
        AtomicBoolean flipped = new AtomicBoolean();
        // 2000 warm-up iterations (~1 s here) leave time for the new current to be read before the window
        RunOptions options = new RunOptions(2000, 100, 0, 1, List.of(), false, 200, Map.of(), false);
        RunResult r;
        try (AgentSession s = AgentSession.open(new LocalTransport().open("local"), List.of("--sysfs-root", sysfs.toString()))) {
            assertTrue(s.deviceInfo().getSensorsList().stream().anyMatch(x -> x.startsWith("battery battery")),
                s.deviceInfo().getSensorsList().toString());
            RunHandle h = s.run(SessionTesting.digitsPlan().plan().toByteArray(), options);
            h.onEvent(e -> {
                if (e instanceof RunEvent.Progress p && p.stage().equals("warmup") && flipped.compareAndSet(false, true)) {
                    try {
                        write(battery.resolve("current_now"), "-750");  // mA, discharging sign: 0.75 A -> 3 W
                    } catch (IOException ex) {
                        throw new IllegalStateException(ex);
                    }
                }
            });
            r = h.result().get(60, TimeUnit.SECONDS);
        }
        assertEquals(RunStatus.COMPLETED, r.status(), () -> r.failure().toString());
        EnergyMeasurement e = r.energy().orElseThrow();
        double idle = (500000 * 1e-6) * (4000000 * 1e-6);  // the agent's unit rules (bridge-protocol.md)
        double window = (750 * 1e-3) * (4000 * 1e-3);
        assertTrue(e.measured());
        assertEquals("battery:battery", e.source());
        assertEquals("mean-instantaneous", e.method());
        assertEquals(idle, e.idleWatts());
        assertEquals(window, e.windowWatts());
        double mean = r.latency().orElseThrow().mean();
        assertEquals((window - idle) * mean, e.joulesPerInference());
        assertEquals(1.0 / e.joulesPerInference(), e.inferencesPerSecondPerWatt());
        assertFalse(e.frequencyThrottled());
        assertTrue(e.samples() > 0);
        assertEquals("schedutil", r.provenance().governor());
        List<RunEvent.PowerSampled> power = r.samples().stream().filter(x -> x instanceof RunEvent.PowerSampled)
            .map(x -> (RunEvent.PowerSampled) x).toList();
        assertTrue(power.stream().allMatch(p -> p.source().equals("battery:battery") && (p.watts() == idle || p.watts() == window)),
            power.toString());
        assertTrue(power.stream().anyMatch(p -> p.watts() == idle) && power.stream().anyMatch(p -> p.watts() == window));
        assertTrue(r.samples().stream().anyMatch(x -> x instanceof RunEvent.FrequencySampled f && f.khz() == 1800000
            && f.governor().equals("schedutil")));
        System.out.printf("energy via session (fake battery): idle %.3f W, window %.3f W, %.3e J/inference, %d samples%n",
            e.idleWatts(), e.windowWatts(), e.joulesPerInference(), e.samples());
    }

    @Test
    void noPowerSensorMeansNoneAndNoNumbers(@TempDir Path sysfs) throws Exception {
        try (AgentSession s = AgentSession.open(new LocalTransport().open("local"), List.of("--sysfs-root", sysfs.toString()))) {
            RunResult r = s.run(SessionTesting.digitsPlan().plan().toByteArray(),
                new RunOptions(1, 5, 0, 1, List.of(), false, 50, Map.of(), false)).result().get(60, TimeUnit.SECONDS);
            assertEquals(RunStatus.COMPLETED, r.status());
            EnergyMeasurement e = r.energy().orElseThrow();
            assertFalse(e.measured());
            assertEquals("none", e.source());
            assertTrue(Double.isNaN(e.idleWatts()) && Double.isNaN(e.windowWatts()) && Double.isNaN(e.joulesPerInference())
                && Double.isNaN(e.inferencesPerSecondPerWatt()), e.toString());
            assertEquals("", r.provenance().governor());
            assertTrue(r.samples().isEmpty());
        }
    }

    /** Written beside and renamed, so the sampling thread never reads half a value. */
    private static void write(Path file, String value) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, value + "\n");
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
