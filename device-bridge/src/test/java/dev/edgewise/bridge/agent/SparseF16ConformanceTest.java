package dev.edgewise.bridge.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.edgewise.bridge.plan.CompileOptions;
import dev.edgewise.bridge.plan.CompileOptions.SparsePolicy;
import dev.edgewise.bridge.plan.CompiledPlan;
import dev.edgewise.bridge.plan.LayerDecision;
import dev.edgewise.bridge.plan.PlanCompiler;
import dev.edgewise.bridge.plan.proto.KernelId;
import dev.edgewise.bridge.proto.Run;
import dev.edgewise.bridge.proto.Tensor;
import dev.edgewise.core.eval.Dataset;
import dev.edgewise.core.eval.OrtModel;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.optimize.OptimizationSettings;
import dev.edgewise.core.optimize.Optimizer;
import dev.edgewise.core.testing.Digits;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Pruned digits models through the sparse CSR kernels and sample models with fp16 weight storage,
 * run by edgewise-agent, against ONNX Runtime on the same (pruned) fp32 model: the same top-1 on
 * every row of the labelled digits test split, and max |ours - ORT| / max |ORT| per sample within
 * the bounds documented in plan-format.md (sparse fp32: 1e-5, the summation-order effect; fp16
 * weights: 5e-3; fp16 arithmetic: 2e-2). One run on the aarch64 agent under qemu (emulated).
 */
class SparseF16ConformanceTest {
    static final double SPARSE_BOUND = 1e-5;
    static final double F16_WEIGHTS_BOUND = 5e-3;
    static final double F16_ARITHMETIC_BOUND = 2e-2;

    @Test
    void prunedDigitsThroughSparseKernelsMatchOnnxRuntime() throws Exception {
        for (String model : List.of("digits_cnn", "digits_mlp")) {
            for (double sparsity : new double[] {0.7, 0.9}) {
                Graph g = pruned(model, sparsity);
                CompiledPlan plan = PlanCompiler.compile(g, CompileOptions.DEFAULT.withSparse(SparsePolicy.ALWAYS, 0.7));
                assertTrue(plan.decisions().stream().anyMatch(d -> d.kernel() == KernelId.GEMM_CSR), plan.decisions().toString());
                check(model + " pruned " + pct(sparsity) + ", sparse kernels " + sparseLayers(plan), g, plan, host(), false, 450,
                    SPARSE_BOUND);
            }
        }
    }

    @Test
    void fp16WeightStorageMatchesOnnxRuntimeOnTheFp32Model() throws Exception {
        for (String model : List.of("digits_cnn", "digits_mlp")) {
            Graph g = Digits.load(model + ".onnx");
            CompiledPlan f32 = PlanCompiler.compile(g, CompileOptions.DEFAULT);
            CompiledPlan f16 = PlanCompiler.compile(g, CompileOptions.DEFAULT.withF16Weights(true));
            assertTrue(f16.plan().getSerializedSize() < 0.6 * f32.plan().getSerializedSize());
            check(model + " fp16 weights (plan " + f32.plan().getSerializedSize() + " -> " + f16.plan().getSerializedSize() + " bytes)",
                g, f16, host(), false, 450, F16_WEIGHTS_BOUND);
        }
        Graph mlp90 = pruned("digits_mlp", 0.9);
        CompiledPlan both = PlanCompiler.compile(mlp90, CompileOptions.DEFAULT.withF16Weights(true).withSparse(SparsePolicy.ALWAYS, 0.7));
        check("digits_mlp pruned 90%, CSR with fp16 values", mlp90, both, host(), false, 450, F16_WEIGHTS_BOUND);
    }

