package dev.edgewise.core.report;

import dev.edgewise.core.analysis.CategoryTotals;
import dev.edgewise.core.analysis.LayerCost;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.analysis.Totals;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.GraphBuilder;
import dev.edgewise.core.ir.ModelMetadata;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorInfo;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-made analyses and sections for report tests: a small digits CNN whose figures are worked
 * out by hand below (conv 3x3, 1->8 channels on 8x8 with padding: 8*9+8 = 80 params,
 * 8*8*8*9 = 4,608 MACs; fc 128->10: 1,290 params, 1,280 MACs).
 */
final class ReportFixtures {
    static final String SCRIPT = "<script>alert(1)</script>";
    static final String IMG = "\"><img src=x onerror=alert(1)>";
    static final String CDATA_END = "]]>";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T10:00:00Z"), ZoneOffset.UTC);

    private ReportFixtures() {
    }

    static ReportFactory factory() {
        return new ReportFactory("Edgewise test", CLOCK);
    }

    static ModelAnalysis digits() {
        return analysis("conv1", "relu1", "pool1", "flatten", "fc1", "pytorch", "digits_cnn");
    }

    /** The same model with markup and CDATA terminators in node names, producer and graph name. */
    static ModelAnalysis hostile() {
        return analysis("conv1" + SCRIPT, "relu1" + IMG, "pool1" + CDATA_END, "flat,ten \"q\"\nline", "fc1|*x*",
            "evil" + SCRIPT + IMG + CDATA_END, "g" + IMG);
    }

    static ModelAnalysis analysis(String conv, String relu, String pool, String flatten, String fc, String producer,
                                  String graphName) {
        Graph g = graph(List.of(conv, relu, pool, flatten, fc), producer, graphName);
        List<LayerCost> layers = List.of(
            cost(conv, "Conv", "conv", Shape.of(1, 8, 8, 8), 80, 4608, 9216 + 512, 320, 2048 + 256, 1.2),
            cost(relu, "Relu", "activation", Shape.of(1, 8, 8, 8), 0, 0, 512, 0, 4096, 0.05),
            cost(pool, "MaxPool", "pool", Shape.of(1, 8, 4, 4), 0, 0, 1536, 0, 2048 + 512, 0.04),
            cost(flatten, "Flatten", "shape", Shape.of(1, 128), 0, 0, 0, 0, 1024, 0.0),
            cost(fc, "Gemm", "fc", Shape.of(1, 10), 1290, 1280, 2570, 5160, 512 + 40, 0.9));
        Map<String, CategoryTotals> byCat = new LinkedHashMap<>();
        for (LayerCost c : layers.stream().sorted((a, b) -> Long.compare(b.macs(), a.macs())).toList()) {
            byCat.merge(c.category(), new CategoryTotals(c.category(), 1, c.params(), c.macs(), c.flops(),
                c.weightBytes(), c.energyUjEstimate()), (a, b) -> new CategoryTotals(a.category(), a.layers() + 1,
                a.params() + b.params(), a.macs() + b.macs(), a.flops() + b.flops(), a.weightBytes() + b.weightBytes(),
                a.energyUjEstimate() + b.energyUjEstimate()));
        }
        long params = layers.stream().mapToLong(LayerCost::params).sum();
        long macs = layers.stream().mapToLong(LayerCost::macs).sum();
        long flops = layers.stream().mapToLong(LayerCost::flops).sum();
        long wbytes = layers.stream().mapToLong(LayerCost::weightBytes).sum();
        long abytes = layers.stream().mapToLong(LayerCost::activationBytes).sum();
        double energy = layers.stream().mapToDouble(LayerCost::energyUjEstimate).sum();
        Totals totals = new Totals(params, macs, flops, wbytes, abytes, 4096 + 2048, energy);
        return new ModelAnalysis(g, layers, totals, byCat, List.of("layer '" + flatten + "': shape op, no cost"),
            "Horowitz 45nm table (pJ per MAC and per DRAM byte)");
    }

