package dev.edgewise.bridge.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgewise.bridge.plan.CompileOptions.SparsePolicy;
import dev.edgewise.bridge.plan.proto.Blob;
import dev.edgewise.bridge.plan.proto.DataType;
import dev.edgewise.bridge.plan.proto.KernelId;
import dev.edgewise.bridge.plan.proto.Layout;
import dev.edgewise.bridge.plan.proto.Op;
import dev.edgewise.bridge.plan.proto.Plan;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.onnx.OnnxImporter;
import dev.edgewise.core.optimize.MagnitudePruning;
import dev.edgewise.core.optimize.PruneSpec;
import dev.edgewise.core.spi.ImportOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sparse kernel choice (threshold, per-layer and global overrides), CSR and fp16 blob encoding. */
class SparseF16CompilerTest {
    private static final Path SAMPLES = Path.of(System.getProperty("edgewise.samples", "../samples"), "models");

    private static Graph pruned(String name, double sparsity) throws EdgewiseException {
        Graph g = new OnnxImporter().load(SAMPLES.resolve(name + ".onnx"), ImportOptions.DEFAULT);
        return sparsity == 0 ? g : MagnitudePruning.apply(g, PruneSpec.global(sparsity)).graph();
    }

    private static Op op(Plan p, String name) {
        return p.getOpsList().stream().filter(o -> o.getName().equals(name)).findFirst().orElseThrow();
    }

    /** Every FC and eligible 1x1 layer: CSR exactly when its own fraction of zeros reaches the threshold. */
    @Test
    void thresholdDecidesPerLayer() throws Exception {
        for (String model : List.of("digits_mlp", "mobilenetv2_tiny")) {
            CompiledPlan c = PlanCompiler.compile(pruned(model, 0.8), CompileOptions.DEFAULT);
            int sparse = 0;
            for (LayerDecision d : c.decisions()) {
                if (!d.candidates().contains(KernelId.GEMM_CSR) && !d.candidates().contains(KernelId.CONV1X1_CSR)) {
                    continue;
                }
                Op o = op(c.plan(), d.layer());
                double zeros = zeros(c.plan(), o);
                boolean want = zeros >= CompileOptions.DEFAULT_SPARSE_THRESHOLD;
                assertEquals(want, SparseKernels.isSparse(d.kernel()), d + " with " + zeros + " zeros");
                if (want) {
                    sparse++;
                    assertEquals(Layout.LAYOUT_CSR, c.plan().getBlobs(o.getWeight().getIndex()).getLayout());
                    assertTrue(d.reason().contains("zeros"), d.reason());
                }
            }
            assertTrue(sparse >= 1, model + ": no layer went sparse at 80% global pruning");
        }
    }

    /** zeros of an op's weights, read back from the plan (dense or CSR) */
    private static double zeros(Plan p, Op o) {
        Blob b = p.getBlobs(o.getWeight().getIndex());
        var y = p.getTensors(o.getOutputs(0));
        var x = p.getTensors(o.getInputs(0));
        boolean conv = x.getDimsCount() == 4 && y.getDimsCount() == 4;
        long total = (long) y.getDims(1) * (conv ? x.getDims(1) : x.getByteSize() / 4 / x.getDims(0));
        if (b.getLayout() != Layout.LAYOUT_CSR) {
            ByteBuffer bb = b.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            long z = 0;
            for (int i = 0; i < total; i++) {
                z += bb.getFloat() == 0 ? 1 : 0;
            }
            return (double) z / total;
        }
        ByteBuffer bb = b.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        int rows = y.getDims(1);
        long nnz = bb.getInt(rows * 4) & 0xFFFFFFFFL;
        assertEquals((rows + 1) * 4L + nnz * 8, b.getData().size(), "CSR blob size");
        return 1.0 - (double) nnz / total;
    }

