package dev.edgewise.bridge.session;

import dev.edgewise.bridge.transport.DeviceConnection;
import dev.edgewise.bridge.transport.Discovery;
import dev.edgewise.bridge.transport.Transport;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Every transport Edgewise knows (ServiceLoader over {@link Transport}: "local", "qemu", and the ADB and
 * SSH ones when present), discovery across all of them, and opening a {@link DeviceSession} by device id.
 */
public final class Devices {
    /**
     * The device of a fresh install: the aarch64 agent under qemu-aarch64 -cpu cortex-a76 (Debian 12's
     * qemu-user 7.2 lists cortex-a76: an ARMv8.2 big core with dotprod and fp16, like most current phones).
     */
    public static final String DEFAULT_DEVICE = "qemu:cortex-a76";

    private final Map<String, Transport> transports;
    private final List<String> loadProblems;

    /** These transports, first one wins for a scheme. */
    public Devices(List<Transport> transports) {
        this(transports, List.of());
    }

    private Devices(List<Transport> transports, List<String> loadProblems) {
        Map<String, Transport> byScheme = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>(loadProblems);
        for (Transport t : transports) {
            Transport earlier = byScheme.putIfAbsent(t.scheme(), t);
            if (earlier != null) {
                problems.add("transport " + t.getClass().getName() + " ignored: scheme '" + t.scheme()
                    + "' already belongs to " + earlier.getClass().getName());
            }
        }
        this.transports = byScheme;
        this.loadProblems = List.copyOf(problems);
    }

    /** The transports registered through META-INF/services; a broken provider is reported by {@link #discover()}. */
    public static Devices standard() {
        List<Transport> found = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        ServiceLoader.load(Transport.class, Devices.class.getClassLoader()).stream().forEach(provider -> {
            try {
                found.add(provider.get());
            } catch (ServiceConfigurationError | RuntimeException e) {
                problems.add("transport " + provider.type().getName() + " failed to load: " + e.getMessage());
            }
        });
        return new Devices(found, problems);
    }

    /** Schemes in registration order ("local", "qemu", ...). */
    public List<String> schemes() {
        return List.copyOf(transports.keySet());
    }

    public List<Transport> transports() {
        return List.copyOf(transports.values());
    }

    /**
     * What every transport reaches now, one Discovery per transport in registration order (plus one
     * for load problems, if any). Transports are asked in parallel ("edgewise-discover-SCHEME"
     * threads); one that has not answered within {@link #DISCOVERY_LIMIT} is reported as timed out.
     */
    public List<Discovery> discover() {
        Map<String, CompletableFuture<Discovery>> asked = new LinkedHashMap<>();
        for (Transport t : transports.values()) {
            CompletableFuture<Discovery> f = new CompletableFuture<>();
            Thread worker = new Thread(() -> {
                try {
                    f.complete(t.discover());
                } catch (RuntimeException | Error e) {
                    f.complete(new Discovery(t.scheme(), List.of(), List.of("discovery failed: " + e)));
                }
            }, "edgewise-discover-" + t.scheme());
            worker.setDaemon(true);
            worker.start();
            asked.put(t.scheme(), f);
        }
        long deadline = System.nanoTime() + DISCOVERY_LIMIT.toNanos();
        List<Discovery> out = new ArrayList<>();
        for (var e : asked.entrySet()) {
            try {
                out.add(e.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException | ExecutionException ex) {
                out.add(new Discovery(e.getKey(), List.of(), List.of("no answer within "
                    + DISCOVERY_LIMIT.toSeconds() + " s")));
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                out.add(new Discovery(e.getKey(), List.of(), List.of("interrupted")));
            }
        }
        if (!loadProblems.isEmpty()) {
            out.add(new Discovery("transports", List.of(), loadProblems));
        }
        return out;
    }

    /** How long {@link #discover()} waits for all transports together. */
    public static final Duration DISCOVERY_LIMIT = Duration.ofSeconds(10);

    /**
     * Connects to {@code deviceId}, starts the agent for its ABI and says Hello.
     *
     * @throws IOException naming the device and what failed; for an id no transport owns, the known schemes
     */
    public DeviceSession open(String deviceId) throws IOException {
        return AgentSession.open(connect(deviceId), List.of());
    }

    /** The transport connection alone (no agent started): for callers that push or run other things. */
    public DeviceConnection connect(String deviceId) throws IOException {
        if (deviceId == null || deviceId.isBlank()) {
            throw new IOException("no device id given; known schemes: " + String.join(", ", transports.keySet()));
        }
        int colon = deviceId.indexOf(':');
        String scheme = colon < 0 ? deviceId : deviceId.substring(0, colon);
        Transport t = transports.get(scheme);
        if (t == null) {
            throw new IOException("no transport for device '" + deviceId + "' (scheme '" + scheme + "'); known schemes: "
                + String.join(", ", transports.keySet()));
        }
        return t.open(deviceId);
    }
}
