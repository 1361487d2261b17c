package dev.edgewise.bridge.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import dev.edgewise.bridge.plan.CompileOptions;
import dev.edgewise.bridge.plan.CompiledPlan;
import dev.edgewise.bridge.plan.PlanCompiler;
import dev.edgewise.bridge.proto.Cancel;
import dev.edgewise.bridge.proto.Envelope;
import dev.edgewise.bridge.proto.ErrorCode;
import dev.edgewise.bridge.proto.Hello;
import dev.edgewise.bridge.proto.Result;
import dev.edgewise.bridge.proto.Run;
import dev.edgewise.bridge.proto.Statistics;
import dev.edgewise.bridge.proto.Tensor;
import dev.edgewise.core.onnx.OnnxImporter;
import dev.edgewise.core.spi.ImportOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * digits_cnn through edgewise-agent over the bridge protocol, outputs against ONNX Runtime: the host
 * build, and the aarch64 build under {@code qemu-aarch64 -cpu max} (timings printed as emulated).
 */
class AgentClientTest {
    private static final Path MODEL = Path.of(System.getProperty("edgewise.samples", "../samples"), "models", "digits_cnn.onnx");
    private static final int ITERATIONS = 6;

    @Test
    void digitsCnnOnHostAgentMatchesOnnxRuntime() throws Exception {
        runDigits(List.of(agentBinary("host", "x86_64").toString()), false);
    }

    @Test
    void digitsCnnOnAarch64AgentUnderQemuMatchesOnnxRuntime() throws Exception {
        runDigits(List.of("qemu-aarch64", "-cpu", "max", agentBinary("aarch64", "aarch64").toString()), true);
    }

    @Test
    void versionMismatchIsAnErrorAndTheAgentExits() throws Exception {
        Process p = new ProcessBuilder(agentBinary("host", "x86_64").toString()).start();
        Envelope.newBuilder().setHello(Hello.newBuilder().setProtocolVersion(99)).build().writeDelimitedTo(p.getOutputStream());
        p.getOutputStream().flush();
        Envelope answer = Envelope.parseDelimitedFrom(p.getInputStream());
        assertEquals(ErrorCode.VERSION_MISMATCH, answer.getError().getCode(), answer.toString());
        assertTrue(answer.getError().getMessage().contains("99"), answer.getError().getMessage());
        assertEquals(2, p.waitFor());
    }

    @Test
    void cancelStopsADurationRunBetweenIterations() throws Exception {
        CompiledPlan plan = PlanCompiler.compile(new OnnxImporter().load(MODEL, ImportOptions.DEFAULT), CompileOptions.DEFAULT);
        try (AgentClient agent = AgentClient.start(List.of(agentBinary("host", "x86_64").toString()), false)) {
            agent.loadPlan(plan.plan().toByteArray());
            agent.send(Envelope.newBuilder().setRun(Run.newBuilder().setRunId(5).setDurationSeconds(600)).build());
            int timings = 0;
            long start = System.nanoTime();
            Envelope e;
            while (!(e = agent.receive()).hasResult()) {
                assertTrue(!e.hasError(), AgentClient.describe(e));
                if (e.hasIterationTiming() && ++timings == 3) {
                    agent.send(Envelope.newBuilder().setCancel(Cancel.newBuilder().setRunId(5)).build());
                }
            }
            Result result = e.getResult();
            assertTrue(result.getCancelled(), "Result not marked cancelled");
            assertEquals(timings, result.getStats().getCount(), "Result counts the streamed iterations");
            assertTrue(timings >= 3 && System.nanoTime() - start < 60e9, timings + " iterations");
            assertEquals(0, agent.bye());
        }
    }

