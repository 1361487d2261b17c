package dev.edgewise.bridge.plan;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.edgewise.core.analysis.CostModel;
import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.analysis.ShapeInference;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.onnx.OnnxExporter;
import dev.edgewise.core.zoo.ModelZoo;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * End-to-end bench (run by device-bridge/bench/e2e-bench.sh, not by surefire): ResNet-18 and
 * MobileNetV2 at 224 from the model zoo, 1 thread, our host build of edgewise-run against ONNX
 * Runtime Java with 1 intra-op thread, same model and input. Arguments: iterations, clock MHz,
 * FMA units per core.
 */
public final class E2EBench {
    private static final Pattern ITERATION = Pattern.compile("iteration \\d+: ([0-9.]+) ms");

    private E2EBench() {
    }

    public static void main(String[] args) throws Exception {
        int iterations = Integer.parseInt(args[0]);
        double mhz = Double.parseDouble(args[1]);
        int fmaUnits = Integer.parseInt(args[2]);
        double peak128 = mhz * 1e-3 * 4 * 2 * fmaUnits;
        double peak512 = mhz * 1e-3 * 16 * 2 * fmaUnits;
        System.out.printf("clock %.0f MHz (/proc/cpuinfo), %d FMA units/core: 128-bit FMA peak %.1f GFLOPS, "
            + "512-bit %.1f GFLOPS (1 core)%n", mhz, fmaUnits, peak128, peak512);
        System.out.printf("%-12s %8s %10s %8s %9s | %10s %8s %9s | %8s %9s%n", "model", "GFLOP", "ours ms", "GFLOPS",
            "of 128b", "ORT ms", "GFLOPS", "of 512b", "latency", "eff.");
        List<String> arenas = new ArrayList<>();
        for (Graph g : List.of(ModelZoo.resnet18(1, 224, 1000), ModelZoo.mobilenetV2(1, 224, 1000))) {
            long macs = CostModel.withDefaults().analyze(ShapeInference.infer(g, DimBindings.NONE)).totals().macs();
            double gflop = 2.0 * macs / 1e9;
            CompiledPlan plan = PlanCompiler.compile(g, CompileOptions.DEFAULT);
            float[] input = new float[3 * 224 * 224];
            Random r = new Random(5);
            for (int i = 0; i < input.length; i++) {
                input[i] = (float) r.nextGaussian();
            }
            arenas.add(String.format("arena %-12s %10d B, lower bound %10d B, ratio %.4f", g.name(), plan.arenaSize(),
                plan.arenaLowerBound(), plan.arenaRatio()));
            double ours = oursMedian(plan, input, iterations);
            double ort = ortMedian(OnnxExporter.toBytes(g), input, iterations);
            double oursGflops = gflop / (ours / 1e3);
            double ortGflops = gflop / (ort / 1e3);
            System.out.printf("%-12s %8.3f %10.2f %8.2f %8.1f%% | %10.2f %8.2f %8.1f%% | %7.2fx %8.2f%n", g.name(), gflop,
                ours, oursGflops, 100 * oursGflops / peak128, ort, ortGflops, 100 * ortGflops / peak512, ours / ort,
                (oursGflops / peak128) / (ortGflops / peak512));
        }
        arenas.forEach(System.out::println);
        System.out.println("latency = ours / ORT; eff. = (our fraction of the 128-bit peak) / (ORT's fraction of the "
            + "512-bit peak), >= 1 is the goal. GFLOP = 2 x MACs from Edgewise's cost model.");
    }

    static double oursMedian(CompiledPlan plan, float[] input, int iterations) throws Exception {
        Path dir = Files.createTempDirectory("ewbench");
        Path planFile = dir.resolve("model.ewplan");
        plan.writeTo(planFile);
        Path in = dir.resolve("in.bin");
        Files.write(in, HostRuntime.toBytes(input));
        Process p = new ProcessBuilder(HostRuntime.binary(HostRuntime.Target.HOST).toString(), "--plan", planFile.toString(),
            "--input", in.toString(), "--output", dir.resolve("out.bin").toString(), "--threads", "1",
            "--iterations", Integer.toString(iterations + 1)).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("edgewise-run failed: " + log);
        }
        List<Double> times = new ArrayList<>();
        Matcher m = ITERATION.matcher(log);
        while (m.find()) {
            times.add(Double.parseDouble(m.group(1)));
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
        return median(times.subList(1, times.size()));
    }

    static double ortMedian(byte[] model, float[] input, int iterations) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            so.setIntraOpNumThreads(1);
            so.setInterOpNumThreads(1);
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession s = env.createSession(model, so);
                 OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {1, 3, 224, 224})) {
                String name = s.getInputNames().iterator().next();
                List<Double> times = new ArrayList<>();
                for (int i = 0; i <= iterations; i++) {
                    long t0 = System.nanoTime();
                    try (OrtSession.Result ignored = s.run(Map.of(name, t))) {
                        times.add((System.nanoTime() - t0) / 1e6);
                    }
                }
                return median(times.subList(1, times.size()));
            }
        }
    }

    static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
