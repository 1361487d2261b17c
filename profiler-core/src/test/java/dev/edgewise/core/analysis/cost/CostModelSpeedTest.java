package dev.edgewise.core.analysis.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.analysis.CostModel;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.analysis.ShapeInferenceResult;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A 5,000-node graph is counted exactly. The time is printed for information only: the speed
 * target is checked by profiler-core/bench/analyze-bench.sh, never by a timed test on a shared machine.
 */
class CostModelSpeedTest {
    @Test
    void fiveThousandNodeGraphIsCountedExactly() {
        NetBuilder n = new NetBuilder();
        String t = n.input("x", 1, 32, 28, 28);
        String skip = t;
        for (int i = 0; i < 1250; i++) {
            String c = n.conv("conv" + i, t, 32, 3, 1, 1, 1, true);
            String r = n.unary("relu" + i, "Relu", c);
            String bn = n.node("bn" + i, "BatchNormalization", List.of(r, n.weight("g" + i, 32), n.weight("b" + i, 32),
                    n.weight("m" + i, 32), n.weight("v" + i, 32)), new long[] {1, 32, 28, 28});
            t = n.node("add" + i, "Add", List.of(bn, skip), new long[] {1, 32, 28, 28});
            skip = t;
        }
        n.output(t);
        ShapeInferenceResult inferred = n.inferred();
        assertThat(inferred.graph().nodes()).hasSize(5000);
        CostModel model = CostModel.withDefaults();

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long bestCpu = Long.MAX_VALUE;
        long bestWall = Long.MAX_VALUE;
        ModelAnalysis a = null;
        for (int run = 0; run < 15; run++) {
            long cpu = threads.getCurrentThreadCpuTime();
            long wall = System.nanoTime();
            a = model.analyze(inferred);
            bestWall = Math.min(bestWall, System.nanoTime() - wall);
            bestCpu = Math.min(bestCpu, threads.getCurrentThreadCpuTime() - cpu);
        }
        System.out.printf("cost model, 5000 nodes: best %.1f ms CPU, best %.1f ms wall%n", bestCpu / 1e6, bestWall / 1e6);
        assertThat(a.totals().macs()).isEqualTo(1250L * 32 * 28 * 28 * 32 * 9);
        assertThat(a.totals().params()).isEqualTo(1250L * (32 * 32 * 9 + 32 + 4 * 32));
    }
}
