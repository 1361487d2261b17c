package dev.edgewise.app.gui.device;

import dev.edgewise.bridge.proto.DeviceInfo;
import dev.edgewise.bridge.proto.Sensor;
import dev.edgewise.bridge.session.DeviceSession;
import dev.edgewise.bridge.session.EnergyMeasurement;
import dev.edgewise.bridge.session.RunEvent;
import dev.edgewise.bridge.session.RunHandle;
import dev.edgewise.bridge.session.RunOptions;
import dev.edgewise.bridge.session.RunProvenance;
import dev.edgewise.bridge.session.RunResult;
import dev.edgewise.bridge.session.RunStatus;
import dev.edgewise.bridge.session.TimingStatistics;
import dev.edgewise.bridge.transport.DeviceDescriptor;
import dev.edgewise.bridge.transport.DeviceKind;
import dev.edgewise.bridge.transport.Discovery;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Scripted devices for view-model tests: discovery answers what the test says, sessions record
 * what they were asked, and each run's events and end are pushed by the test.
 */
final class FakeDevices implements DeviceService {
    static final DeviceDescriptor LOCAL = new DeviceDescriptor("local", DeviceKind.LOCAL, "test host", "x86_64", Map.of());
    static final DeviceDescriptor QEMU = new DeviceDescriptor("qemu:cortex-a76", DeviceKind.EMULATED,
        "qemu-aarch64 -cpu cortex-a76", "aarch64", Map.of("qemu", "/usr/bin/qemu-aarch64"));

    List<Discovery> discoveries = List.of(new Discovery("local", List.of(LOCAL), List.of()),
        new Discovery("qemu", List.of(QEMU), List.of()),
        new Discovery("adb", List.of(), List.of("adb server not running on 127.0.0.1:5037")));
    IOException openFailure;
    List<Sensor> sensors = List.of();
    final List<FakeSession> sessions = new CopyOnWriteArrayList<>();

    @Override
    public List<Discovery> discover() {
        return discoveries;
    }

    @Override
    public DeviceSession open(String deviceId) throws IOException {
        if (openFailure != null) {
            throw openFailure;
        }
        DeviceDescriptor d = discoveries.stream().flatMap(x -> x.devices().stream()).filter(x -> x.id().equals(deviceId))
            .findFirst().orElseThrow(() -> new IOException("no device " + deviceId));
        FakeSession s = new FakeSession(d, sensors);
        sessions.add(s);
        return s;
    }

    @Override
    public String defaultDeviceId() {
        return QEMU.id();
    }

    FakeSession lastSession() {
        return sessions.get(sessions.size() - 1);
    }

    static final class FakeSession implements DeviceSession {
        final DeviceDescriptor device;
        final List<FakeRun> runs = new CopyOnWriteArrayList<>();
        final List<byte[]> plans = new CopyOnWriteArrayList<>();
        private final DeviceInfo info;
        volatile boolean closed;

        FakeSession(DeviceDescriptor device, List<Sensor> sensors) {
            this.device = device;
            this.info = DeviceInfo.newBuilder().setAgentVersion("edgewise-agent test").setArch(device.abi())
                .setCores(4).setCpuModel("test cpu").setEmulated(device.kind() == DeviceKind.EMULATED)
                .addAllSensorList(sensors).build();
        }

        @Override
        public DeviceDescriptor device() {
            return device;
        }

        @Override
        public DeviceInfo deviceInfo() {
            return info;
        }

        @Override
        public RunHandle run(byte[] plan, RunOptions options) {
            if (closed) {
                throw new IllegalStateException("session closed");
            }
            plans.add(plan);
            FakeRun r = new FakeRun(this, options);
            runs.add(r);
            return r;
        }

        @Override
        public void close() {
            closed = true;
        }

        FakeRun lastRun() {
            return runs.get(runs.size() - 1);
        }
    }

    /** A run whose events and end the test pushes; cancel() ends it CANCELLED unless told to ignore it. */
    static final class FakeRun implements RunHandle {
        final FakeSession session;
        final RunOptions options;
        final CompletableFuture<RunResult> result = new CompletableFuture<>();
        final List<Consumer<RunEvent>> listeners = new CopyOnWriteArrayList<>();
        final List<RunEvent> delivered = new CopyOnWriteArrayList<>();
        final List<Double> iterations = new CopyOnWriteArrayList<>();
        volatile boolean ignoreCancel;
        volatile int cancels;

        FakeRun(FakeSession session, RunOptions options) {
            this.session = session;
            this.options = options;
        }

        @Override
        public synchronized void onEvent(Consumer<RunEvent> listener) {
            delivered.forEach(listener);
            listeners.add(listener);
        }

        synchronized void emit(RunEvent e) {
            delivered.add(e);
            if (e instanceof RunEvent.IterationTimed it) {
                iterations.add(it.seconds());
            }
            listeners.forEach(l -> l.accept(e));
        }

        @Override
        public CompletableFuture<RunResult> result() {
            return result;
        }

        @Override
        public void cancel() {
            cancels++;
            if (!ignoreCancel) {
                end(RunStatus.CANCELLED, null, Map.of(), null);
            }
        }

        void end(RunStatus status, RunEvent.Failed failure, Map<String, Double> layers, EnergyMeasurement energy) {
            List<Double> its = new ArrayList<>(iterations);
            Optional<TimingStatistics> stats = its.isEmpty() ? Optional.empty() : Optional.of(stats(its));
            result.complete(new RunResult(status, Optional.ofNullable(failure), stats, its, new LinkedHashMap<>(layers),
                Optional.ofNullable(energy), delivered.stream().filter(e -> e instanceof RunEvent.PowerSampled
                    || e instanceof RunEvent.ThermalSampled || e instanceof RunEvent.FrequencySampled).toList(),
                Map.of(), provenance(session.device, options)));
        }
    }

    static TimingStatistics stats(List<Double> s) {
        double[] v = s.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double mean = java.util.Arrays.stream(v).average().orElse(Double.NaN);
        double var = java.util.Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum() / v.length;
        return new TimingStatistics(v.length, v[0], mean, v[v.length / 2], v[(int) (v.length * 0.9)],
            v[(int) (v.length * 0.99)], Math.sqrt(var), v[v.length - 1]);
    }

    static RunProvenance provenance(DeviceDescriptor d, RunOptions o) {
        boolean emulated = d.kind() == DeviceKind.EMULATED;
        return new RunProvenance(d.id(), d.kind(), d.name(), d.abi(), "edgewise-agent test", "scalar+neon",
            "ab".repeat(32), o.threads(), o.cpus(), "", emulated, emulated
                ? "emulated (qemu-aarch64 -cpu cortex-a76): outputs correct, timings not representative"
                : "measured on " + d.id() + " (CLOCK_MONOTONIC)");
    }
}
