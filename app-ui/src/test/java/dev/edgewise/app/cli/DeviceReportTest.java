package dev.edgewise.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgewise.bridge.plan.CompileOptions;
import dev.edgewise.bridge.plan.CompiledPlan;
import dev.edgewise.bridge.plan.PlanCompiler;
import dev.edgewise.bridge.proto.DeviceInfo;
import dev.edgewise.bridge.session.EnergyMeasurement;
import dev.edgewise.bridge.session.RunEvent;
import dev.edgewise.bridge.session.RunOptions;
import dev.edgewise.bridge.session.RunProvenance;
import dev.edgewise.bridge.session.RunResult;
import dev.edgewise.bridge.session.RunStatus;
import dev.edgewise.bridge.session.TimingStatistics;
import dev.edgewise.bridge.transport.DeviceDescriptor;
import dev.edgewise.bridge.transport.DeviceKind;
import dev.edgewise.core.analysis.Analyzer;
import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.analysis.Provenance;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.report.DeviceSection;
import dev.edgewise.core.spi.ImportOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The parts of a run this machine's sensors cannot produce (no RAPL in the container): a measured
 * energy figure, power/frequency traces and throttling, on a board and under qemu, through the
 * report section and the JSON labels.
 */
class DeviceReportTest {
    private static final DeviceDescriptor BOARD = new DeviceDescriptor("ssh:pi@board:22", DeviceKind.SSH, "Raspberry Pi 5",
        "aarch64", Map.of());
    private static final DeviceDescriptor QEMU = new DeviceDescriptor("qemu:cortex-a53", DeviceKind.EMULATED,
        "qemu-aarch64 -cpu cortex-a53", "aarch64", Map.of());

    private static ProfileRuns.Profiled profiled(DeviceDescriptor d) throws Exception {
        Path model = Path.of(System.getProperty("edgewise.samples", "../samples")).resolve("models/digits_cnn.onnx");
        Analyzer analyzer = Analyzer.withDefaults();
        Graph g = analyzer.importers().load(model, ImportOptions.DEFAULT);
        CompiledPlan plan = PlanCompiler.compile(g, CompileOptions.DEFAULT);
        ProfileCommand.Subject s = new ProfileCommand.Subject("baseline", model.toString(), g, plan, plan.plan().toByteArray(),
            analyzer.analyze(g, DimBindings.NONE));
        boolean emulated = d.kind() == DeviceKind.EMULATED;
        List<RunEvent> samples = List.of(
            new RunEvent.PowerSampled(0.00, "rapl:intel-rapl:0/package-0", 4.0),
            new RunEvent.FrequencySampled(0.00, 4, 2_400_000, "schedutil"),
            new RunEvent.PowerSampled(0.02, "rapl:intel-rapl:0/package-0", 6.0),
            new RunEvent.FrequencySampled(0.02, 4, 1_800_000, "schedutil"),
            new RunEvent.ThermalSampled(0.02, "cpu-thermal", 71.5));
        EnergyMeasurement e = new EnergyMeasurement(true, "rapl:intel-rapl:0/package-0", "window minus idle", 3.0, 5.0,
            0.002, 250.0, true, false, 2);
        RunProvenance prov = new RunProvenance(d.id(), d.kind(), d.name(), "aarch64", "0.1.0", "aarch64 NEON", "ab".repeat(32),
            1, List.of(4), "schedutil", emulated, emulated ? "emulated (qemu-aarch64 -cpu cortex-a53)" : "measured on " + d.name());
        RunResult r = new RunResult(RunStatus.COMPLETED, Optional.empty(),
            Optional.of(new TimingStatistics(3, 0.001, 0.002, 0.002, 0.003, 0.003, 0.0008, 0.003)),
            List.of(0.001, 0.002, 0.003), Map.of("/features/features.3/Conv", 0.0015, "/features/features.0/Conv", 0.0005),
            Optional.of(e), samples, Map.of(), prov);
        return new ProfileRuns.Profiled(s, new RunOptions(1, 3, 0, 1, List.of(4), true, 50, Map.of(), false), "seeded",
            r, List.of(), null);
    }

    @Test
    void measuredEnergyNamesItsSensorAndThrottlingIsLocated() throws Exception {
        ProfileRuns.Profiled p = profiled(BOARD);
        DeviceSection s = DeviceReport.section(p, DeviceInfo.newBuilder().setCores(4).setCpuModel("Cortex-A76").build(), BOARD);
        assertThat(s.power().origin().provenance()).isEqualTo(Provenance.MEASURED);
        assertThat(s.power().origin().source()).isEqualTo("rapl:intel-rapl:0/package-0");
        assertThat(s.power().energyPerInferenceMj()).isEqualTo(2.0);
        assertThat(s.latency().origin().source()).isEqualTo("CLOCK_MONOTONIC on ssh:pi@board:22");
        assertThat(s.latency().meanMs()).isEqualTo(2.0, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(s.traces()).extracting(DeviceSection.Trace::name)
            .containsExactly("power rapl:intel-rapl:0/package-0", "cpu4 frequency", "temperature cpu-thermal");
        assertThat(s.throttling()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo("frequency");
            assertThat(f.detail()).isEqualTo("cpu4 dropped from 2400 to 1800 MHz");
            assertThat(f.atSeconds()).isEqualTo(0.02);
        });
        assertThat(s.layerTimes()).extracting(DeviceSection.LayerTime::share).containsExactlyInAnyOrder(0.75, 0.25);
    }

    @Test
    void underQemuEvenSensorReadingsAreLabelledEmulated() throws Exception {
        ProfileRuns.Profiled p = profiled(QEMU);
        DeviceSection s = DeviceReport.section(p, DeviceInfo.getDefaultInstance(), QEMU);
        assertThat(s.power().origin().provenance()).isEqualTo(Provenance.EMULATED);
        assertThat(s.traces()).allSatisfy(t -> assertThat(t.origin().provenance()).isEqualTo(Provenance.EMULATED));
        assertThat(s.latency().origin().provenance()).isEqualTo(Provenance.EMULATED);

        ProfileRuns.Outcome o = new ProfileRuns.Outcome(QEMU, DeviceInfo.getDefaultInstance(), p, null, null, false, List.of());
        JsonNode energy = new ObjectMapper().readTree(ProfileJson.render(o)).get("baseline").get("energy");
        assertThat(energy.get("energy_per_inference").get("label").asText()).isEqualTo("emulated");
        assertThat(energy.get("energy_per_inference_estimate").get("label").asText()).isEqualTo("estimated");
        assertThat(energy.get("energy_per_inference_estimate").get("source").asText())
            .isEqualTo("energy model: Horowitz 45 nm CMOS energy table");
    }
}
