package dev.edgewise.bridge.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.edgewise.bridge.plan.proto.KernelId;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.GraphBuilder;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
import dev.edgewise.core.onnx.OnnxImporter;
import dev.edgewise.core.onnx.OnnxTensors;
import dev.edgewise.core.onnx.proto.OnnxProtos.TensorProto;
import dev.edgewise.core.spi.ImportOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The official ONNX operator tests (Debian's libonnx-testdata, data/node) for the ops the runtime
 * supports: each case's model.onnx is compiled by the plan compiler, run by the host build of
 * edgewise-run on test_data_set_0's inputs, and compared with the expected outputs element-wise
 * within |ours - expected| <= ATOL + RTOL * |expected|. Inputs that the runtime needs as constants
 * (Clip bounds, Pad pads, Reshape shapes, ...) are folded into the model as initializers when
 * compiling with them as runtime inputs is refused. Pass counts per op are printed.
 */
class ConformanceTest {
    static final Path NODE_TESTS = Path.of("/usr/share/libonnx-testdata/data/node");
    static final double RTOL = 1e-3;
    static final double ATOL = 1e-4;

    /** Ops with a runtime kernel (or compiled into views / nothing); a case qualifies when all its ops are here. */
    static final Set<String> RUNTIME_OPS = Set.of("Conv", "Gemm", "MatMul", "MaxPool", "AveragePool", "GlobalAveragePool",
        "GlobalMaxPool", "BatchNormalization", "Add", "Mul", "Concat", "Split", "Softmax", "LRN", "Pad", "Transpose",
        "Relu", "Clip", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Dropout", "Identity", "Flatten",
        "Reshape", "Squeeze", "Unsqueeze");
    /** Ops that may appear next to them in a case and are evaluated at compile time. */
    static final Set<String> HELPER_OPS = Set.of("Constant");

    /**
     * Cases the runtime cannot do, with the reason. Cases with non-fp32 data are skipped by rule
     * (the runtime of plan format 1 is fp32-only), not listed here.
     */
    static final Map<String, String> SKIPS = Map.ofEntries(
        // plan format 1 pools over 2-D NCHW maps only (PoolParams has two spatial axes)
        Map.entry("test_averagepool_1d_default", "1-D pooling: the runtime pools 2-D maps only"),
        Map.entry("test_averagepool_3d_default", "3-D pooling: the runtime pools 2-D maps only"),
        Map.entry("test_maxpool_1d_default", "1-D pooling: the runtime pools 2-D maps only"),
        Map.entry("test_maxpool_3d_default", "3-D pooling: the runtime pools 2-D maps only"),
        // training mode also outputs the running mean/var, which inference plans do not compute
        Map.entry("test_batchnorm_epsilon_training_mode", "BatchNormalization in training mode"),
        Map.entry("test_batchnorm_example_training_mode", "BatchNormalization in training mode"),
        // optional/sequence-typed values: not tensors, nothing the plan format can hold
        Map.entry("test_identity_opt", "optional-typed input"),
        Map.entry("test_identity_sequence", "sequence-typed input"),
        // both operands are runtime inputs: the runtime has fully connected layers over constant
        // weights, no batched matrix product of two activations
        Map.entry("test_matmul_3d", "MatMul of two activations (batched)"),
        Map.entry("test_matmul_4d", "MatMul of two activations (batched)"),
        // random masking; the compiler refuses it (UNSUPPORTED) rather than run it as identity
        Map.entry("test_training_dropout", "Dropout in training mode"),
        Map.entry("test_training_dropout_default", "Dropout in training mode"),
        Map.entry("test_training_dropout_default_mask", "Dropout in training mode"),
        Map.entry("test_training_dropout_mask", "Dropout in training mode"),
        // plan tensors have dims >= 1 (plan-format.md section 2)
        Map.entry("test_reshape_allowzero_reordered", "empty tensor (a zero dim)"),
        Map.entry("test_split_zero_size_splits", "empty tensor (a zero dim)"));

    /**
     * Ops that only move elements: their int32 cases (test_edge_pad, test_reflect_pad) run as fp32
     * with the same values (exact below 2^24), since the plan format has no int32 tensors.
     */
    static final Set<String> DATA_MOVEMENT = Set.of("Pad", "Concat", "Split", "Transpose", "Reshape", "Flatten",
        "Squeeze", "Unsqueeze", "Identity");

    static Graph asFloat(Graph g) throws EdgewiseException {
        GraphBuilder b = g.toBuilder();
        List<TensorInfo> ins = new ArrayList<>();
        ins.add(g.inputs().get(0).withDataType(DataType.FLOAT));
        ins.addAll(g.inputs().subList(1, g.inputs().size()));
        return b.inputs(ins).outputs(g.outputs().stream().map(o -> o.withDataType(DataType.FLOAT)).toList())
            .clearValueInfo().build();
    }

    static TensorData toFloat(TensorData t) {
        return t.dataType() != DataType.INT32 ? t : TensorData.ofFloats(t.name(), t.shape(), t.toFloats());
    }

    record Outcome(String testCase, Set<String> ops, String status, String detail) {
    }

    @Test
    void officialNodeTestsOfSupportedOps() throws Exception {
        assertTrue(Files.isDirectory(NODE_TESTS), "libonnx-testdata is not installed (" + NODE_TESTS
            + " missing): apt-get install libonnx-testdata");
        List<Path> cases;
        try (Stream<Path> s = Files.list(NODE_TESTS)) {
            cases = s.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))).sorted().toList();
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (Path dir : cases) {
            Outcome o = runCase(dir);
            if (o != null) {
                outcomes.add(o);
            }
        }
        report(outcomes);
        List<String> failures = outcomes.stream().filter(o -> o.status.equals("FAIL"))
            .map(o -> o.testCase + ": " + o.detail).toList();
        if (!failures.isEmpty()) {
            fail(failures.size() + " conformance case(s) failed:\n  " + String.join("\n  ", failures));
        }
        assertTrue(outcomes.stream().filter(o -> o.status.equals("PASS")).count() > 100, "too few cases ran");
    }

    static Outcome runCase(Path dir) throws IOException {
        return runCase(dir, HostRuntime.Target.HOST);
    }

    static Outcome runCase(Path dir, HostRuntime.Target target) throws IOException {
        String name = dir.getFileName().toString();
        Graph g;
        try {
            g = new OnnxImporter().load(dir.resolve("model.onnx"), ImportOptions.DEFAULT);
        } catch (EdgewiseException e) {
            return null;
        }
        Set<String> ops = new TreeSet<>();
        for (Node n : g.nodes()) {
            ops.add(n.opType());
        }
        Set<String> runtimeOps = new TreeSet<>(ops);
        runtimeOps.retainAll(RUNTIME_OPS);
        if (runtimeOps.isEmpty() || !RUNTIME_OPS.containsAll(withoutHelpers(ops))) {
            return null;
        }
        if (SKIPS.containsKey(name)) {
            // a listed case must really be refused by the compiler, never silently run wrong
            return refusedSkip(dir, name, runtimeOps, g);
        }
        try {
            List<TensorData> inputs = read(dir.resolve("test_data_set_0"), "input", g.inputs().size());
            List<TensorData> expected = read(dir.resolve("test_data_set_0"), "output", g.outputs().size());
            if (DATA_MOVEMENT.containsAll(withoutHelpers(ops)) && inputs.get(0).dataType() == DataType.INT32) {
                g = asFloat(g);
                inputs.set(0, toFloat(inputs.get(0)));
                expected.replaceAll(ConformanceTest::toFloat);
            }
            // the runtime data (input 0 and the outputs) must be fp32; other inputs may be folded constants
            if (Stream.concat(inputs.stream().limit(1), expected.stream()).anyMatch(t -> t.dataType() != DataType.FLOAT)) {
                return new Outcome(name, runtimeOps, "SKIP", "non-fp32 data (the runtime is fp32-only)");
            }
            return check(name, runtimeOps, g, inputs, expected, target);
        } catch (Exception e) {
            return new Outcome(name, runtimeOps, "FAIL", e.toString());
        }
    }

    /** A skip-listed case must be refused both as is and with its constant operands folded. */
    private static Outcome refusedSkip(Path dir, String name, Set<String> ops, Graph g) {
        List<Graph> variants = new ArrayList<>(List.of(g));
        try {
            List<TensorData> inputs = read(dir.resolve("test_data_set_0"), "input", g.inputs().size());
            if (inputs.size() > 1) {
                variants.add(foldInputs(g, inputs));
            }
        } catch (IOException | EdgewiseException unreadable) {
            // optional/sequence inputs: only the model as is can be tried
        }
        String why = "";
        for (Graph v : variants) {
            try {
                PlanCompiler.compile(v, CompileOptions.DEFAULT);
                return new Outcome(name, ops, "FAIL", "skip-listed (" + SKIPS.get(name) + ") but it compiles");
            } catch (EdgewiseException refused) {
                why = refused.getMessage();
            }
        }
        return new Outcome(name, ops, "SKIP", SKIPS.get(name) + "; refused: " + why);
    }

    private static Set<String> withoutHelpers(Set<String> ops) {
        Set<String> s = new TreeSet<>(ops);
        s.removeAll(HELPER_OPS);
        return s;
    }

    static Outcome check(String name, Set<String> ops, Graph g, List<TensorData> inputs, List<TensorData> expected,
                         HostRuntime.Target target) throws Exception {
        CompiledPlan plan;
        List<float[]> feed = new ArrayList<>();
        try {
            plan = PlanCompiler.compile(g, CompileOptions.DEFAULT);
            inputs.forEach(t -> feed.add(t.toFloats()));
        } catch (EdgewiseException first) {
            // constant operands given as graph inputs by the test: fold every input but the first
            Graph folded = foldInputs(g, inputs);
            try {
                plan = PlanCompiler.compile(folded, CompileOptions.DEFAULT);
            } catch (EdgewiseException second) {
                return new Outcome(name, ops, "FAIL", "compile: " + second.getMessage());
            }
            feed.clear();
            feed.add(inputs.get(0).toFloats());
        }
        String mismatch = compare(HostRuntime.run(plan, feed, target), expected, "heuristic kernels");
        // conv cases again with each candidate kernel forced onto every conv layer that can take it
        Graph compiled = feed.size() == inputs.size() ? g : foldInputs(g, inputs);
        for (KernelId k : WholeModelTest.CONV_KERNELS) {
            Map<String, KernelId> forced = WholeModelTest.forcing(plan, k);
            if (mismatch != null || forced.isEmpty()) {
                continue;
            }
            CompiledPlan p = PlanCompiler.compile(compiled, CompileOptions.DEFAULT.withOverrides(forced));
            mismatch = compare(HostRuntime.run(p, feed, target), expected, k.name());
        }
        return new Outcome(name, ops, mismatch == null ? "PASS" : "FAIL", mismatch == null ? "" : mismatch);
    }

    /** null when all outputs match within tolerance, else what differs. */
    static String compare(List<float[]> ours, List<TensorData> expected, String variant) {
        assertEquals(expected.size(), ours.size());
        for (int o = 0; o < expected.size(); o++) {
            float[] want = expected.get(o).toFloats();
            float[] got = ours.get(o);
            if (want.length != got.length) {
                return variant + ": output " + o + " has " + got.length + " elements, expected " + want.length;
            }
            for (int i = 0; i < want.length; i++) {
                double diff = Math.abs((double) got[i] - want[i]);
                boolean bothNan = Float.isNaN(got[i]) && Float.isNaN(want[i]);
                if (!bothNan && !(diff <= ATOL + RTOL * Math.abs(want[i]))) {
                    return variant + ": output " + o + "[" + i + "] = " + got[i] + ", expected " + want[i];
                }
            }
        }
        return null;
    }

    static Graph foldInputs(Graph g, List<TensorData> inputs) throws EdgewiseException {
        GraphBuilder b = g.toBuilder();
        List<TensorInfo> keep = new ArrayList<>();
        keep.add(g.inputs().get(0));
        for (int i = 1; i < g.inputs().size(); i++) {
            b.addInitializer(inputs.get(i).withName(g.inputs().get(i).name()));
        }
        return b.inputs(keep).build();
    }

    static List<TensorData> read(Path set, String prefix, int count) throws IOException, EdgewiseException {
        List<TensorData> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Path f = set.resolve(prefix + "_" + i + ".pb");
            if (!Files.exists(f)) {
                break;
            }
            TensorProto t = TensorProto.parseFrom(Files.readAllBytes(f));
            out.add(OnnxTensors.toTensorData(t, set, f.toString()));
        }
        return out;
    }

    static void report(List<Outcome> outcomes) {
        Map<String, int[]> perOp = new TreeMap<>();
        for (Outcome o : outcomes) {
            for (String op : o.ops) {
                int[] c = perOp.computeIfAbsent(op, k -> new int[3]);
                c[o.status.equals("PASS") ? 0 : o.status.equals("SKIP") ? 1 : 2]++;
            }
        }
        System.out.println("conformance (host): op, passed, skipped, failed");
        perOp.forEach((op, c) -> System.out.printf("conformance %-20s pass %3d  skip %2d  fail %2d%n", op, c[0], c[1], c[2]));
        outcomes.stream().filter(o -> !o.status.equals("PASS"))
            .forEach(o -> System.out.println("conformance " + o.status + " " + o.testCase + ": " + o.detail));
        System.out.printf("conformance total: %d cases, %d passed%n", outcomes.size(),
            outcomes.stream().filter(o -> o.status.equals("PASS")).count());
    }
}
