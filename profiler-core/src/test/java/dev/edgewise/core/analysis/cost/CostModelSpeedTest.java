package dev.edgewise.core.analysis.cost;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.analysis.CostModel;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.analysis.ShapeInferenceResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A 5,000-node graph must cost well under 100 ms (best of several runs after warm-up). */
class CostModelSpeedTest {
    @Test
    void fiveThousandNodesInWellUnder100Ms() {
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

        long best = Long.MAX_VALUE;
        ModelAnalysis a = null;
        for (int run = 0; run < 30; run++) {
            long start = System.nanoTime();
            a = model.analyze(inferred);
            best = Math.min(best, System.nanoTime() - start);
        }
        System.out.printf("cost model, 5000 nodes: best %.1f ms%n", best / 1e6);
        assertThat(best / 1e6).isLessThan(100.0);
        assertThat(a.totals().macs()).isEqualTo(1250L * 32 * 28 * 28 * 32 * 9);
        assertThat(a.totals().params()).isEqualTo(1250L * (32 * 32 * 9 + 32 + 4 * 32));
    }
}
