package dev.edgewise.app.cli;

import dev.edgewise.bridge.transport.DeviceConnection;
import dev.edgewise.bridge.transport.DeviceDescriptor;
import dev.edgewise.bridge.transport.DeviceKind;
import dev.edgewise.bridge.transport.Discovery;
import dev.edgewise.bridge.transport.RemoteProcess;
import dev.edgewise.bridge.transport.Transport;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A test transport ("flaky:MILLIS") that is this computer's transport, except that every process it
 * starts is killed MILLIS ms after it started: an agent that dies mid-run, as a real one can.
 */
public final class FlakyTransport implements Transport {
    private static final ScheduledExecutorService KILLER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flaky-transport-killer");
        t.setDaemon(true);
        return t;
    });

    @Override
    public String scheme() {
        return "flaky";
    }

    @Override
    public Discovery discover() {
        return new Discovery("flaky", List.of(), List.of());
    }

    @Override
    public DeviceConnection open(String deviceId) throws IOException {
        long millis = Long.parseLong(deviceId.substring("flaky:".length()));
        Transport local = ServiceLoader.load(Transport.class).stream().map(ServiceLoader.Provider::get)
            .filter(t -> t.scheme().equals("local")).findFirst().orElseThrow();
        DeviceConnection c = local.open("local");
        DeviceDescriptor me = new DeviceDescriptor(deviceId, DeviceKind.LOCAL, "flaky test device", c.device().abi(), Map.of());
        return new DeviceConnection() {
            @Override
            public DeviceDescriptor device() {
                return me;
            }

            @Override
            public String abi() throws IOException {
                return c.abi();
            }

            @Override
            public String workDir() {
                return c.workDir();
            }

            @Override
            public String push(byte[] content, String name, boolean executable) throws IOException {
                return c.push(content, name, executable);
            }

            @Override
            public RemoteProcess exec(List<String> argv) throws IOException {
                RemoteProcess p = c.exec(argv);
                KILLER.schedule(p::kill, millis, TimeUnit.MILLISECONDS);
                return p;
            }

            @Override
            public void close() {
                c.close();
            }
        };
    }
}
