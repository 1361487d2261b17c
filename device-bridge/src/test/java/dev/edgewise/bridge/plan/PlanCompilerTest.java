package dev.edgewise.bridge.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgewise.bridge.plan.proto.ActivationKind;
import dev.edgewise.bridge.plan.proto.KernelId;
import dev.edgewise.bridge.plan.proto.Op;
import dev.edgewise.bridge.plan.proto.Plan;
import dev.edgewise.bridge.plan.proto.Storage;
import dev.edgewise.bridge.plan.proto.Tensor;
import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.onnx.OnnxImporter;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.zoo.ModelZoo;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlanCompilerTest {
    private static final Path SAMPLES = Path.of(System.getProperty("edgewise.samples", "../samples"), "models");

    private static Graph sample(String name) throws EdgewiseException {
        return new OnnxImporter().load(SAMPLES.resolve(name + ".onnx"), ImportOptions.DEFAULT);
    }

    private static long count(Plan p, KernelId k) {
        return p.getOpsList().stream().filter(o -> o.getKernel() == k).count();
    }

    @Test
    void batchNormIsFoldedAndReluFusedIntoConvs() throws Exception {
        CompiledPlan c = PlanCompiler.compile(ModelZoo.resnet18(1, 32, 10), CompileOptions.DEFAULT);
        Plan p = c.plan();
        assertEquals(0, count(p, KernelId.BATCHNORM), "every BN follows a conv and is folded");
        assertEquals(0, count(p, KernelId.RELU), "every Relu follows a conv or an Add and is fused");
        long convs = p.getOpsList().stream().filter(o -> o.getKernel().getNumber() <= 8).count();
        assertEquals(20, convs, "ResNet-18 has 20 convolutions");
        long fusedRelu = p.getOpsList().stream().filter(o -> o.getActivation().getKind() == ActivationKind.ACT_RELU).count();
        assertEquals(17, fusedRelu, "1 stem + 8 first-conv-of-block + 8 post-Add Relus");
        assertTrue(c.notes().stream().anyMatch(n -> n.contains("(BatchNormalization) folded into")));
    }

    @Test
    void heuristicPicksTheDocumentedKernels() throws Exception {
        CompiledPlan r = PlanCompiler.compile(ModelZoo.resnet18(1, 224, 1000), CompileOptions.DEFAULT);
        Map<KernelId, Long> kinds = kernelCounts(r);
        // stem 7x7 s2 and the three strided 3x3 -> im2col, 1x1 s2 shortcuts -> im2col (strided), 13 3x3 s1 -> F43
        assertEquals(13L, kinds.get(KernelId.CONV3X3S1_WINOGRAD_F43));
        assertEquals(7L, kinds.get(KernelId.CONV_IM2COL_SGEMM));
        CompiledPlan m = PlanCompiler.compile(ModelZoo.mobilenetV2(1, 224, 1000), CompileOptions.DEFAULT);
        Map<KernelId, Long> mk = kernelCounts(m);
        assertEquals(13L, mk.get(KernelId.CONVDW3X3S1));
        assertEquals(4L, mk.get(KernelId.CONVDW3X3S2));
        assertEquals(34L, mk.get(KernelId.CONV1X1_SGEMM));
        for (LayerDecision d : m.decisions()) {
            assertTrue(d.candidates().contains(d.kernel()), d.layer());
            assertFalse(d.reason().isBlank());
        }
    }

    private static Map<KernelId, Long> kernelCounts(CompiledPlan c) {
        Map<KernelId, Long> m = new java.util.EnumMap<>(KernelId.class);
        c.decisions().stream().filter(d -> d.source() == LayerDecision.Source.HEURISTIC)
            .forEach(d -> m.merge(d.kernel(), 1L, Long::sum));
        return m;
    }

    @Test
    void overridesWinAndAreChecked() throws Exception {
        Graph g = ModelZoo.resnet18(1, 32, 10);
        CompiledPlan base = PlanCompiler.compile(g, CompileOptions.DEFAULT);
        LayerDecision winograd = base.decisions().stream()
            .filter(d -> d.kernel() == KernelId.CONV3X3S1_WINOGRAD_F43).findFirst().orElseThrow();
        CompiledPlan forced = PlanCompiler.compile(g, CompileOptions.DEFAULT.withOverrides(
            Map.of(winograd.layer(), KernelId.CONV_DIRECT)));
        assertEquals(KernelId.CONV_DIRECT, forced.decision(winograd.layer()).kernel());
        assertEquals(LayerDecision.Source.OVERRIDE, forced.decision(winograd.layer()).source());
        LayerDecision pointwiseOrStrided = base.decisions().stream()
            .filter(d -> d.candidates().contains(KernelId.CONV_IM2COL_SGEMM)
                && !d.candidates().contains(KernelId.CONV3X3S1_WINOGRAD_F43)).findFirst().orElseThrow();
        EdgewiseException bad = assertThrows(EdgewiseException.class, () -> PlanCompiler.compile(g,
            CompileOptions.DEFAULT.withOverrides(Map.of(pointwiseOrStrided.layer(), KernelId.CONV3X3S1_WINOGRAD_F43))));
        assertEquals(ErrorCode.INVALID_ARGUMENT, bad.code());
        assertTrue(bad.getMessage().contains(pointwiseOrStrided.layer()), bad.getMessage());
        EdgewiseException unknown = assertThrows(EdgewiseException.class, () -> PlanCompiler.compile(g,
            CompileOptions.DEFAULT.withOverrides(Map.of("no_such_layer", KernelId.CONV_DIRECT))));
        assertTrue(unknown.getMessage().contains("no_such_layer"));
    }

    @Test
    void autotunePicksTheFastestMeasuredCandidate() throws Exception {
        Graph g = ModelZoo.resnet18(1, 32, 10);
        CompiledPlan base = PlanCompiler.compile(g, CompileOptions.DEFAULT);
        LayerDecision d = base.decisions().stream()
            .filter(x -> x.kernel() == KernelId.CONV3X3S1_WINOGRAD_F43).findFirst().orElseThrow();
        // measured: im2col fastest among legal ones; CONV1X1_SGEMM is faster but cannot run a 3x3
        AutotuneResults measured = new AutotuneResults("test-device", Map.of(d.layer(), Map.of(
            KernelId.CONV3X3S1_WINOGRAD_F43, 2.0, KernelId.CONV_IM2COL_SGEMM, 1.5, KernelId.CONV1X1_SGEMM, 0.1)));
        CompiledPlan tuned = PlanCompiler.compile(g, CompileOptions.DEFAULT.withAutotune(measured));
        assertEquals(KernelId.CONV_IM2COL_SGEMM, tuned.decision(d.layer()).kernel());
        assertEquals(LayerDecision.Source.AUTOTUNE, tuned.decision(d.layer()).source());
        assertTrue(tuned.decision(d.layer()).reason().contains("test-device"));
    }

    @Test
    void symbolicShapesNeedBindings() throws Exception {
        Graph g = sample("shufflenet_tiny");
        EdgewiseException e = assertThrows(EdgewiseException.class, () -> PlanCompiler.compile(g, CompileOptions.DEFAULT));
        assertEquals(ErrorCode.INVALID_DIMENSION, e.code());
        assertTrue(e.getMessage().contains("not static") && e.getMessage().contains("'input'"), e.getMessage());
        CompiledPlan ok = PlanCompiler.compile(g, CompileOptions.DEFAULT.withBindings(
            new DimBindings(Map.of("batch_size", 1L), Map.of())));
        // the Shape -> Gather -> ... -> Reshape arithmetic is evaluated at compile time
        for (Op op : ok.plan().getOpsList()) {
            String layer = op.getName().substring(op.getName().lastIndexOf('/') + 1);
            assertFalse(layer.matches("(Shape|Gather|Unsqueeze|Cast|Div)(_\\d+)?"), op.getName());
        }
        assertTrue(ok.notes().stream().anyMatch(n -> n.contains("(Gather) evaluated at compile time")));
    }

    @Test
    void unsupportedOpsAreNamed() throws Exception {
        Graph g = sample("transformer_tiny");
        EdgewiseException e = assertThrows(EdgewiseException.class, () -> PlanCompiler.compile(g,
            CompileOptions.DEFAULT.withBindings(new DimBindings(Map.of("batch_size", 1L, "sequence_length", 8L), Map.of()))));
        assertEquals(ErrorCode.UNSUPPORTED, e.code());
        assertTrue(e.getMessage().matches("layer '.+' \\((\\w+)\\): .*"), e.getMessage());
    }

    @Test
    void trainingModeDropoutIsRefused() throws Exception {
        Graph g = dev.edgewise.core.ir.GraphBuilder.create().name("dropout_training")
            .addInput(new dev.edgewise.core.ir.TensorInfo("x", dev.edgewise.core.ir.DataType.FLOAT,
                dev.edgewise.core.ir.Shape.of(1, 8)))
            .addInitializer(dev.edgewise.core.ir.TensorData.ofFloats("ratio", dev.edgewise.core.ir.Shape.scalar(),
                new float[] {0.5f}))
            .addInitializer(dev.edgewise.core.ir.TensorData.ofBytes("training", dev.edgewise.core.ir.DataType.BOOL,
                dev.edgewise.core.ir.Shape.scalar(), java.nio.ByteBuffer.wrap(new byte[] {1})))
            .addNode(dev.edgewise.core.ir.Node.of("drop", "Dropout", List.of("x", "ratio", "training"), List.of("y")))
            .addOutput(new dev.edgewise.core.ir.TensorInfo("y", dev.edgewise.core.ir.DataType.FLOAT,
                dev.edgewise.core.ir.Shape.of(1, 8)))
            .build();
        EdgewiseException e = assertThrows(EdgewiseException.class, () -> PlanCompiler.compile(g, CompileOptions.DEFAULT));
        assertEquals(ErrorCode.UNSUPPORTED, e.code());
        assertTrue(e.getMessage().startsWith("layer 'drop' (Dropout): Dropout in training mode"), e.getMessage());
    }

    @Test
    void dropoutDisappearsAndFlattenIsAView() throws Exception {
        CompiledPlan c = PlanCompiler.compile(sample("googlenet_tiny"), CompileOptions.DEFAULT);
        assertTrue(c.notes().stream().anyMatch(n -> n.contains("(Dropout) dropped")));
        Plan p = c.plan();
        List<Op> views = p.getOpsList().stream().filter(o -> o.getKernel() == KernelId.RESHAPE_VIEW).toList();
        assertFalse(views.isEmpty());
        for (Op v : views) {
            assertEquals(p.getTensors(v.getInputs(0)).getArenaOffset(), p.getTensors(v.getOutputs(0)).getArenaOffset());
        }
    }

    /** Memory plans of the zoo's architectures at 224: ratio to the lower bound, and no live overlap. */
    @Test
    void arenaIsCloseToTheLowerBound() throws Exception {
        for (Graph g : List.of(ModelZoo.resnet18(1, 224, 1000), ModelZoo.mobilenetV2(1, 224, 1000),
            ModelZoo.googlenet(1, 224, 1000), ModelZoo.shufflenet(1, 224, 1000), ModelZoo.densenet121(1, 224, 1000))) {
            CompiledPlan c = PlanCompiler.compile(g, CompileOptions.DEFAULT);
            System.out.printf("arena %-12s %12d B  lower bound %12d B  ratio %.4f%n", g.name(), c.arenaSize(),
                c.arenaLowerBound(), c.arenaRatio());
            assertTrue(c.arenaRatio() <= 1.05, g.name() + " arena/bound " + c.arenaRatio());
            assertNoLiveOverlap(c.plan());
        }
    }

    /** Independent of the planner: walk the ops and check that no two simultaneously live buffers overlap. */
    static void assertNoLiveOverlap(Plan p) {
        int n = p.getTensorsCount();
        int[] first = new int[n];
        int[] last = new int[n];
        java.util.Arrays.fill(first, Integer.MAX_VALUE);
        java.util.Arrays.fill(last, -1);
        for (int id : p.getInputsList()) {
            first[id] = 0;
        }
        for (int i = 0; i < p.getOpsCount(); i++) {
            for (int id : p.getOps(i).getInputsList()) {
                first[id] = Math.min(first[id], i);
                last[id] = Math.max(last[id], i);
            }
            for (int id : p.getOps(i).getOutputsList()) {
                first[id] = Math.min(first[id], i);
                last[id] = Math.max(last[id], i);
            }
        }
        for (int id : p.getOutputsList()) {
            last[id] = p.getOpsCount();
        }
        for (int a = 0; a < n; a++) {
            Tensor ta = p.getTensors(a);
            if (ta.getStorage() != Storage.STORAGE_ARENA) {
                continue;
            }
            assertTrue(ta.getArenaOffset() % 16 == 0 && ta.getArenaOffset() + ta.getByteSize() <= p.getArenaSize());
            for (int b = a + 1; b < n; b++) {
                Tensor tb = p.getTensors(b);
                boolean sameBytes = tb.getArenaOffset() == ta.getArenaOffset() && tb.getByteSize() == ta.getByteSize();
                if (tb.getStorage() != Storage.STORAGE_ARENA || sameBytes) {
                    continue; // views share their source's bytes by design
                }
                boolean timeOverlap = first[a] <= last[b] && first[b] <= last[a];
                boolean spaceOverlap = ta.getArenaOffset() < tb.getArenaOffset() + tb.getByteSize()
                    && tb.getArenaOffset() < ta.getArenaOffset() + ta.getByteSize();
                assertFalse(timeOverlap && spaceOverlap, ta.getName() + " and " + tb.getName() + " overlap while both live");
            }
        }
    }
}