    /** fp16 arithmetic is taken under -cpu max (asimdhp) and not under cortex-a53; both match ORT's top-1. */
    @Test
    void prunedFp16DigitsOnAarch64UnderQemu() throws Exception {
        Graph g = pruned("digits_cnn", 0.9);
        CompiledPlan plan = PlanCompiler.compile(g, CompileOptions.DEFAULT.withSparse(SparsePolicy.ALWAYS, 0.7).withF16Weights(true)
            .withF16Arithmetic(true));
        String agent = AgentClientTest.agentBinary("aarch64", "aarch64").toString();
        check("digits_cnn pruned 90%, CSR + fp16 weights + fp16 arithmetic [EMULATED qemu -cpu max]", g, plan,
            List.of("qemu-aarch64", "-cpu", "max", agent), true, 450, F16_ARITHMETIC_BOUND);
        check("same plan [EMULATED qemu -cpu cortex-a53: no fp16 arithmetic]", g, plan,
            List.of("qemu-aarch64", "-cpu", "cortex-a53", agent), true, 450, F16_WEIGHTS_BOUND);
        Graph mlp = Digits.load("digits_mlp.onnx"); // dense: every layer is a GEMM in fp16 arithmetic
        check("digits_mlp fp16 weights + fp16 arithmetic [EMULATED qemu -cpu max]", mlp,
            PlanCompiler.compile(mlp, CompileOptions.DEFAULT.withF16Weights(true).withF16Arithmetic(true)),
            List.of("qemu-aarch64", "-cpu", "max", agent), true, 450, F16_ARITHMETIC_BOUND);
    }

    /** Global unstructured magnitude pruning through the Optimizer, as `edgewise optimize --prune` does. */
    private static Graph pruned(String model, double sparsity) throws Exception {
        OptimizationSettings s = OptimizationSettings.none().withPrune(sparsity, java.util.Map.of(), List.of());
        return Optimizer.optimize(Digits.load(model + ".onnx"), s, null, msg -> { }).graph();
    }

    private static List<String> host() throws Exception {
        return List.of(AgentClientTest.agentBinary("host", "x86_64").toString());
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.0f%%", 100 * v);
    }

    private static long sparseLayers(CompiledPlan p) {
        return p.decisions().stream().map(LayerDecision::kernel).filter(k -> k == KernelId.GEMM_CSR || k == KernelId.CONV1X1_CSR).count();
    }

    /** Runs the first n rows through the agent and ORT (on the fp32 graph g); same top-1, error within bound. */
    private static void check(String what, Graph g, CompiledPlan plan, List<String> command, boolean emulated, int n, double bound)
        throws Exception {
        Dataset data = Digits.test().first(n);
        List<float[]> ort = new ArrayList<>();
        try (OrtModel m = OrtModel.open(g, 1)) {
            for (float[] s : data.samples()) {
                ort.add(m.run(s).values().iterator().next());
            }
        }
        List<float[]> ours = new ArrayList<>();
        String runtime;
        try (AgentClient agent = AgentClient.start(command, emulated)) {
            runtime = agent.deviceInfo().getRuntime();
            agent.loadPlan(plan.plan().toByteArray());
            int id = 1;
            for (float[] s : data.samples()) {
                Run run = Run.newBuilder().setRunId(id++).setWarmup(0).setIterations(1).setThreads(1).setReturnOutputs(true)
                    .addInputs(Tensor.newBuilder().setIndex(0).setData(ByteString.copyFrom(bytes(s)))).build();
                AgentClient.RunOutcome out = agent.run(run, e -> { });
                assertTrue(out.succeeded(), what + ": " + AgentClient.describe(out.last()));
                ours.add(floats(out.last().getResult().getOutputs(0).getData().toByteArray()));
            }
            assertEquals(0, agent.bye());
        }
        int agree = 0;
        int correctOurs = 0;
        int correctOrt = 0;
        double worst = 0;
        for (int i = 0; i < data.size(); i++) {
            int a = argmax(ours.get(i));
            int b = argmax(ort.get(i));
            agree += a == b ? 1 : 0;
            correctOurs += a == data.labels()[i] ? 1 : 0;
            correctOrt += b == data.labels()[i] ? 1 : 0;
            worst = Math.max(worst, relativeError(ours.get(i), ort.get(i)));
        }
        System.out.printf(Locale.ROOT, "CONFORMANCE %s: top-1 agrees %d/%d, accuracy ours %.2f%% ORT %.2f%%, max rel err %.2e (bound %.0e; %s)%n",
            what, agree, data.size(), 100.0 * correctOurs / data.size(), 100.0 * correctOrt / data.size(), worst, bound, runtime);
        assertEquals(data.size(), agree, what + ": top-1 differs from ONNX Runtime");
        assertTrue(worst <= bound, what + ": max relative error " + worst + " > " + bound);
    }

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }

    static double relativeError(float[] a, float[] b) {
        double maxRef = 0;
        double maxDiff = 0;
        for (int i = 0; i < a.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(b[i]));
            maxDiff = Math.max(maxDiff, Math.abs((double) a[i] - b[i]));
        }
        return maxRef == 0 ? maxDiff : maxDiff / maxRef;
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
}
