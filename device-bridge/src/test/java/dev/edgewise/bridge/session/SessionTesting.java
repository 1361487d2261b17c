package dev.edgewise.bridge.session;

import dev.edgewise.bridge.plan.CompileOptions;
import dev.edgewise.bridge.plan.CompiledPlan;
import dev.edgewise.bridge.plan.PlanCompiler;
import dev.edgewise.core.onnx.OnnxImporter;
import dev.edgewise.core.spi.ImportOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/** Shared by the session tests: the digits_cnn plan, OrtRunner's seeded inputs, thread checks. */
final class SessionTesting {
    static final Path MODEL = Path.of(System.getProperty("edgewise.samples", "../samples"), "models", "digits_cnn.onnx");

    private SessionTesting() {
    }

    static CompiledPlan digitsPlan() throws Exception {
        return PlanCompiler.compile(new OnnxImporter().load(MODEL, ImportOptions.DEFAULT), CompileOptions.DEFAULT);
    }

    /** Input name -> shape of the plan's inputs, in order. */
    static Map<String, long[]> inputShapes(CompiledPlan plan) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        for (int id : plan.plan().getInputsList()) {
            var t = plan.plan().getTensors(id);
            shapes.put(t.getName(), t.getDimsList().stream().mapToLong(Integer::longValue).toArray());
        }
        return shapes;
    }

    /** The values OrtRunner.run(model, shapes, seed) feeds: one SplittableRandom, uniform in [-1, 1), input by input. */
    static Map<String, float[]> ortRunnerInputs(Map<String, long[]> shapes, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, float[]> inputs = new LinkedHashMap<>();
        for (var e : shapes.entrySet()) {
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            float[] v = new float[(int) n];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) r.nextDouble(-1, 1);
            }
            inputs.put(e.getKey(), v);
        }
        return inputs;
    }

    static double relativeError(float[] got, float[] reference) {
        double maxRef = 0;
        double maxDiff = 0;
        for (int i = 0; i < got.length; i++) {
            if (Float.isNaN(got[i]) != Float.isNaN(reference[i])) {
                return Double.POSITIVE_INFINITY;
            }
            maxRef = Math.max(maxRef, Math.abs(reference[i]));
            maxDiff = Math.max(maxDiff, Math.abs((double) got[i] - reference[i]));
        }
        return maxRef == 0 ? maxDiff : maxDiff / maxRef;
    }

    /** Names of live threads the session code starts ("edgewise-reader-", "-watchdog-", "-run-", "-stderr-"). */
    static Set<String> sessionThreads() {
        List<String> prefixes = List.of("edgewise-reader-", "edgewise-watchdog-", "edgewise-run-", "edgewise-stderr-",
            "edgewise-discover-");
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
            .filter(n -> prefixes.stream().anyMatch(n::startsWith)).collect(Collectors.toSet());
    }

    /** Waits up to {@code millis} for every session thread to end; returns the ones still alive. */
    static Set<String> threadsLeftAfter(long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        Set<String> left = sessionThreads();
        while (!left.isEmpty() && System.currentTimeMillis() < end) {
            Thread.sleep(20);
            left = sessionThreads();
        }
        return left;
    }
}
