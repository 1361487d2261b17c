package dev.edgewise.bridge.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgewise.bridge.plan.proto.KernelId;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.GraphBuilder;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
import dev.edgewise.core.onnx.OnnxImporter;
import dev.edgewise.core.spi.ImportOptions;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The official ONNX node tests of the quantization ops (libonnx-testdata): QuantizeLinear,
 * DequantizeLinear, QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger. Plans take and give
 * fp32 only, so an integer data input is fed through {@code QuantizeLinear(x, scale 1, zero 0)}
 * (exact for integer values) and an integer output read through {@code DequantizeLinear(y, 1, 0)};
 * the other inputs are folded as constants. Quantized outputs must be within one step (the ONNX
 * reference's float rounding may land on the other side of a .5), fp32 and int32 outputs exact.
 * Cases the runtime cannot express are listed with the reason and must be refused by the compiler.
 */
class Int8ConformanceTest {
    static final List<String> CASES = List.of("test_quantizelinear", "test_dequantizelinear", "test_qlinearconv",
        "test_qlinearmatmul_2D", "test_convinteger_with_padding", "test_convinteger_without_padding",
        "test_basic_convinteger", "test_matmulinteger", "test_quantizelinear_axis", "test_dequantizelinear_axis",
        "test_qlinearmatmul_3D");
    static final Map<String, String> SKIPS = Map.of(
        // per-tensor activations (plan-format.md): per-axis Q/DQ of activations has no runtime op
        "test_quantizelinear_axis", "per-axis quantization of an activation (QUANTIZE is per tensor)",
        "test_dequantizelinear_axis", "per-axis dequantization of an activation (DEQUANTIZE is per tensor)",
        "test_qlinearmatmul_3D", "batched B operand (a stack of matrices): GEMM_S8 takes one constant 2-D weight",
        // the runtime's weights are symmetric int8 (zero point 0): asymmetric uint8 weights are accepted only
        // when w - zero_point stays in [-128, 127]; these cases use the full uint8 range (w = 0, zero point 255)
        "test_qlinearconv", "asymmetric uint8 weights: w - w_zero_point = -255 does not fit int8",
        "test_qlinearmatmul_2D", "asymmetric uint8 weights: b - b_zero_point reaches 141, beyond int8");

    @Test
    void officialQuantizationNodeTests() throws Exception {
        assertTrue(Files.isDirectory(ConformanceTest.NODE_TESTS), "libonnx-testdata is not installed");
        Map<String, String> outcome = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        for (String name : CASES) {
            Path dir = ConformanceTest.NODE_TESTS.resolve(name);
            String r = runCase(dir, HostRuntime.Target.HOST);
            outcome.put(name, r);
            if (r.startsWith("FAIL")) {
                failures.add(name + ": " + r);
            }
        }
        outcome.forEach((k, v) -> System.out.println("int8 conformance " + k + ": " + v));
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertEquals(CASES.size() - SKIPS.size(), outcome.values().stream().filter(v -> v.startsWith("PASS")).count());
    }

    static String runCase(Path dir, HostRuntime.Target target) throws Exception {
        String name = dir.getFileName().toString();
        Graph g = new OnnxImporter().load(dir.resolve("model.onnx"), ImportOptions.DEFAULT);
        List<TensorData> inputs = ConformanceTest.read(dir.resolve("test_data_set_0"), "input", g.inputs().size());
        List<TensorData> expected = ConformanceTest.read(dir.resolve("test_data_set_0"), "output", g.outputs().size());
        Graph wrapped = wrap(ConformanceTest.foldInputs(g, inputs), inputs.get(0).dataType());
        CompiledPlan plan;
        try {
            plan = PlanCompiler.compile(wrapped, CompileOptions.DEFAULT);
        } catch (EdgewiseException e) {
            return SKIPS.containsKey(name) ? "SKIP " + SKIPS.get(name) + " (refused: " + e.getMessage() + ")"
                : "FAIL compile: " + e.getMessage();
        }
        if (SKIPS.containsKey(name)) {
            return "FAIL skip-listed (" + SKIPS.get(name) + ") but it compiles";
        }
        String kernels = plan.plan().getOpsList().stream().map(o -> o.getKernel().name()).toList().toString();
        float[] got = HostRuntime.run(plan, List.of(inputs.get(0).toFloats()), target).get(0);
        float[] want = expected.get(0).toFloats();
        boolean quantizedOut = expected.get(0).dataType() == DataType.UINT8 || expected.get(0).dataType() == DataType.INT8;
        if (got.length != want.length) {
            return "FAIL " + got.length + " outputs, expected " + want.length;
        }
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            worst = Math.max(worst, Math.abs((double) got[i] - want[i]));
        }
        double tol = quantizedOut ? 1.0 : 1e-6 * maxAbs(want);
        if (worst > tol) {
            return "FAIL max |ours - expected| = " + worst + " > " + tol + " " + kernels;
        }
        assertTrue(plan.plan().getOpsList().stream().anyMatch(o -> o.getKernel().getNumber() >= KernelId.CONV_IM2COL_S8GEMM_VALUE),
            name + ": no int8 op in " + kernels);
        return "PASS (max |diff| " + worst + (quantizedOut ? " steps" : "") + ") " + kernels;
    }

    private static double maxAbs(float[] v) {
        double m = 1;
        for (float f : v) {
            m = Math.max(m, Math.abs(f));
        }
        return m;
    }

    /** Integer data input -> fp32 input + QuantizeLinear(1, 0); integer output -> DequantizeLinear(1, 0). */
    static Graph wrap(Graph g, DataType inType) throws EdgewiseException {
        GraphBuilder b = g.toBuilder();
        List<Node> nodes = new ArrayList<>(g.nodes());
        TensorInfo in = g.inputs().get(0);
        b.addInitializer(TensorData.ofFloats("wrap_one", Shape.of(), new float[] {1f}));
        if (inType == DataType.UINT8 || inType == DataType.INT8) {
            b.addInitializer(TensorData.ofBytes("wrap_in_zero", inType, Shape.of(), ByteBuffer.wrap(new byte[] {0})));
            String f = in.name() + "_f32";
            nodes.add(0, Node.of("wrap_quantize", "QuantizeLinear", List.of(f, "wrap_one", "wrap_in_zero"), List.of(in.name())));
            b.inputs(List.of(new TensorInfo(f, DataType.FLOAT, in.shape())));
        }
        List<TensorInfo> outs = new ArrayList<>();
        for (TensorInfo o : g.outputs()) {
            if (o.dataType() == DataType.UINT8 || o.dataType() == DataType.INT8) {
                b.addInitializer(TensorData.ofBytes("wrap_out_zero", o.dataType(), Shape.of(), ByteBuffer.wrap(new byte[] {0})));
                String f = o.name() + "_f32";
                nodes.add(Node.of("wrap_dequantize", "DequantizeLinear", List.of(o.name(), "wrap_one", "wrap_out_zero"),
                    List.of(f)));
                outs.add(new TensorInfo(f, DataType.FLOAT, o.shape()));
            } else {
                outs.add(o);
            }
        }
        return b.nodes(nodes).outputs(outs).clearValueInfo().build();
    }
}