    private static Graph graph(List<String> names, String producer, String graphName) {
        Map<String, Long> opsets = Map.of("", 17L, "com.microsoft", 1L);
        ModelMetadata meta = new ModelMetadata("/models/digits_cnn.onnx", "onnx", producer, "2.1.0", 8, opsets,
            "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Map.of());
        String[] ops = {"Conv", "Relu", "MaxPool", "Flatten", "Gemm"};
        GraphBuilder b = GraphBuilder.create().name(graphName).metadata(meta)
            .addInput(new TensorInfo("input", DataType.FLOAT, Shape.parse("batchx1x8x8")))
            .addOutput(new TensorInfo("logits", DataType.FLOAT, Shape.of(1, 10)))
            .addWarning("importer: doc_string dropped");
        String prev = "input";
        for (int i = 0; i < names.size(); i++) {
            String out = i == names.size() - 1 ? "logits" : "t" + i;
            b.addNode(Node.of(names.get(i), ops[i], List.of(prev), List.of(out)));
            prev = out;
        }
        return b.buildValid();
    }

    static LayerCost cost(String name, String op, String category, Shape out, long params, long macs, long flops,
                          long weightBytes, long activationBytes, double energy) {
        double intensity = (weightBytes + activationBytes) == 0 ? Double.NaN
            : (double) flops / (weightBytes + activationBytes);
        boolean resolved = !op.equals("Flatten");
        return new LayerCost(name, op, "", category, List.of("x"), List.of("y"), List.of(out), params, macs, flops,
            weightBytes, activationBytes, intensity, energy, resolved, resolved ? "" : "shape op: no arithmetic");
    }

    static OptimizationSection optimization() {
        return new OptimizationSection(
            List.of(new OptimizationSection.Setting("model", "quantize", "int8 per-channel"),
                new OptimizationSection.Setting("conv1", "prune", "50% channels (L1)")),
            List.of(new OptimizationSection.Comparison("Model size", "KiB", 5.48, 1.61, false, Origin.counted()),
                new OptimizationSection.Comparison("MACs", "", 5888, 3584, false, Origin.counted()),
                new OptimizationSection.Comparison("Energy per inference", "uJ", 2.19, 0.93, false,
                    Origin.estimated("Horowitz 45nm table")),
                new OptimizationSection.Comparison("Top-1 accuracy", "%", 97.2, 96.4, true,
                    Origin.measured("ONNX Runtime 1.29 on host, digits test set"))),
            List.of(new OptimizationSection.LayerChange("conv1", "Conv", "pruned 4 of 8 channels, int8", 80, 40,
                    4608, 2304, 31.25, 0.0123),
                new OptimizationSection.LayerChange("fc1", "Gemm", "int8 per-channel", 1290, 1290, 1280, 1280, 38.5,
                    null)),
            "digits test set, 360 samples",
            Origin.measured("ONNX Runtime 1.29 on host"));
    }

    static DeviceSection device(boolean emulated) {
        Origin clock = emulated ? Origin.emulated("qemu-aarch64 7.2 -cpu max") : Origin.measured("CLOCK_MONOTONIC");
        List<Double> iterations = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            iterations.add(1.0 + (i % 10) * 0.05 + (i == 37 ? 1.5 : 0));
        }
        List<DeviceSection.TracePoint> power = new ArrayList<>();
        List<DeviceSection.TracePoint> temp = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            power.add(new DeviceSection.TracePoint(i * 0.5, 2.0 + 0.1 * (i % 4)));
            temp.add(new DeviceSection.TracePoint(i * 0.5, 41.0 + i * 0.4));
        }
        Origin rail = Origin.measured("hwmon ina3221 VDD_IN");
        return new DeviceSection(
            new DeviceSection.DeviceInfo("Raspberry Pi 4 Model B" + SCRIPT, "Cortex-A72", 4,
                List.of("asimd", "crc32"), "Linux 6.1 aarch64", "ssh pi@10.0.0.7", "0.1.0",
                List.of("hwmon ina3221", "thermal_zone0")),
            new DeviceSection.RunSettings(10, 50, 4, "cpus 0-3", "performance", "edgewise-agent 0.1.0"),
            LatencyStats.of(iterations, clock), iterations,
            List.of(new DeviceSection.LayerTime("conv1", "Conv", 0.61, 0.55),
                new DeviceSection.LayerTime("fc1", "Gemm", 0.22, 0.2)),
            clock,
            new DeviceSection.PowerSummary(2.15, 2.6, 384.6, rail),
            List.of(new DeviceSection.Trace("Power", "W", power, rail),
                new DeviceSection.Trace("CPU temperature", "C", temp, Origin.measured("thermal_zone0"))),
            List.of(new DeviceSection.ThrottleFlag("thermal", "cpu0 capped at 1.5 GHz" + IMG, 8.5)));
    }

    /** The digits report with both optional sections filled. */
    static Report full() {
        return factory().fromAnalysis(digits()).withOptimization(optimization()).withDevice(device(false));
    }
}
