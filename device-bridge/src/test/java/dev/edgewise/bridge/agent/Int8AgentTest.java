package dev.edgewise.bridge.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.edgewise.bridge.plan.CompileOptions;
import dev.edgewise.bridge.plan.CompiledPlan;
import dev.edgewise.bridge.plan.PlanCompiler;
import dev.edgewise.bridge.plan.proto.KernelId;
import dev.edgewise.bridge.plan.proto.Op;
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
import org.junit.jupiter.api.Test;

/**
 * int8 end to end: sample models quantized by profiler-core's own Optimizer (full int8 QDQ:
 * per-channel int8 weights, calibrated uint8 activations), compiled to int8 plans and run by
 * edgewise-agent, against ONNX Runtime running the same QDQ model. Agreement: every output within
 * one quantization step of the output (its ORT range over the inputs / 255, i.e. the step a uint8
 * quantization of that output would have), and on the digits test split the same accuracy and the
 * same top-1 for every row as ORT. One model also runs on aarch64 under qemu (emulated: SDOT path
 * under -cpu max, widening path under -cpu cortex-a53).
 */
class Int8AgentTest {

    static Graph qdq(Graph g, Dataset calibration) throws Exception {
        OptimizationSettings s = new OptimizationSettings(OptimizationSettings.VERSION, null, null, null, null, "int8", null,
            null, null, null, null, null, null, null, null);
        return Optimizer.optimize(g, s, calibration, m -> { }).graph();
    }

    /** Kernel counts of a plan, e.g. to show which layers became int8. */
    static long count(CompiledPlan p, KernelId k) {
        return p.plan().getOpsList().stream().map(Op::getKernel).filter(k::equals).count();
    }

    record Outcome(List<float[]> ours, List<float[]> ort, double maxDiff, double step) {
    }

    static Outcome compare(Graph quantized, List<float[]> inputs, List<String> agent) throws Exception {
        return compare(quantized, inputs, agent, null);
    }