    private static void runDigits(List<String> command, boolean emulated) throws Exception {
        CompiledPlan plan = PlanCompiler.compile(new OnnxImporter().load(MODEL, ImportOptions.DEFAULT), CompileOptions.DEFAULT);
        var in = plan.plan().getTensors(plan.plan().getInputs(0));
        long[] shape = in.getDimsList().stream().mapToLong(Integer::longValue).toArray();
        float[] input = new float[(int) (in.getByteSize() / 4)];
        Random r = new Random(11);
        for (int i = 0; i < input.length; i++) {
            input[i] = (float) (r.nextDouble() * 16);
        }
        float[] reference = onnxRuntime(in.getName(), shape, input);

        try (AgentClient agent = AgentClient.start(command, emulated)) {
            assertTrue(agent.deviceInfo().getCores() >= 1 && agent.deviceInfo().getClustersCount() >= 1, agent.deviceInfo().toString());
            agent.loadPlan(plan.plan().toByteArray(), 4096); // several chunks even for a small plan
            Run run = Run.newBuilder().setRunId(42).setWarmup(2).setIterations(ITERATIONS).setThreads(2).setProfileLayers(true)
                .setReturnOutputs(true).addInputs(Tensor.newBuilder().setIndex(0).setData(ByteString.copyFrom(toBytes(input))))
                .build();
            List<Double> streamed = new ArrayList<>();
            AgentClient.RunOutcome outcome = agent.run(run, e -> {
                if (e.hasIterationTiming()) {
                    streamed.add(e.getIterationTiming().getSeconds());
                }
            });
            assertTrue(outcome.succeeded(), AgentClient.describe(outcome.last()));
            Result result = outcome.last().getResult();
            assertEquals(42, result.getRunId());
            assertEquals(ITERATIONS, streamed.size(), "IterationTiming messages");
            assertEquals(ITERATIONS, result.getStats().getCount());
            long layerMessages = outcome.messages().stream().filter(Envelope::hasLayerTimings).count();
            assertEquals(ITERATIONS, layerMessages, "LayerTimings messages");
            assertEquals(plan.plan().getOpsCount(), outcome.messages().stream().filter(Envelope::hasLayerTimings).findFirst()
                .orElseThrow().getLayerTimings().getSecondsCount());

            float[] got = toFloats(result.getOutputs(0).getData().toByteArray());
            assertEquals(reference.length, got.length);
            double err = relativeError(got, reference);
            assertTrue(err <= 1e-4, "max relative error vs ONNX Runtime " + err);
            Statistics s = result.getStats();
            System.out.printf("agent digits_cnn %s%s: %d iterations, min %.1f us, mean %.1f us, p99 %.1f us, max rel err %.2e (%s)%n",
                agent.deviceInfo().getArch(), emulated ? " [EMULATED under qemu: not a device figure]" : "", s.getCount(),
                s.getMin() * 1e6, s.getMean() * 1e6, s.getP99() * 1e6, err, agent.deviceInfo().getRuntime());
            assertEquals(0, agent.bye());
        }
    }

    private static float[] onnxRuntime(String name, long[] shape, float[] input) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            try (OrtSession s = env.createSession(Files.readAllBytes(MODEL), so);
                 OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
                 OrtSession.Result r = s.run(Map.of(name, t))) {
                FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
                float[] out = new float[fb.remaining()];
                fb.get(out);
                return out;
            }
        }
    }

    /** The fresh CMake build, else the copy packaged in the jar's resources. */
    static Path agentBinary(String buildDir, String resourceArch) throws IOException {
        Path built = Path.of("agent", "build", buildDir, "edgewise-agent");
        if (Files.isExecutable(built)) {
            return built.toAbsolutePath();
        }
        String resource = "/dev/edgewise/bridge/agent/" + resourceArch + "/edgewise-agent";
        try (InputStream in = AgentClientTest.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("edgewise-agent not found: neither " + built.toAbsolutePath() + " nor resource " + resource
                    + "; run device-bridge/agent/build.sh " + buildDir);
            }
            Path tmp = Files.createTempFile("edgewise-agent-" + resourceArch, "");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            tmp.toFile().setExecutable(true);
            tmp.toFile().deleteOnExit();
            return tmp;
        }
    }

    private static byte[] toBytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    private static float[] toFloats(byte[] bytes) {
        float[] f = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    private static double relativeError(float[] a, float[] b) {
        double maxRef = 0;
        double maxDiff = 0;
        for (int i = 0; i < a.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(b[i]));
            maxDiff = Math.max(maxDiff, Math.abs((double) a[i] - b[i]));
            if (Float.isNaN(a[i]) != Float.isNaN(b[i])) {
                return Double.POSITIVE_INFINITY;
            }
        }
        return maxRef == 0 ? maxDiff : maxDiff / maxRef;
    }
}
