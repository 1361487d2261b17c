package dev.edgewise.bridge.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgewise.bridge.plan.proto.ActivationKind;
import dev.edgewise.bridge.plan.proto.DataType;
import dev.edgewise.bridge.plan.proto.KernelId;
import dev.edgewise.bridge.plan.proto.Op;
import dev.edgewise.bridge.plan.proto.Plan;
import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.GraphBuilder;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
import dev.edgewise.core.onnx.OnnxExporter;
import dev.edgewise.core.optimize.OptimizationSettings;
import dev.edgewise.core.optimize.Optimizer;
import dev.edgewise.core.testing.Digits;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * int8 lowering decisions on hand-built graphs, each checked against ONNX Runtime: QLinearConv
 * chains (int32 bias, requantized uint8 outputs between layers), QDQ Conv -> Relu ->
 * QuantizeLinear fused into one requantizing op, weight-only int8 running in fp32, and the
 * errors for what the runtime cannot do.
 */
class Int8CompilerTest {
    private static final Random R = new Random(17);

    private static TensorData u8(String name, Shape s, int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return TensorData.ofBytes(name, dev.edgewise.core.ir.DataType.UINT8, s, ByteBuffer.wrap(b));
    }

    private static TensorData s8Random(String name, Shape s, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (R.nextInt(255) - 127);
        }
        return TensorData.ofBytes(name, dev.edgewise.core.ir.DataType.INT8, s, ByteBuffer.wrap(b));
    }

    private static TensorData scalar(String name, float v) {
        return TensorData.ofFloats(name, Shape.of(), new float[] {v});
    }

    private static float[] input(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) R.nextGaussian();
        }
        return x;
    }

    private static Op op(Plan p, String name) {
        return p.getOpsList().stream().filter(o -> o.getName().equals(name)).findFirst().orElseThrow();
    }

    private static void matchesOrt(Graph g, CompiledPlan plan, float[] x, long[] shape, double step) throws Exception {
        float[] ours = HostRuntime.run(plan, List.of(x), HostRuntime.Target.HOST).get(0);
        float[] ref = OrtReference.run(OnnxExporter.toBytes(g), List.of("x"), List.of(shape), List.of(x)).get(0);
        double worst = 0;
        for (int i = 0; i < ref.length; i++) {
            worst = Math.max(worst, Math.abs((double) ours[i] - ref[i]));
        }
        assertTrue(worst <= step, "max |ours - ORT| " + worst + " > one output step " + step);
    }

    /** x -> QuantizeLinear -> QLinearConv 3x3 (int32 bias) -> QLinearConv 1x1 -> DequantizeLinear. */
    @Test
    void qlinearConvChainMatchesOnnxRuntime() throws Exception {
        int[] bias = new int[8];
        for (int i = 0; i < bias.length; i++) {
            bias[i] = R.nextInt(2001) - 1000;
        }
        long[] bl = java.util.Arrays.stream(bias).asLongStream().toArray();
        Graph g = GraphBuilder.create().name("qlinear_chain")
            .addInput(new TensorInfo("x", dev.edgewise.core.ir.DataType.FLOAT, Shape.of(1, 3, 9, 7)))
            .addInitializer(scalar("sx", 0.02f)).addInitializer(u8("zx", Shape.of(), 120))
            .addInitializer(s8Random("w1", Shape.of(8, 3, 3, 3), 8 * 27))
            .addInitializer(TensorData.ofFloats("sw1", Shape.of(8), new float[] {.01f, .02f, .015f, .01f, .03f, .02f, .01f, .02f}))
            .addInitializer(TensorData.ofBytes("zw1", dev.edgewise.core.ir.DataType.INT8, Shape.of(8), ByteBuffer.wrap(new byte[8])))
            .addInitializer(TensorData.ofBytes("b1", dev.edgewise.core.ir.DataType.INT32, Shape.of(8), int32(bl)))
            .addInitializer(scalar("s1", 0.05f)).addInitializer(u8("z1", Shape.of(), 30))
            .addInitializer(s8Random("w2", Shape.of(5, 8, 1, 1), 40))
            .addInitializer(TensorData.ofFloats("sw2", Shape.of(), new float[] {0.02f}))
            .addInitializer(TensorData.ofBytes("zw2", dev.edgewise.core.ir.DataType.INT8, Shape.of(), ByteBuffer.wrap(new byte[1])))
            .addInitializer(scalar("s2", 0.1f)).addInitializer(u8("z2", Shape.of(), 128))
            .addNode(Node.of("q", "QuantizeLinear", List.of("x", "sx", "zx"), List.of("xq")))
            .addNode(Node.of("conv1", "QLinearConv", List.of("xq", "sx", "zx", "w1", "sw1", "zw1", "s1", "z1", "b1"), List.of("y1"),
                Attribute.ofInts("pads", 1, 1, 1, 1)))
            .addNode(Node.of("conv2", "QLinearConv", List.of("y1", "s1", "z1", "w2", "sw2", "zw2", "s2", "z2"), List.of("y2")))
            .addNode(Node.of("dq", "DequantizeLinear", List.of("y2", "s2", "z2"), List.of("y")))
            .addOutput(new TensorInfo("y", dev.edgewise.core.ir.DataType.FLOAT, Shape.unknownRank()))
            .build();
        CompiledPlan plan = PlanCompiler.compile(g, CompileOptions.DEFAULT);
        Plan p = plan.plan();
        assertEquals(List.of(KernelId.QUANTIZE, KernelId.CONV_IM2COL_S8GEMM, KernelId.CONV1X1_S8GEMM, KernelId.DEQUANTIZE),
            p.getOpsList().stream().map(Op::getKernel).toList());
        assertEquals(DataType.DT_U8, p.getTensors(op(p, "conv1").getOutputs(0)).getDtype());
        assertEquals(DataType.DT_I32, p.getBlobs(op(p, "conv1").getBias().getIndex()).getDtype());
        float[] x = input(3 * 9 * 7);
        matchesOrt(g, plan, x, new long[] {1, 3, 9, 7}, 0.1);
    }

    private static ByteBuffer int32(long[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (long l : v) {
            b.putInt((int) l);
        }
        b.flip();
        return b;
    }

    /** QDQ: DQ(x_q) -> Conv(DQ(W)) -> Relu -> Q -> DQ -> Gemm(DQ(W)): the first layer writes uint8 directly. */
    @Test
    void qdqConvReluQuantizeBecomesOneRequantizingOp() throws Exception {
        Graph g = GraphBuilder.create().name("qdq_fused")
            .addInput(new TensorInfo("x", dev.edgewise.core.ir.DataType.FLOAT, Shape.of(1, 4, 6, 6)))
            .addInitializer(scalar("sx", 0.03f)).addInitializer(u8("zx", Shape.of(), 128))
            .addInitializer(s8Random("wq", Shape.of(6, 4, 3, 3), 6 * 36))
            .addInitializer(TensorData.ofFloats("ws", Shape.of(6), new float[] {.01f, .02f, .01f, .015f, .01f, .02f}))
            .addInitializer(TensorData.ofFloats("b", Shape.of(6), input(6)))
            .addInitializer(scalar("sy", 0.04f)).addInitializer(u8("zy", Shape.of(), 0))
            .addInitializer(s8Random("fq", Shape.of(3, 6 * 16), 3 * 96))
            .addInitializer(TensorData.ofFloats("fs", Shape.of(3), new float[] {.01f, .02f, .03f}))
            .addNode(Node.of("q", "QuantizeLinear", List.of("x", "sx", "zx"), List.of("xq")))
            .addNode(Node.of("dq", "DequantizeLinear", List.of("xq", "sx", "zx"), List.of("xd")))
            .addNode(Node.of("dqw", "DequantizeLinear", List.of("wq", "ws"), List.of("w"), Attribute.ofInt("axis", 0)))
            .addNode(Node.of("conv", "Conv", List.of("xd", "w", "b"), List.of("c")))
            .addNode(Node.of("relu", "Relu", List.of("c"), List.of("r")))
            .addNode(Node.of("q2", "QuantizeLinear", List.of("r", "sy", "zy"), List.of("rq")))
            .addNode(Node.of("dq2", "DequantizeLinear", List.of("rq", "sy", "zy"), List.of("rd")))
            .addNode(Node.of("flat", "Flatten", List.of("rd"), List.of("f")))
            .addNode(Node.of("dqf", "DequantizeLinear", List.of("fq", "fs"), List.of("fw"), Attribute.ofInt("axis", 0)))
            .addNode(Node.of("fc", "Gemm", List.of("f", "fw"), List.of("y"), Attribute.ofInt("transB", 1)))
            .addOutput(new TensorInfo("y", dev.edgewise.core.ir.DataType.FLOAT, Shape.unknownRank()))
            .build();
        CompiledPlan plan = PlanCompiler.compile(g, CompileOptions.DEFAULT);
        Plan p = plan.plan();
        Op conv = op(p, "conv");
        assertEquals(KernelId.CONV_IM2COL_S8GEMM, conv.getKernel());
        assertEquals(ActivationKind.ACT_RELU, conv.getActivation().getKind());
        assertEquals(DataType.DT_U8, p.getTensors(conv.getOutputs(0)).getDtype(), "Relu and QuantizeLinear fused");
        assertEquals(0.04f, conv.getQuant().getOutputScale());
        // a Flatten sits between DequantizeLinear and the Gemm: DEQUANTIZE, an fp32 view, and the Gemm stays fp32
        // (the int8 pattern needs the DequantizeLinear right before the layer)
        assertEquals(KernelId.DEQUANTIZE, op(p, "dq2").getKernel());
        assertEquals(KernelId.GEMM, op(p, "fc").getKernel());
        matchesOrt(g, plan, input(4 * 36), new long[] {1, 4, 6, 6}, rangeStep(g, 4 * 36));
    }

    /** ORT's output range over a few inputs / 255: the step of a uint8 quantization of the output. */
    private static double rangeStep(Graph g, int n) throws Exception {
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            for (float v : OrtReference.run(OnnxExporter.toBytes(g), List.of("x"), List.of(new long[] {1, 4, 6, 6}),
                List.of(input(n))).get(0)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        return (hi - lo) / 255;
    }

    @Test
    void weightOnlyInt8RunsInFp32WithDequantizedWeights() throws Exception {
        OptimizationSettings s = new OptimizationSettings(OptimizationSettings.VERSION, null, null, null, null, "int8-weights",
            null, null, null, null, null, null, null, null, null);
        Graph q = Optimizer.optimize(Digits.cnn(), s, null, m -> { }).graph();
        CompiledPlan plan = PlanCompiler.compile(q, CompileOptions.DEFAULT);
        assertTrue(plan.plan().getOpsList().stream().noneMatch(o -> o.getKernel().getNumber() >= KernelId.CONV_IM2COL_S8GEMM_VALUE
            && o.getKernel().getNumber() <= KernelId.DEQUANTIZE_VALUE), "no int8 op for weight-only quantization");
        float[] x = Digits.test().samples().get(3);
        float[] ours = HostRuntime.run(plan, List.of(x), HostRuntime.Target.HOST).get(0);
        float[] ref = OrtReference.run(OnnxExporter.toBytes(q), List.of(q.inputs().get(0).name()), List.of(new long[] {1, 1, 8, 8}),
            List.of(x)).get(0);
        assertTrue(WholeModelTest.relativeError(ours, ref) <= WholeModelTest.TOLERANCE);
    }

    @Test
    void int8TensorsIntoFp32OpsAndUint8OutputsAreRefused() throws Exception {
        Graph pool = GraphBuilder.create().name("q_pool")
            .addInput(new TensorInfo("x", dev.edgewise.core.ir.DataType.FLOAT, Shape.of(1, 2, 4, 4)))
            .addInitializer(scalar("s", 0.1f)).addInitializer(u8("z", Shape.of(), 3))
            .addNode(Node.of("q", "QuantizeLinear", List.of("x", "s", "z"), List.of("xq")))
            .addNode(Node.of("pool", "MaxPool", List.of("xq"), List.of("y"), Attribute.ofInts("kernel_shape", 2, 2)))
            .addOutput(new TensorInfo("y", dev.edgewise.core.ir.DataType.UINT8, Shape.unknownRank()))
            .build();
        EdgewiseException e = assertThrows(EdgewiseException.class, () -> PlanCompiler.compile(pool, CompileOptions.DEFAULT));
        assertTrue(e.getMessage().contains("layer 'pool' (MaxPool)") && e.getMessage().contains("dequantize first"), e.getMessage());
        Graph out = GraphBuilder.create().name("q_out")
            .addInput(new TensorInfo("x", dev.edgewise.core.ir.DataType.FLOAT, Shape.of(1, 4)))
            .addInitializer(scalar("s", 0.1f)).addInitializer(u8("z", Shape.of(), 3))
            .addNode(Node.of("q", "QuantizeLinear", List.of("x", "s", "z"), List.of("y")))
            .addOutput(new TensorInfo("y", dev.edgewise.core.ir.DataType.UINT8, Shape.unknownRank()))
            .build();
        e = assertThrows(EdgewiseException.class, () -> PlanCompiler.compile(out, CompileOptions.DEFAULT));
        assertTrue(e.getMessage().contains("graph output 'y'") && e.getMessage().contains("DequantizeLinear"), e.getMessage());
    }
}
