package dev.edgewise.bridge.testdevice;

import com.google.protobuf.ByteString;
import dev.edgewise.bridge.plan.CompileOptions;
import dev.edgewise.bridge.plan.CompiledPlan;
import dev.edgewise.bridge.plan.PlanCompiler;
import dev.edgewise.bridge.proto.Bye;
import dev.edgewise.bridge.proto.DeviceInfo;
import dev.edgewise.bridge.proto.Envelope;
import dev.edgewise.bridge.proto.Hello;
import dev.edgewise.bridge.proto.LoadPlan;
import dev.edgewise.bridge.proto.ProtocolVersion;
import dev.edgewise.bridge.proto.Result;
import dev.edgewise.bridge.proto.Run;
import dev.edgewise.bridge.proto.Tensor;
import dev.edgewise.bridge.transport.DeviceConnection;
import dev.edgewise.bridge.transport.RemoteProcess;
import dev.edgewise.core.onnx.OnnxImporter;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.testing.OrtRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;

/**
 * Drives edgewise-agent through any {@link DeviceConnection} the way a session does (push the binary
 * for the device's ABI, exec, Hello, LoadPlan, Run, Bye; bridge-protocol.md), with digits_cnn compiled
 * by PlanCompiler and ONNX Runtime on this computer as the reference for its output.
 */
public final class AgentOverConnection {
    public static final Path MODEL = Path.of(System.getProperty("edgewise.samples", "../samples"), "models", "digits_cnn.onnx");

    /** What one run gave: the device's output, the reference, the agent's Result, DeviceInfo and exit code. */
    public record Outcome(float[] output, float[] reference, Result result, DeviceInfo info, OptionalInt exitCode) {
        public double maxAbsError() {
            double m = 0;
            for (int i = 0; i < output.length; i++) {
                m = Math.max(m, Math.abs((double) output[i] - reference[i]));
            }
            return m;
        }
    }

    private AgentOverConnection() {
    }

    /** The agent binary built for an ABI as devices report it ("arm64-v8a", "aarch64", "x86_64"). */
    public static byte[] agentFor(String abi) throws IOException {
        String arch = switch (abi) {
            case "arm64-v8a", "aarch64", "arm64" -> "aarch64";
            case "x86_64", "amd64" -> "x86_64";
            default -> throw new IOException("no edgewise-agent build for ABI " + abi);
        };
        Path built = Path.of("agent", "build", arch.equals("x86_64") ? "host" : "aarch64", "edgewise-agent");
        if (Files.isRegularFile(built)) {
            return Files.readAllBytes(built);
        }
        try (InputStream in = AgentOverConnection.class.getResourceAsStream("/dev/edgewise/bridge/agent/" + arch + "/edgewise-agent")) {
            if (in == null) {
                throw new IOException("edgewise-agent for " + arch + " is not built: run device-bridge/agent/build.sh");
            }
            return in.readAllBytes();
        }
    }

    public static CompiledPlan digitsPlan() throws Exception {
        return PlanCompiler.compile(new OnnxImporter().load(MODEL, ImportOptions.DEFAULT), CompileOptions.DEFAULT);
    }

    /** Starts the agent on the device and says Hello; returns the process and its DeviceInfo. */
    public static RemoteProcess startAgent(DeviceConnection c) throws IOException {
        String path = c.push(agentFor(c.abi()), "edgewise-agent", true);
        RemoteProcess p = c.exec(List.of(path));
        send(p, Envelope.newBuilder().setHello(Hello.newBuilder().setProtocolVersion(ProtocolVersion.PROTOCOL_V1_VALUE)
            .setHostVersion("edgewise-transport-test")).build());
        return p;
    }

