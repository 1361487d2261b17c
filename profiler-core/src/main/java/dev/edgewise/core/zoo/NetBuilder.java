package dev.edgewise.core.zoo;

import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.GraphBuilder;
import dev.edgewise.core.ir.ModelMetadata;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds NCHW float networks layer by layer, tracking channel counts, with seeded random weights
 * that are generated lazily (only when a pass or an exporter asks for the bytes). Tensor names
 * are returned so that branches (residuals, concats) can be wired by hand.
 */
public final class NetBuilder {
    private final GraphBuilder g = GraphBuilder.create();
    private final long seed;
    private int counter;

    public NetBuilder(String name, long seed) {
        this.seed = seed;
        g.name(name).metadata(new ModelMetadata("", "onnx", "edgewise-zoo", "", 8, Map.of("", 17L), "", Map.of()));
    }

    public String input(String name, long... dims) {
        g.addInput(new TensorInfo(name, DataType.FLOAT, Shape.of(dims)));
        return name;
    }

    public String conv(String x, long cin, long cout, int k, int stride, int pad, int group) {
        return conv(x, cin, cout, k, k, stride, pad, group, true);
    }

    public String conv(String x, long cin, long cout, int kh, int kw, int stride, int pad, int group, boolean bias) {
        String n = next("conv");
        String w = weight(n + ".weight", cout, cin / group, kh, kw);
        List<String> ins = bias ? List.of(x, w, weight(n + ".bias", cout)) : List.of(x, w);
        return add(Node.of(n, "Conv", ins, List.of(n + "_out"),
            Attribute.ofInts("kernel_shape", kh, kw), Attribute.ofInts("strides", stride, stride),
            Attribute.ofInts("pads", pad, pad, pad, pad), Attribute.ofInt("group", group)));
    }

    public String batchNorm(String x, long c) {
        String n = next("bn");
        return add(Node.of(n, "BatchNormalization", List.of(x, weight(n + ".scale", c), weight(n + ".bias", c),
            weight(n + ".mean", c), positive(n + ".var", c)), List.of(n + "_out"), Attribute.ofFloat("epsilon", 1e-5)));
    }

    public String relu(String x) {
        return unary("Relu", x);
    }

    public String relu6(String x) {
        String n = next("clip");
        String lo = constant(n + ".min", 0f);
        String hi = constant(n + ".max", 6f);
        return add(Node.of(n, "Clip", List.of(x, lo, hi), List.of(n + "_out")));
    }

    public String unary(String op, String x) {
        String n = next(op.toLowerCase(java.util.Locale.ROOT));
        return add(Node.of(n, op, List.of(x), List.of(n + "_out")));
    }

    public String maxPool(String x, int k, int stride, int pad) {
        return pool("MaxPool", x, k, stride, pad);
    }

    public String avgPool(String x, int k, int stride, int pad) {
        return pool("AveragePool", x, k, stride, pad);
    }

    private String pool(String op, String x, int k, int stride, int pad) {
        String n = next(op.toLowerCase(java.util.Locale.ROOT));
        return add(Node.of(n, op, List.of(x), List.of(n + "_out"), Attribute.ofInts("kernel_shape", k, k),
            Attribute.ofInts("strides", stride, stride), Attribute.ofInts("pads", pad, pad, pad, pad)));
    }

    public String globalAvgPool(String x) {
        return unary("GlobalAveragePool", x);
    }

    public String flatten(String x) {
        String n = next("flatten");
        return add(Node.of(n, "Flatten", List.of(x), List.of(n + "_out"), Attribute.ofInt("axis", 1)));
    }

    public String gemm(String x, long in, long out) {
        String n = next("fc");
        return add(Node.of(n, "Gemm", List.of(x, weight(n + ".weight", out, in), weight(n + ".bias", out)),
            List.of(n + "_out"), Attribute.ofInt("transB", 1)));
    }

    public String add(String a, String b) {
        String n = next("add");
        return add(Node.of(n, "Add", List.of(a, b), List.of(n + "_out")));
    }

    public String concat(List<String> xs) {
        String n = next("concat");
        return add(Node.of(n, "Concat", xs, List.of(n + "_out"), Attribute.ofInt("axis", 1)));
    }

    public String softmax(String x) {
        String n = next("softmax");
        return add(Node.of(n, "Softmax", List.of(x), List.of(n + "_out"), Attribute.ofInt("axis", 1)));
    }

    /** Channel shuffle as exported for ShuffleNet: Reshape to (N, g, C/g, H, W), Transpose, Reshape back. */
    public String channelShuffle(String x, long n, long c, long h, long w, int groups) {
        String name = next("shuffle");
        String s1 = g.addInitializerReturn(TensorData.ofLongs(name + ".shape1", Shape.of(5), new long[] {n, groups, c / groups, h, w}));
        String s2 = g.addInitializerReturn(TensorData.ofLongs(name + ".shape2", Shape.of(4), new long[] {n, c, h, w}));
        String r1 = add(Node.of(name + "_reshape1", "Reshape", List.of(x, s1), List.of(name + "_r1")));
        String t = add(Node.of(name + "_transpose", "Transpose", List.of(r1), List.of(name + "_t"),
            Attribute.ofInts("perm", 0, 2, 1, 3, 4)));
        return add(Node.of(name + "_reshape2", "Reshape", List.of(t, s2), List.of(name + "_out")));
    }

    public Graph build(String output) {
        g.addOutput(new TensorInfo(output, DataType.FLOAT, Shape.unknownRank()));
        return g.buildValid();
    }

    private String add(Node n) {
        g.addNode(n);
        return n.output(0);
    }

    private String next(String prefix) {
        return prefix + (++counter);
    }

    private String constant(String name, float v) {
        return g.addInitializerReturn(TensorData.ofFloats(name, Shape.scalar(), new float[] {v}));
    }

    private String positive(String name, long... dims) {
        return lazyWeights(name, dims, true);
    }

    private String weight(String name, long... dims) {
        return lazyWeights(name, dims, false);
    }

    private String lazyWeights(String name, long[] dims, boolean positive) {
        Shape shape = Shape.of(dims);
        long n = shape.numElements().orElseThrow();
        long fan = dims.length > 1 ? n / dims[0] : 1;
        long s = seed * 1_000_003L + name.hashCode();
        g.addInitializer(TensorData.lazy(name, DataType.FLOAT, shape, "generated", () -> random(n, fan, s, positive)));
        return name;
    }

    /** He-style scale so that activations stay in a sane range through deep stacks. */
    private static ByteBuffer random(long n, long fanIn, long seed, boolean positive) {
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(n * 4)).order(ByteOrder.LITTLE_ENDIAN);
        FloatBuffer f = b.asFloatBuffer();
        SplittableRandom r = new SplittableRandom(seed);
        float scale = (float) Math.sqrt(2.0 / Math.max(1, fanIn));
        for (long i = 0; i < n; i++) {
            float v = (float) r.nextGaussian() * scale;
            f.put(positive ? 0.5f + Math.abs(v) : v);
        }
        return b;
    }
}