    /** expectKernels: a text the agent's runtime description must contain (the int8 GEMM it chose), or null. */
    static Outcome compare(Graph quantized, List<float[]> inputs, List<String> agent, String expectKernels) throws Exception {
        CompiledPlan plan = PlanCompiler.compile(quantized, CompileOptions.DEFAULT);
        long int8 = count(plan, KernelId.CONV_IM2COL_S8GEMM) + count(plan, KernelId.CONV1X1_S8GEMM)
            + count(plan, KernelId.GEMM_S8);
        long weightLayers = quantized.nodes().stream().filter(n -> List.of("Conv", "Gemm", "MatMul").contains(n.opType())).count();
        System.out.printf("int8 plan %s: %d of %d Conv/Gemm/MatMul layers int8, %d QUANTIZE, %d DEQUANTIZE, %d ops%n",
            quantized.name(), int8, weightLayers, count(plan, KernelId.QUANTIZE), count(plan, KernelId.DEQUANTIZE),
            plan.plan().getOpsCount());
        // profiler-core's full int8 quantizes every weight layer: each must run as an int8 kernel
        assertEquals(weightLayers, int8, "layers left in fp32: " + plan.plan().getOpsList().stream()
            .map(o -> o.getName() + ":" + o.getKernel()).toList());
        List<float[]> ort = new ArrayList<>();
        try (OrtModel m = OrtModel.open(quantized, 1)) {
            for (float[] in : inputs) {
                ort.add(m.run(in).values().iterator().next());
            }
        }
        List<float[]> ours = new ArrayList<>();
        try (AgentClient a = AgentClient.start(agent, agent.get(0).startsWith("qemu"))) {
            String runtime = a.deviceInfo().getRuntime();
            assertTrue(expectKernels == null || runtime.contains(expectKernels), "agent runtime: " + runtime);
            a.loadPlan(plan.plan().toByteArray());
            int id = 1;
            for (float[] in : inputs) {
                Run run = Run.newBuilder().setRunId(id++).setIterations(1).setThreads(2).setReturnOutputs(true)
                    .addInputs(Tensor.newBuilder().setIndex(0).setData(ByteString.copyFrom(bytes(in)))).build();
                AgentClient.RunOutcome o = a.run(run, e -> { });
                assertTrue(o.succeeded(), AgentClient.describe(o.last()));
                ours.add(floats(o.last().getResult().getOutputs(0).getData().toByteArray()));
            }
            assertEquals(0, a.bye());
        }
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        double maxDiff = 0;
        for (int i = 0; i < ort.size(); i++) {
            assertEquals(ort.get(i).length, ours.get(i).length);
            for (int j = 0; j < ort.get(i).length; j++) {
                lo = Math.min(lo, ort.get(i)[j]);
                hi = Math.max(hi, ort.get(i)[j]);
                maxDiff = Math.max(maxDiff, Math.abs((double) ort.get(i)[j] - ours.get(i)[j]));
            }
        }
        return new Outcome(ours, ort, maxDiff, (hi - lo) / 255);
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

    private static void digits(String model, List<String> agent, int rows, String label, String kernels) throws Exception {
        Graph q = qdq(Digits.load(model + ".onnx"), Digits.calibration());
        Dataset test = Digits.test().first(rows);
        Outcome o = compare(q, test.samples(), agent, kernels);
        int agree = 0;
        int oursRight = 0;
        int ortRight = 0;
        for (int i = 0; i < rows; i++) {
            int a = argmax(o.ours.get(i));
            int b = argmax(o.ort.get(i));
            agree += a == b ? 1 : 0;
            oursRight += a == test.labels()[i] ? 1 : 0;
            ortRight += b == test.labels()[i] ? 1 : 0;
        }
        System.out.printf("int8 %s %s: %d rows, max |agent - ORT| = %.3g (one output step = %.3g), top-1 agreement %d/%d, "
            + "accuracy agent %.2f%% vs ORT %.2f%%%n", model, label, rows, o.maxDiff, o.step, agree, rows,
            100.0 * oursRight / rows, 100.0 * ortRight / rows);
        assertTrue(o.maxDiff <= o.step, model + ": max difference " + o.maxDiff + " > one step " + o.step);
        assertEquals(rows, agree, model + ": top-1 differs from ORT on some rows");
        assertEquals(ortRight, oursRight, model + ": accuracy differs from ORT");
    }

    @Test
    void digitsCnnInt8OnHostAgentMatchesOnnxRuntime() throws Exception {
        digits("digits_cnn", host(), Digits.test().size(), "host", null);
    }

    @Test
    void digitsMlpInt8OnHostAgentMatchesOnnxRuntime() throws Exception {
        digits("digits_mlp", host(), Digits.test().size(), "host", null);
    }

    @Test
    void digitsCnnInt8OnAarch64UnderQemu() throws Exception {
        String bin = AgentClientTest.agentBinary("aarch64", "aarch64").toString();
        digits("digits_cnn", List.of("qemu-aarch64", "-cpu", "max", bin), 40, "aarch64 EMULATED qemu -cpu max (SDOT)",
            "int8 GEMM s8_neon_sdot");
        digits("digits_cnn", List.of("qemu-aarch64", "-cpu", "cortex-a53", bin), 40,
            "aarch64 EMULATED qemu -cpu cortex-a53 (widening multiply)", "int8 GEMM s8_neon_widening");
    }

    @Test
    void convNetsInt8OnHostAgentMatchOnnxRuntime() throws Exception {
        for (String model : List.of("resnet_tiny", "mobilenetv2_tiny")) {
            Graph g = Digits.load(model + ".onnx");
            long elements = OrtModel.inputElements(g);
            Graph q = qdq(g, Dataset.random(16, elements, 5));
            List<float[]> inputs = Dataset.random(12, elements, 77).samples();
            Outcome o = compare(q, inputs, host());
            int agree = 0;
            for (int i = 0; i < inputs.size(); i++) {
                agree += argmax(o.ours.get(i)) == argmax(o.ort.get(i)) ? 1 : 0;
            }
            System.out.printf("int8 %s host: %d random inputs, max |agent - ORT| = %.3g (one output step = %.3g), "
                + "top-1 agreement %d/%d%n", model, inputs.size(), o.maxDiff, o.step, agree, inputs.size());
            assertTrue(o.maxDiff <= o.step, model + ": max difference " + o.maxDiff + " > one step " + o.step);
        }
    }

    private static List<String> host() throws Exception {
        return List.of(AgentClientTest.agentBinary("host", "x86_64").toString());
    }

    static byte[] bytes(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    static float[] floats(byte[] bytes) {
        float[] f = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }
}
