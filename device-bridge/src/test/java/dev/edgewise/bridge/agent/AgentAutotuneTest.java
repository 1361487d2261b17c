package dev.edgewise.bridge.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.edgewise.bridge.plan.AutotuneResults;
import dev.edgewise.bridge.plan.CompileOptions;
import dev.edgewise.bridge.plan.CompiledPlan;
import dev.edgewise.bridge.plan.LayerDecision;
import dev.edgewise.bridge.plan.PlanCompiler;
import dev.edgewise.bridge.plan.proto.KernelId;
import dev.edgewise.bridge.proto.Autotune;
import dev.edgewise.bridge.proto.AutotuneResult;
import dev.edgewise.bridge.proto.Result;
import dev.edgewise.bridge.proto.Run;
import dev.edgewise.bridge.proto.Tensor;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.onnx.OnnxImporter;
import dev.edgewise.core.spi.ImportOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Autotune in the host agent on digits_cnn: every conv layer measured with every kernel the runtime
 * accepts, turned into AutotuneResults, the plan recompiled with them. Which kernel wins is what this
 * machine measured; the test checks that the compiler's candidate rules and the runtime's agree, that
 * the recompiled plan takes the fastest measured kernel, and that it computes the same outputs.
 */
class AgentAutotuneTest {
    private static final Path MODEL = Path.of(System.getProperty("edgewise.samples", "../samples"), "models", "digits_cnn.onnx");

    @Test
    void autotunedDigitsCnnTakesTheFastestMeasuredKernelPerLayer() throws Exception {
        Graph graph = new OnnxImporter().load(MODEL, ImportOptions.DEFAULT);
        CompiledPlan base = PlanCompiler.compile(graph, CompileOptions.DEFAULT);
        try (AgentClient agent = AgentClient.start(List.of(AgentClientTest.agentBinary("host", "x86_64").toString()), false)) {
            agent.loadPlan(base.plan().toByteArray());
            AgentClient.AutotuneOutcome tuned = agent.autotune(Autotune.newBuilder().setRunId(8).setIterations(5).build(), e -> { });
            assertTrue(!tuned.done().getCancelled() && tuned.done().getMeasured() > 0, tuned.done().toString());
            assertEquals(tuned.results().size(), tuned.done().getMeasured() + tuned.done().getSkipped());
            AutotuneResults measured = AutotuneResults.fromAgent("host agent", tuned.results());
            CompiledPlan recompiled = PlanCompiler.compile(graph, CompileOptions.DEFAULT.withAutotune(measured));
            int convs = 0;
            for (LayerDecision d : recompiled.decisions()) {
                boolean conv = d.candidates().stream()
                    .allMatch(k -> k.getNumber() >= KernelId.CONV_DIRECT_VALUE && k.getNumber() <= KernelId.CONV_FFT_VALUE);
                if (d.candidates().size() <= 1 || !conv) { // Autotune measures conv kernels only
                    continue;
                }
                convs++;
                Map<KernelId, Double> times = measured.millisByLayer().get(d.layer());
                assertEquals(new HashSet<>(d.candidates()), times.keySet(),
                    d.layer() + ": the compiler's candidates are exactly the kernels the runtime accepted");
                KernelId fastest = times.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
                assertEquals(LayerDecision.Source.AUTOTUNE, d.source(), d.layer());
                assertEquals(fastest, d.kernel(), d.layer() + " " + times);
                assertTrue(d.reason().contains("host agent"), d.reason());
                System.out.printf("agent autotune %-12s -> %-24s %s%n", d.layer(), d.kernel(), times);
            }
            assertEquals(tuned.done().getLayers(), convs, "every measured layer is a conv with a choice");
            for (AutotuneResult r : tuned.results()) {
                assertTrue(r.getSkipped().isEmpty() == (r.getRuns() == 5), r.toString());
            }
            float[] want = runOnce(agent, base);
            float[] got = runOnce(agent, recompiled);
            double maxRef = 0;
            double maxDiff = 0;
            for (int i = 0; i < want.length; i++) {
                maxRef = Math.max(maxRef, Math.abs(want[i]));
                maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
            }
            assertTrue(want.length > 0 && maxDiff <= 1e-4 * maxRef, "tuned plan vs default plan: max diff " + maxDiff);
            assertEquals(0, agent.bye());
        }
    }

    private static float[] runOnce(AgentClient agent, CompiledPlan plan) throws Exception {
        agent.loadPlan(plan.plan().toByteArray());
        int n = (int) plan.plan().getTensors(plan.plan().getInputs(0)).getByteSize() / 4;
        ByteBuffer in = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        Random r = new Random(5);
        for (int i = 0; i < n; i++) {
            in.putFloat((float) (r.nextDouble() * 16));
        }
        Result res = agent.run(Run.newBuilder().setRunId(1).setIterations(1).setReturnOutputs(true)
            .addInputs(Tensor.newBuilder().setIndex(0).setData(ByteString.copyFrom(in.array()))).build(), e -> { }).last().getResult();
        float[] out = new float[res.getOutputs(0).getData().size() / 4];
        res.getOutputs(0).getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }
}
