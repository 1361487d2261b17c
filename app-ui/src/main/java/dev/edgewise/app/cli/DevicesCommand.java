package dev.edgewise.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.edgewise.app.cli.UserErrorHandler.UserInputException;
import dev.edgewise.bridge.proto.DeviceInfo;
import dev.edgewise.bridge.session.DeviceSession;
import dev.edgewise.bridge.session.Devices;
import dev.edgewise.bridge.transport.DeviceDescriptor;
import dev.edgewise.bridge.transport.DeviceKind;
import dev.edgewise.bridge.transport.Discovery;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgewise devices}: every transport's discovery, each device opened (bounded in time) so
 * that what only the agent can say (cores, sensors, CPU) is listed too, plus the problems that kept
 * other devices from being listed.
 */
@Command(name = "devices", mixinStandardHelpOptions = true,
    description = {"List the devices Edgewise can reach (this computer, emulated ARM, Android over ADB, boards over SSH)",
        "with their kind, model, ABI, cores and sensors, and why others are missing."})
final class DevicesCommand implements Callable<Integer> {
    enum Format { table, json }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--format", defaultValue = "table", description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--probe-timeout", defaultValue = "20", paramLabel = "SECONDS",
        description = "Longest wait for one device to start the agent and describe itself (default: ${DEFAULT-VALUE}).")
    double probeTimeout;

    @Option(names = "--no-probe", description = "Only list what discovery found; do not start the agent on each device.")
    boolean noProbe;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
    Path output;

    @Option(names = "--verbose", description = "Show stack traces of errors.")
    boolean verbose;

    /** One listed device: what discovery said, and what the agent said when it was opened (or why not). */
    record Probed(DeviceDescriptor device, DeviceInfo info, String problem) {
    }

    @Override
    public Integer call() {
        if (probeTimeout <= 0) {
            throw new UserInputException("--probe-timeout " + probeTimeout + ": must be more than 0 seconds");
        }
        Devices devices = Devices.standard();
        List<Discovery> found = devices.discover();
        List<Probed> probed = noProbe ? unprobed(found) : probe(devices, found);
        String text = format == Format.json ? json(found, probed) : table(found, probed);
        ProfileOutput.emit(spec.commandLine().getOut(), output, text);
        return 0;
    }

    private static List<Probed> unprobed(List<Discovery> found) {
        List<Probed> out = new ArrayList<>();
        found.forEach(d -> d.devices().forEach(dev -> out.add(new Probed(dev, null, null))));
        return out;
    }

    /**
     * Opens every device at once on its own thread and waits at most the probe timeout for each:
     * one silent board must not hold up the listing. A session that opens after its deadline is
     * closed as soon as it does.
     */
    private List<Probed> probe(Devices devices, List<Discovery> found) {
        List<DeviceDescriptor> all = new ArrayList<>();
        found.forEach(d -> all.addAll(d.devices()));
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(all.size(), 16)), r -> {
            Thread t = new Thread(r, "edgewise-probe");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<DeviceDescriptor, CompletableFuture<DeviceInfo>> pending = new LinkedHashMap<>();
            for (DeviceDescriptor d : all) {
                pending.put(d, CompletableFuture.supplyAsync(() -> describe(devices, d.id()), pool));
            }
            long deadline = System.nanoTime() + (long) (probeTimeout * 1e9);
            List<Probed> out = new ArrayList<>();
            for (Map.Entry<DeviceDescriptor, CompletableFuture<DeviceInfo>> e : pending.entrySet()) {
                out.add(await(e.getKey(), e.getValue(), deadline));
            }
            return out;
        } finally {
            pool.shutdown();
        }
    }

    private Probed await(DeviceDescriptor d, CompletableFuture<DeviceInfo> f, long deadline) {
        try {
            long left = Math.max(0, deadline - System.nanoTime());
            return new Probed(d, f.get(left, TimeUnit.NANOSECONDS), null);
        } catch (TimeoutException e) {
            return new Probed(d, null, "did not answer within " + ProfileText.number(probeTimeout) + " s");
        } catch (ExecutionException e) {
            Throwable c = e.getCause() instanceof java.util.concurrent.CompletionException ce && ce.getCause() != null
                ? ce.getCause() : e.getCause();
            return new Probed(d, null, c.getMessage() == null ? c.toString() : c.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Probed(d, null, "interrupted");
        }
    }

    private static DeviceInfo describe(Devices devices, String id) {
        try (DeviceSession s = devices.open(id)) {
            return s.deviceInfo();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage(), e);
        }
    }

    static String table(List<Discovery> found, List<Probed> probed) {
        TextTable t = new TextTable("id", "kind", "model", "ABI", "cores", "sensors");
        for (Probed p : probed) {
            DeviceInfo i = p.info();
            String model = p.device().name();
            if (i != null && !i.getCpuModel().isBlank() && !model.contains(i.getCpuModel())) {
                // under qemu-user /proc/cpuinfo is the host's: say whose CPU it is
                model += (i.getEmulated() ? " (host CPU: " : " (") + i.getCpuModel() + ")";
            }
            String abi = i != null && !i.getArch().isBlank() ? i.getArch() : p.device().abi();
            String cores = i != null ? Integer.toString(i.getCores()) : "?";
            String sensors = i == null ? (p.problem() == null ? "?" : "not opened: " + p.problem()) : sensorSummary(i);
            t.row(p.device().id(), kindLabel(p.device().kind()), model, abi.isEmpty() ? "?" : abi, cores, sensors);
        }
        StringBuilder sb = new StringBuilder(probed.isEmpty() ? "No device reachable.\n" : t.render(6));
        List<String> problems = problems(found);
        if (!problems.isEmpty()) {
            sb.append("\nNot listed:\n");
            problems.forEach(p -> sb.append("  ").append(p).append('\n'));
        }
        if (probed.stream().anyMatch(p -> p.device().kind() == DeviceKind.EMULATED)) {
            sb.append("\nEmulated devices compute correct outputs; their timings do not represent an ARM core.\n");
        }
        return sb.toString();
    }

    private static String kindLabel(DeviceKind k) {
        return k.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** "power: rapl intel-rapl:0; thermal x2; cpufreq x8", or "none". */
    static String sensorSummary(DeviceInfo i) {
        Map<String, List<String>> byKind = new LinkedHashMap<>();
        i.getSensorListList().forEach(s -> byKind.computeIfAbsent(s.getKind(), k -> new ArrayList<>()).add(s.getName()));
        if (byKind.isEmpty()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        byKind.forEach((kind, names) -> parts.add(names.size() == 1 ? kind + " " + names.get(0) : kind + " x" + names.size()));
        return String.join(", ", parts);
    }

    private static List<String> problems(List<Discovery> found) {
        List<String> out = new ArrayList<>();
        found.forEach(d -> d.problems().forEach(p -> out.add(d.scheme() + ": " + p)));
        return out;
    }

    static String json(List<Discovery> found, List<Probed> probed) {
        ObjectNode root = ProfileJson.object();
        ArrayNode list = root.putArray("devices");
        for (Probed p : probed) {
            ObjectNode d = list.addObject();
            DeviceDescriptor dev = p.device();
            d.put("id", dev.id());
            d.put("kind", kindLabel(dev.kind()));
            d.put("kind_label", dev.kind().label());
            d.put("name", dev.name());
            d.put("abi", dev.abi());
            ObjectNode details = d.putObject("details");
            dev.details().forEach(details::put);
            if (p.info() != null) {
                d.set("info", ProfileJson.deviceInfo(p.info()));
            } else {
                d.putNull("info");
            }
            if (p.problem() != null) {
                d.put("problem", p.problem());
            }
        }
        ArrayNode problems = root.putArray("problems");
        for (Discovery d : found) {
            d.problems().forEach(msg -> problems.addObject().put("transport", d.scheme()).put("problem", msg));
        }
        return ProfileJson.toSortedString(root);
    }
}
