package dev.edgewise.bridge.plan;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.edgewise.bridge.plan.proto.KernelId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The aarch64 build (real NEON, no SIMDe) under {@code qemu-aarch64 -cpu max}: a few whole models
 * against ONNX Runtime, with the heuristic's kernels and with the Winograd / depthwise / 1x1
 * kernels forced, and the conv, pooling and Gemm cases of the official ONNX tests. Kept short:
 * emulation is slow, and nothing here is timed.
 */
class Aarch64QemuTest {
    private static final Set<String> MODELS = Set.of("resnet_tiny", "mobilenetv2_tiny", "shufflenet_tiny", "zoo resnet18");

    @Test
    void modelsMatchOnnxRuntimeOnAarch64() throws Exception {
        int runs = 0;
        for (WholeModelTest.Model m : WholeModelTest.models()) {
            if (!MODELS.contains(m.name())) {
                continue;
            }
            CompiledPlan base = PlanCompiler.compile(m.graph(), CompileOptions.DEFAULT.withBindings(m.bindings()));
            WholeModelTest.Inputs in = WholeModelTest.inputs(base, 7);
            List<float[]> ref = OrtReference.run(m.onnx(), in.names(), in.shapes(), in.data());
            WholeModelTest.check(m, base, in, ref, HostRuntime.Target.AARCH64_QEMU);
            runs++;
            for (KernelId k : List.of(KernelId.CONV3X3S1_WINOGRAD_F23, KernelId.CONV_IM2COL_SGEMM)) {
                Map<String, KernelId> forced = WholeModelTest.forcing(base, k);
                if (!forced.isEmpty()) {
                    CompiledPlan p = PlanCompiler.compile(m.graph(),
                        CompileOptions.DEFAULT.withBindings(m.bindings()).withOverrides(forced));
                    WholeModelTest.check(m, k.name(), p, in, ref, HostRuntime.Target.AARCH64_QEMU);
                    runs++;
                }
            }
        }
        assertTrue(runs >= 8, "ran " + runs + " model variants");
    }

    @Test
    void convPoolGemmConformanceOnAarch64() throws Exception {
        assertTrue(Files.isDirectory(ConformanceTest.NODE_TESTS), "libonnx-testdata is not installed");
        List<Path> cases;
        try (Stream<Path> s = Files.list(ConformanceTest.NODE_TESTS)) {
            cases = s.filter(p -> p.getFileName().toString().matches("test_(conv|maxpool|averagepool|gemm)_.*"))
                .sorted().toList();
        }
        List<String> failures = new ArrayList<>();
        int passed = 0;
        for (Path dir : cases) {
            ConformanceTest.Outcome o = ConformanceTest.runCase(dir, HostRuntime.Target.AARCH64_QEMU);
            if (o == null) {
                continue;
            }
            if (o.status().equals("PASS")) {
                passed++;
            } else if (o.status().equals("FAIL")) {
                failures.add(o.testCase() + ": " + o.detail());
            }
        }
        System.out.println("conformance aarch64 (qemu -cpu max): conv/pool/gemm cases passed: " + passed);
        if (!failures.isEmpty()) {
            fail(String.join("\n", failures));
        }
        assertTrue(passed >= 30, "only " + passed + " cases passed");
    }
}
