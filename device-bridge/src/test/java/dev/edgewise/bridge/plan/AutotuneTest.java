package dev.edgewise.bridge.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.edgewise.bridge.plan.proto.KernelId;
import dev.edgewise.bridge.plan.proto.Plan;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Autotune end to end on the host: one plan per candidate kernel (forced onto every layer that can
 * take it), timed per op with {@code edgewise-run --profile}, parsed into AutotuneResults; the
 * recompiled plan must take, per conv layer, the fastest measured candidate. Which kernel wins is
 * whatever this machine measured; the test checks the plumbing, not speeds.
 */
class AutotuneTest {
    @Test
    void measuredProfilesDecideEveryConvLayer() throws Exception {
        WholeModelTest.Model m = WholeModelTest.models().stream().filter(x -> x.name().equals("resnet_tiny"))
            .findFirst().orElseThrow();
        CompiledPlan base = PlanCompiler.compile(m.graph(), CompileOptions.DEFAULT);
        List<float[]> in = WholeModelTest.inputs(base, 1).data();
        Map<Plan, String> logs = new LinkedHashMap<>();
        List<KernelId> kernels = new java.util.ArrayList<>(WholeModelTest.CONV_KERNELS);
        kernels.addAll(List.of(KernelId.CONV1X1_CSR, KernelId.GEMM, KernelId.GEMM_CSR)); // dense vs sparse is tuned too
        for (KernelId k : kernels) {
            Map<String, KernelId> forced = WholeModelTest.forcing(base, k);
            if (forced.isEmpty()) {
                continue;
            }
            CompiledPlan p = PlanCompiler.compile(m.graph(), CompileOptions.DEFAULT.withOverrides(forced));
            StringBuilder log = new StringBuilder();
            HostRuntime.run(p, in, HostRuntime.Target.HOST, List.of("--profile", "--threads", "1", "--iterations", "3"), log);
            logs.put(p.plan(), log.toString());
        }
        AutotuneResults measured = AutotuneResults.fromProfiles("host", logs);
        CompiledPlan tuned = PlanCompiler.compile(m.graph(), CompileOptions.DEFAULT.withAutotune(measured));
        int convs = 0;
        for (LayerDecision d : tuned.decisions()) {
            if (d.candidates().size() <= 1) {
                continue;
            }
            convs++;
            Map<KernelId, Double> times = measured.millisByLayer().get(d.layer());
            assertEquals(d.candidates().size(), times.size(), d.layer() + ": every candidate measured " + times);
            KernelId fastest = times.entrySet().stream().min(Map.Entry.comparingByValue()).orElseThrow().getKey();
            assertEquals(LayerDecision.Source.AUTOTUNE, d.source(), d.layer());
            assertEquals(fastest, d.kernel(), d.layer() + " " + times);
            System.out.printf("autotune %-28s %-24s %s%n", d.layer(), d.kernel(), times);
        }
        assertEquals(7, convs, "resnet_tiny has 6 convolutions and 1 fully-connected layer");
        assertTrue(tuned.decisions().stream().anyMatch(d -> d.reason().contains("host")));
    }
}
