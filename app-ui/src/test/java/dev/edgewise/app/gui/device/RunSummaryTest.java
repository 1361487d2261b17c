package dev.edgewise.app.gui.device;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.app.gui.fixtures.Models;
import dev.edgewise.bridge.session.EnergyMeasurement;
import dev.edgewise.bridge.session.RunEvent;
import dev.edgewise.bridge.session.RunOptions;
import dev.edgewise.bridge.session.RunResult;
import dev.edgewise.bridge.session.RunStatus;
import dev.edgewise.core.analysis.Provenance;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every figure of the Results section carries where it came from. */
class RunSummaryTest {
    private static RunResult result(dev.edgewise.bridge.transport.DeviceDescriptor d, RunStatus status,
                                    List<Double> its, EnergyMeasurement energy, List<RunEvent> samples) {
        RunOptions o = new RunOptions(2, Math.max(1, its.size()), 0, 2, List.of(4, 5), true, 50, Map.of(), false);
        return new RunResult(status, Optional.empty(), its.isEmpty() ? Optional.empty()
            : Optional.of(FakeDevices.stats(its)), its, Map.of(), Optional.ofNullable(energy), samples, Map.of(),
            FakeDevices.provenance(d, o));
    }

    @Test
    void emulatedRunsAreLabelledEmulatedOnEveryTiming() {
        RunSummary s = RunSummary.of(result(FakeDevices.QEMU, RunStatus.COMPLETED, List.of(0.010, 0.012, 0.011),
            null, List.of()), null);
        assertThat(s.provenance()).isEqualTo(Provenance.EMULATED);
        assertThat(s.headline()).isEqualTo("Completed 3 iterations on qemu:cortex-a76");
        assertThat(s.timingLabel()).startsWith("emulated (qemu-aarch64");
        assertThat(s.statistics()).extracting(RunSummary.Row::name)
            .containsExactly("iterations", "min", "mean", "p50", "p90", "p99", "max", "std");
        assertThat(s.statistics()).allSatisfy(r -> assertThat(r.label()).startsWith("emulated"));
        assertThat(s.statistics().get(2).value()).isEqualTo("11.0 ms");
        assertThat(s.energy().get(0)).isEqualTo(new RunSummary.Row("energy per inference", "not measured",
            "sensor sampling was off"));
        assertThat(s.oneLine()).endsWith("mean 11.0 ms (emulated)");
    }

    @Test
    void measuredRunsNameTheClockAndThePowerSensor() {
        EnergyMeasurement e = new EnergyMeasurement(true, "rapl:intel-rapl:0/package-0", "counter delta / window time",
            1.5, 4.0, 0.025, 40, false, true, 120);
        List<RunEvent> samples = List.of(new RunEvent.FrequencySampled(0.1, 0, 2_000_000, "performance"),
            new RunEvent.ThermalSampled(0.1, "zone0", 80));
        RunSummary s = RunSummary.of(result(FakeDevices.LOCAL, RunStatus.COMPLETED, List.of(0.01, 0.01), e, samples),
            Models.resnetTiny().analysis());
        assertThat(s.provenance()).isEqualTo(Provenance.MEASURED);
        assertThat(s.statistics()).allSatisfy(r -> assertThat(r.label()).isEqualTo("measured · CLOCK_MONOTONIC"));
        assertThat(s.energy().get(0)).isEqualTo(new RunSummary.Row("energy per inference", "25.0 mJ",
            "measured · rapl:intel-rapl:0/package-0"));
        assertThat(s.energy()).anySatisfy(r -> {
            assertThat(r.name()).isEqualTo("energy estimate per inference");
            assertThat(r.label()).isEqualTo("estimated · energy model");
            assertThat(r.note()).startsWith("test fixture");
        });
        assertThat(s.throttling()).containsExactly("CPU frequency: no drop seen",
            "A thermal trip point was reached during the run");
        assertThat(s.origin()).contains(new RunSummary.Row("CPU affinity", "4,5", ""),
            new RunSummary.Row("threads", "2", ""), new RunSummary.Row("governor", "— (no cpufreq)", ""));
    }

    @Test
    void aDeviceWithoutPowerSensorSaysSo() {
        EnergyMeasurement none = new EnergyMeasurement(false, "none", "", Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, false, false, 0);
        RunSummary s = RunSummary.of(result(FakeDevices.LOCAL, RunStatus.COMPLETED, List.of(0.01), none, List.of()), null);
        assertThat(s.energy()).containsExactly(new RunSummary.Row("energy per inference", "not measured",
            "no power sensor on local"));
        assertThat(s.throttling()).containsExactly("CPU frequency: not known (no cpufreq readings)",
            "Temperature: not known (no thermal zone readings)");
    }

    @Test
    void cancelledRunsSayTheirStatisticsComeFromTheIterationsBefore() {
        RunSummary s = RunSummary.of(result(FakeDevices.LOCAL, RunStatus.CANCELLED, List.of(0.01, 0.02), null,
            List.of()), null);
        assertThat(s.headline()).isEqualTo("Cancelled on local after 2 iterations (statistics from those)");
        assertThat(s.statistics().get(0).label()).contains("host, from the iterations before the end");
        RunSummary empty = RunSummary.of(result(FakeDevices.LOCAL, RunStatus.CANCELLED, List.of(), null, List.of()),
            null);
        assertThat(empty.headline()).isEqualTo("Cancelled on local after 0 iterations");
        assertThat(empty.statistics()).isEmpty();
    }
}