    public static Outcome runDigits(DeviceConnection c, long seed) throws Exception {
        CompiledPlan plan = digitsPlan();
        var in = plan.plan().getTensors(plan.plan().getInputs(0));
        long[] shape = in.getDimsList().stream().mapToLong(Integer::longValue).toArray();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(in.getName(), shape);
        float[] input = seededInput(shape, seed);
        float[] reference = OrtRunner.run(Files.readAllBytes(MODEL), shapes, seed).values().iterator().next();

        RemoteProcess p = startAgent(c);
        try {
            Envelope hello = receive(p);
            if (!hello.hasDeviceInfo()) {
                throw new IOException("agent answered Hello with " + hello.getBodyCase() + "; stderr: " + p.stderrTail());
            }
            loadPlan(p, plan.plan().toByteArray());
            send(p, Envelope.newBuilder().setRun(Run.newBuilder().setRunId(7).setWarmup(1).setIterations(3).setThreads(1)
                .setReturnOutputs(true).addInputs(Tensor.newBuilder().setIndex(0).setData(ByteString.copyFrom(bytes(input))))).build());
            Envelope e;
            while (!(e = receive(p)).hasResult()) {
                if (e.hasError()) {
                    throw new IOException("agent error " + e.getError().getCode() + ": " + e.getError().getMessage());
                }
            }
            Result result = e.getResult();
            send(p, Envelope.newBuilder().setBye(Bye.getDefaultInstance()).build());
            OptionalInt exit = p.waitFor(Duration.ofSeconds(20));
            return new Outcome(floats(result.getOutputs(0).getData().toByteArray()), reference, result, hello.getDeviceInfo(), exit);
        } finally {
            p.kill();
        }
    }

    /** Uploads a plan in one chunk and waits for the agent's acknowledgement. */
    public static void loadPlan(RemoteProcess p, byte[] plan) throws Exception {
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(plan);
        send(p, Envelope.newBuilder().setLoadPlan(LoadPlan.newBuilder().setIndex(0).setTotal(1).setTotalBytes(plan.length)
            .setSha256(ByteString.copyFrom(sha)).setData(ByteString.copyFrom(plan))).build());
        Envelope ack = receive(p);
        if (!ack.hasProgress()) {
            throw new IOException("agent refused the plan: " + ack);
        }
    }

    /** OrtRunner's seeded inputs: SplittableRandom(seed), uniform in [-1, 1), row-major. */
    static float[] seededInput(long[] shape, long seed) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextDouble(-1, 1);
        }
        return v;
    }

    public static void send(RemoteProcess p, Envelope e) throws IOException {
        e.writeDelimitedTo(p.stdin());
        p.stdin().flush();
    }

    /** The next message; an IOException when the stream ended (what a session turns into an error event). */
    public static Envelope receive(RemoteProcess p) throws IOException {
        Envelope e = Envelope.parseDelimitedFrom(p.stdout());
        if (e == null) {
            throw new IOException("agent output closed");
        }
        return e;
    }

    private static byte[] bytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    private static float[] floats(byte[] bytes) {
        float[] f = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    /** Starts the agent on {@code c} and a 600 s timed run of digits_cnn; returns once it streams. */
    public static RemoteProcess startLongRun(DeviceConnection c) throws Exception {
        RemoteProcess p = startAgent(c);
        org.junit.jupiter.api.Assertions.assertTrue(receive(p).hasDeviceInfo());
        loadPlan(p, digitsPlan().plan().toByteArray());
        send(p, Envelope.newBuilder().setRun(Run.newBuilder().setRunId(9).setDurationSeconds(600)).build());
        org.junit.jupiter.api.Assertions.assertTrue(receive(p).getSerializedSize() > 0, "the run streams");
        return p;
    }

    /**
     * Runs {@code drop} (the peer cutting the link) and returns the seconds until the agent's stdout
     * ended; fails when reading does not end with "agent output closed" within 10 s.
     */
    public static double secondsUntilOutputEnds(RemoteProcess p, Runnable drop) {
        long dropped = System.nanoTime();
        drop.run();
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            IOException end = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> {
                while (true) {
                    receive(p);
                }
            });
            org.junit.jupiter.api.Assertions.assertEquals("agent output closed", end.getMessage());
        });
        return (System.nanoTime() - dropped) / 1e9;
    }
}