    @Test
    void perLayerAndGlobalOverrides() throws Exception {
        Graph g = pruned("digits_mlp", 0.9);
        CompiledPlan auto = PlanCompiler.compile(g, CompileOptions.DEFAULT);
        LayerDecision sparseLayer = auto.decisions().stream().filter(d -> d.kernel() == KernelId.GEMM_CSR).findFirst().orElseThrow();
        CompiledPlan dense = PlanCompiler.compile(g, CompileOptions.DEFAULT.withOverrides(Map.of(sparseLayer.layer(), KernelId.GEMM)));
        assertEquals(KernelId.GEMM, dense.decision(sparseLayer.layer()).kernel());
        assertEquals(LayerDecision.Source.OVERRIDE, dense.decision(sparseLayer.layer()).source());
        assertEquals(Layout.LAYOUT_OI, dense.plan().getBlobs(op(dense.plan(), sparseLayer.layer()).getWeight().getIndex()).getLayout());

        Graph unpruned = pruned("digits_mlp", 0);
        CompiledPlan always = PlanCompiler.compile(unpruned, CompileOptions.DEFAULT.withSparse(SparsePolicy.ALWAYS, 0.7));
        assertTrue(always.decisions().stream().filter(d -> d.candidates().contains(KernelId.GEMM_CSR))
            .allMatch(d -> d.kernel() == KernelId.GEMM_CSR), always.decisions().toString());
        CompiledPlan never = PlanCompiler.compile(g, CompileOptions.DEFAULT.withSparse(SparsePolicy.NEVER, 0.7));
        assertTrue(never.decisions().stream().noneMatch(d -> SparseKernels.isSparse(d.kernel())), never.decisions().toString());
        CompiledPlan low = PlanCompiler.compile(g, CompileOptions.DEFAULT.withSparse(SparsePolicy.AUTO, 0.0));
        assertTrue(low.decisions().stream().anyMatch(d -> d.kernel() == KernelId.GEMM_CSR));

        EdgewiseException e = assertThrows(EdgewiseException.class, () -> PlanCompiler.compile(g,
            CompileOptions.DEFAULT.withOverrides(Map.of(sparseLayer.layer(), KernelId.CONV1X1_CSR))));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains("GEMM_CSR") && e.getMessage().contains(sparseLayer.layer()), e.getMessage());
        Graph cnn = pruned("digits_cnn", 0.9);
        String conv3x3 = PlanCompiler.compile(cnn, CompileOptions.DEFAULT).decisions().stream()
            .filter(d -> d.candidates().contains(KernelId.CONV_IM2COL_SGEMM) && !d.candidates().contains(KernelId.CONV1X1_SGEMM))
            .findFirst().orElseThrow().layer();
        e = assertThrows(EdgewiseException.class, () -> PlanCompiler.compile(cnn,
            CompileOptions.DEFAULT.withOverrides(Map.of(conv3x3, KernelId.CONV1X1_CSR))));
        assertTrue(e.getMessage().contains("cannot run it"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CompileOptions.DEFAULT.withSparse(SparsePolicy.AUTO, 1.5));
    }

    @Test
    void fp16StorageHalvesWeightBlobsAndFlagsArithmetic() throws Exception {
        Graph g = pruned("mobilenetv2_tiny", 0);
        Plan p32 = PlanCompiler.compile(g, CompileOptions.DEFAULT).plan();
        Plan p16 = PlanCompiler.compile(g, CompileOptions.DEFAULT.withF16Weights(true).withF16Arithmetic(true)).plan();
        long w32 = 0;
        long w16 = 0;
        for (int i = 0; i < p32.getOpsCount(); i++) {
            Op a = p32.getOps(i);
            Op b = p16.getOps(i);
            boolean f16Kernel = List.of(KernelId.GEMM, KernelId.CONV1X1_SGEMM, KernelId.CONV_IM2COL_SGEMM).contains(b.getKernel());
            assertEquals(f16Kernel, b.getAllowF16Arithmetic(), b.getName());
            assertFalse(a.getAllowF16Arithmetic());
            if (!b.hasWeight()) {
                continue;
            }
            Blob wa = p32.getBlobs(a.getWeight().getIndex());
            Blob wb = p16.getBlobs(b.getWeight().getIndex());
            if (wa.getLayout() == Layout.LAYOUT_OIHW || wa.getLayout() == Layout.LAYOUT_OI) {
                assertEquals(DataType.DT_F16, wb.getDtype(), b.getName());
                assertEquals(wa.getData().size(), 2 * wb.getData().size(), b.getName());
                w32 += wa.getData().size();
                w16 += wb.getData().size();
            } else {
                assertEquals(DataType.DT_F32, wb.getDtype(), "non-canonical blobs stay fp32: " + b.getName());
            }
            if (b.hasBias()) {
                assertEquals(DataType.DT_F32, p16.getBlobs(b.getBias().getIndex()).getDtype());
            }
        }
        assertTrue(w16 > 0 && w32 == 2 * w16);
        System.out.printf("mobilenetv2_tiny plan: %d -> %d bytes with fp16 weights (weights %d -> %d)%n", p32.getSerializedSize(),
            p16.getSerializedSize(), w32, w16);
    }

    /** Round to nearest even at every tie between neighbouring halves, exact round trips, overflow. */
    @Test
    void halfConversion() {
        for (int h = 0; h < 0x7C00; h++) {
            float f = WeightEncoding.fromHalf((short) h);
            assertEquals(h, WeightEncoding.toHalf(f) & 0xFFFF);
            assertEquals(h | 0x8000, WeightEncoding.toHalf(-f) & 0xFFFF);
            if (h + 1 < 0x7C00) {
                float mid = f + (WeightEncoding.fromHalf((short) (h + 1)) - f) * 0.5f;
                assertEquals((h & 1) == 0 ? h : h + 1, WeightEncoding.toHalf(mid) & 0xFFFF, "tie above " + h);
                assertEquals(h + 1, WeightEncoding.toHalf(Math.nextUp(mid)) & 0xFFFF);
                assertEquals(h, WeightEncoding.toHalf(Math.nextDown(mid)) & 0xFFFF);
            }
        }
        assertEquals(0x7BFF, WeightEncoding.toHalf(65519f));
        assertEquals(0x7C00, WeightEncoding.toHalf(65520f));
        assertEquals(0x0001, WeightEncoding.toHalf(0x1.000002p-25f));
        assertEquals(0, WeightEncoding.toHalf(0x1p-25f));
        assertTrue(Float.isNaN(WeightEncoding.fromHalf(WeightEncoding.toHalf(Float.NaN))));
    }
}
