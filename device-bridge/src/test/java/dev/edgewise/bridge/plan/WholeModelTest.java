package dev.edgewise.bridge.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgewise.bridge.plan.proto.KernelId;
import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.TensorInfo;
import dev.edgewise.core.onnx.OnnxExporter;
import dev.edgewise.core.onnx.OnnxImporter;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.zoo.ModelZoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Whole models through the plan compiler and the host runtime against ONNX Runtime on the same
 * seeded inputs: same top-1 and max |ours - ref| / max |ref| <= 1e-4 (the error relative to the
 * output's largest magnitude, so that near-zero logits do not dominate), once with the heuristic's
 * kernels and once per conv kernel with every layer that can take it forced onto it.
 */
class WholeModelTest {
    static final double TOLERANCE = 1e-4;
    private static final Path SAMPLES = Path.of(System.getProperty("edgewise.samples", "../samples"), "models");

    record Model(String name, Graph graph, byte[] onnx, DimBindings bindings) {
    }

    static List<Model> models() throws Exception {
        List<Model> out = new ArrayList<>();
        for (String s : List.of("digits_cnn", "digits_mlp", "resnet_tiny", "mobilenetv2_tiny", "googlenet_tiny", "shufflenet_tiny")) {
            Path f = SAMPLES.resolve(s + ".onnx");
            Graph g = new OnnxImporter().load(f, ImportOptions.DEFAULT);
            DimBindings b = s.equals("shufflenet_tiny") ? new DimBindings(Map.of("batch_size", 1L), Map.of()) : DimBindings.NONE;
            out.add(new Model(s, g, Files.readAllBytes(f), b));
        }
        for (Graph g : List.of(ModelZoo.resnet18(1, 32, 10), ModelZoo.mobilenetV2(2, 32, 10), ModelZoo.googlenet(3, 32, 10),
            ModelZoo.shufflenet(4, 32, 10))) {
            out.add(new Model("zoo " + g.name(), g, OnnxExporter.toBytes(g), DimBindings.NONE));
        }
        return out;
    }

    static final List<KernelId> CONV_KERNELS = List.of(KernelId.CONV_DIRECT, KernelId.CONV_IM2COL_SGEMM,
        KernelId.CONV1X1_SGEMM, KernelId.CONV3X3S1_WINOGRAD_F23, KernelId.CONV3X3S1_WINOGRAD_F43, KernelId.CONVDW3X3S1,
        KernelId.CONVDW3X3S2, KernelId.CONV_FFT);

    @TestFactory
    Stream<DynamicTest> modelsMatchOnnxRuntimeForEveryKernel() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Model m : models()) {
            CompiledPlan base = PlanCompiler.compile(m.graph(), CompileOptions.DEFAULT.withBindings(m.bindings()));
            Inputs in = inputs(base, 42);
            List<float[]> ref = OrtReference.run(m.onnx(), in.names, in.shapes, in.data);
            tests.add(DynamicTest.dynamicTest(m.name() + " heuristic", () -> check(m, base, in, ref, HostRuntime.Target.HOST)));
            for (KernelId k : CONV_KERNELS) {
                Map<String, KernelId> forced = forcing(base, k);
                if (forced.isEmpty()) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(m.name() + " " + k + " on " + forced.size() + " layers", () -> {
                    CompiledPlan p = PlanCompiler.compile(m.graph(),
                        CompileOptions.DEFAULT.withBindings(m.bindings()).withOverrides(forced));
                    forced.forEach((layer, kernel) -> assertEquals(kernel, p.decision(layer).kernel()));
                    check(m, k.name(), p, in, ref, HostRuntime.Target.HOST);
                }));
            }
        }
        return tests.stream();
    }

    /** Every conv layer of the plan that can run on {@code k}, mapped to it. */
    static Map<String, KernelId> forcing(CompiledPlan plan, KernelId k) {
        Map<String, KernelId> m = new LinkedHashMap<>();
        plan.decisions().stream().filter(d -> d.candidates().contains(k) && d.candidates().size() > 1)
            .forEach(d -> m.put(d.layer(), k));
        return m;
    }

    record Inputs(List<String> names, List<long[]> shapes, List<float[]> data) {
    }

    static Inputs inputs(CompiledPlan plan, long seed) {
        Random r = new Random(seed);
        List<String> names = new ArrayList<>();
        List<long[]> shapes = new ArrayList<>();
        List<float[]> data = new ArrayList<>();
        for (int id : plan.plan().getInputsList()) {
            var t = plan.plan().getTensors(id);
            names.add(t.getName());
            long[] dims = t.getDimsList().stream().mapToLong(Integer::longValue).toArray();
            shapes.add(dims);
            float[] v = new float[(int) (t.getByteSize() / 4)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) r.nextGaussian();
            }
            data.add(v);
        }
        return new Inputs(names, shapes, data);
    }

    static double check(Model m, CompiledPlan plan, Inputs in, List<float[]> ref, HostRuntime.Target target) throws Exception {
        return check(m, "heuristic", plan, in, ref, target);
    }

    static double check(Model m, String variant, CompiledPlan plan, Inputs in, List<float[]> ref, HostRuntime.Target target)
        throws Exception {
        List<float[]> ours = HostRuntime.run(plan, in.data, target);
        assertEquals(ref.size(), ours.size(), m.name() + ": output count");
        double worst = 0;
        for (int o = 0; o < ref.size(); o++) {
            float[] a = ours.get(o);
            float[] b = ref.get(o);
            assertEquals(b.length, a.length, m.name() + ": output " + o + " length");
            double err = relativeError(a, b);
            worst = Math.max(worst, err);
            assertTrue(err <= TOLERANCE, m.name() + ": output " + o + " max relative error " + err + " > " + TOLERANCE);
            assertEquals(argmax(b), argmax(a), m.name() + ": top-1 of output " + o);
        }
        System.out.printf("whole-model %-20s %-12s %-24s max rel err %.2e  arena %d B / bound %d B = %.3f%n", m.name(),
            target, variant, worst, plan.arenaSize(), plan.arenaLowerBound(), plan.arenaRatio());
        return worst;
    }

    static double relativeError(float[] a, float[] b) {
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

    static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
