package dev.edgewise.bridge.agent;

import dev.edgewise.bridge.plan.CompileOptions;
import dev.edgewise.bridge.plan.CompiledPlan;
import dev.edgewise.bridge.plan.PlanCompiler;
import dev.edgewise.bridge.proto.Result;
import dev.edgewise.bridge.proto.Run;
import dev.edgewise.core.onnx.OnnxImporter;
import dev.edgewise.core.spi.ImportOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Does streaming one IterationTiming per iteration slow a run down? The same plan on the host agent,
 * profiling off, 1 thread, alternately with timings streamed and with {@code defer_timings} (held
 * until the loop ends), the order swapped every repetition. Reported, streamed / deferred: (a) the
 * median over repetitions of the ratio of p50 iteration latencies (Result.stats.p50: is the timed
 * region itself slowed?), (b) the ratio of the best (minimum over repetitions) measured-loop wall
 * time per iteration (Result.loop_seconds / count: includes the writes between iterations, i.e. the
 * throughput cost), (c) the mean-latency ratio, which other processes' preemptions dominate on a
 * loaded machine. All from the agent's CLOCK_MONOTONIC. Run by bench/stream-overhead-bench.sh; a
 * bench, not a test.
 */
public final class StreamOverheadBench {
    private StreamOverheadBench() {
    }

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        String samples = System.getProperty("edgewise.samples", "../samples");
        for (String model : List.of("digits_cnn", "resnet_tiny")) {
            Path file = Path.of(samples, "models", model + ".onnx");
            CompiledPlan plan = PlanCompiler.compile(new OnnxImporter().load(file, ImportOptions.DEFAULT), CompileOptions.DEFAULT);
            try (AgentClient agent = AgentClient.start(List.of(AgentClientTest.agentBinary("host", "x86_64").toString()), false)) {
                agent.loadPlan(plan.plan().toByteArray());
                measure(agent, model, reps, iterations);
                agent.bye();
            }
        }
    }

    private static void measure(AgentClient agent, String model, int reps, int iterations) throws Exception {
        List<Double> p50 = new ArrayList<>();
        List<Double> mean = new ArrayList<>();
        double bestStreamed = Double.MAX_VALUE;
        double bestDeferred = Double.MAX_VALUE;
        double latency = 0;
        for (int rep = 0; rep < reps; rep++) {
            boolean streamFirst = rep % 2 == 0;
            Result a = run(agent, iterations, !streamFirst);
            Result b = run(agent, iterations, streamFirst);
            Result streamed = streamFirst ? a : b;
            Result deferred = streamFirst ? b : a;
            p50.add(streamed.getStats().getP50() / deferred.getStats().getP50());
            mean.add(streamed.getStats().getMean() / deferred.getStats().getMean());
            bestStreamed = Math.min(bestStreamed, streamed.getLoopSeconds() / streamed.getStats().getCount());
            bestDeferred = Math.min(bestDeferred, deferred.getLoopSeconds() / deferred.getStats().getCount());
            latency += streamed.getStats().getP50() / reps;
            if (Boolean.getBoolean("bench.verbose")) {
                System.out.printf("  rep %d: streamed mean %.1f us p50 %.1f us loop %.3f s | deferred mean %.1f us p50 %.1f us loop %.3f s%n", rep,
                    streamed.getStats().getMean() * 1e6, streamed.getStats().getP50() * 1e6, streamed.getLoopSeconds(),
                    deferred.getStats().getMean() * 1e6, deferred.getStats().getP50() * 1e6, deferred.getLoopSeconds());
            }
        }
        System.out.printf("%-12s %d reps x %d iterations each way, p50 latency %.1f us (agent CLOCK_MONOTONIC)%n",
            model, reps, iterations, latency * 1e6);
        System.out.printf("  streamed / deferred, p50 iteration latency (median of reps) : %s%n", summary(p50));
        System.out.printf("  streamed / deferred, best loop wall per iteration (min of reps): %.4f (%+.2f%%)  [%.2f vs %.2f us]%n",
            bestStreamed / bestDeferred, (bestStreamed / bestDeferred - 1) * 100, bestStreamed * 1e6, bestDeferred * 1e6);
        System.out.printf("  streamed / deferred, mean iteration latency (median of reps): %s  [means carry preemption by other load]%n",
            summary(mean));
    }

    private static Result run(AgentClient agent, int iterations, boolean defer) throws Exception {
        Run r = Run.newBuilder().setRunId(1).setWarmup(20).setIterations(iterations).setThreads(1).setDeferTimings(defer).build();
        AgentClient.RunOutcome o = agent.run(r, e -> { });
        if (!o.succeeded()) {
            throw new IllegalStateException(AgentClient.describe(o.last()));
        }
        return o.last().getResult();
    }

    private static String summary(List<Double> ratios) {
        List<Double> s = new ArrayList<>(ratios);
        Collections.sort(s);
        double median = s.get(s.size() / 2);
        return String.format("median %.4f (%+.2f%%), quartiles %.4f .. %.4f", median, (median - 1) * 100,
            s.get(s.size() / 4), s.get(3 * s.size() / 4));
    }
}
