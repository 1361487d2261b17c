package dev.edgewise.core.optimize;

import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.GraphBuilder;
import dev.edgewise.core.ir.Half;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Weight quantization written as standard ONNX so ONNX Runtime computes what a device would:
 * fp16 initializers + Cast, int8 per-channel symmetric initializers + DequantizeLinear (opset 13
 * for the axis attribute), and for full int8 a QuantizeLinear/DequantizeLinear pair (uint8,
 * per-tensor asymmetric) on each quantized layer's activation input. Biases stay float32 (ONNX
 * Runtime folds them when it fuses QDQ into integer kernels).
 */
public final class Quantization {
    private Quantization() {
    }

    /**
     * @param precision per weight layer name; layers absent stay float
     * @param ranges    activation [min, max] per tensor name, needed for layers set to INT8
     */
    public static PassResult apply(Graph g, Map<String, Precision> precision, Map<String, double[]> ranges,
                                   List<LayerStats> previous) throws EdgewiseException {
        Map<String, LayerStats> prev = new HashMap<>();
        previous.forEach(s -> prev.put(s.layer(), s));
        boolean needsOpset13 = precision.values().stream().anyMatch(p -> p == Precision.INT8 || p == Precision.INT8_WEIGHTS);
        if (needsOpset13 && g.metadata().defaultOpset() != 0 && g.metadata().defaultOpset() < 13) {
            throw new EdgewiseException(ErrorCode.UNSUPPORTED, g.name() + ": int8 per-channel quantization needs ONNX opset 13"
                + " or later (DequantizeLinear axis); the model declares opset " + g.metadata().defaultOpset());
        }
        GraphBuilder b = g.toBuilder();
        List<Node> nodes = new ArrayList<>(g.nodes());
        Map<String, String> quantizedActivations = new HashMap<>();
        List<LayerStats> stats = new ArrayList<>();
        for (WeightLayer l : WeightLayer.find(g)) {
            Precision p = precision.getOrDefault(l.name(), Precision.FLOAT);
            TensorData w = g.initializer(l.weight());
            long rows = WeightLayer.channels(w, l.channelAxis());
            LayerStats base = prev.getOrDefault(l.name(), denseStats(l, w, rows));
            switch (p) {
                case FLOAT -> stats.add(base);
                case FP16 -> {
                    toFp16(b, nodes, w, l);
                    if (l.node().hasInput(2) && g.isInitializer(l.node().input(2))) {
                        toFp16(b, nodes, g.initializer(l.node().input(2)), l);
                    }
                    stats.add(base.withChange(join(base, "fp16"), 2, 0, rows));
                }
                case INT8_WEIGHTS, INT8 -> {
                    long scaleBytes = weightToInt8(b, nodes, w, l.channelAxis(), l.name());
                    if (p == Precision.INT8) {
                        quantizeActivation(g, b, nodes, l, ranges, quantizedActivations);
                    }
                    stats.add(base.withChange(join(base, p == Precision.INT8 ? "int8 (weights per-channel, activations per-tensor)"
                        : "int8 weights per-channel"), 1, scaleBytes, rows));
                }
            }
        }
        return new PassResult(b.nodes(nodes).buildValid(), stats);
    }

    private static String join(LayerStats base, String what) {
        return base.change().equals("dense") ? what : base.change() + ", " + what;
    }

    static LayerStats denseStats(WeightLayer l, TensorData w, long rows) {
        long n = w.numElements();
        return new LayerStats(l.name(), l.node().opType(), "dense", n, n, 4, n * 4,
            LayerStats.csrBytes(n, rows, n / rows, 4), 0);
    }

    private static int[] dims(TensorData t) {
        return t.shape().dims().stream().mapToInt(d -> (int) d.value()).toArray();
    }

    /** Replaces a float initializer by a float16 one and a Cast node writing the original name. */
    private static void toFp16(GraphBuilder b, List<Node> nodes, TensorData t, WeightLayer l) {
        if (t.dataType() != DataType.FLOAT) {
            return;
        }
        float[] v = t.toFloats();
        ByteBuffer buf = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            buf.putShort(Half.fromFloat(f));
        }
        buf.flip();
        String half = t.name() + "_fp16";
        b.removeInitializer(t.name());
        b.addInitializer(TensorData.ofBytes(half, DataType.FLOAT16, t.shape(), buf));
        nodes.add(Node.of(l.name() + "/" + t.name() + "_cast", "Cast", List.of(half), List.of(t.name()),
            Attribute.ofInt("to", DataType.FLOAT.onnxCode())));
    }

    /** int8 weights + per-channel scales; returns the bytes the scales take. */
    private static long weightToInt8(GraphBuilder b, List<Node> nodes, TensorData w, int axis, String layer) {
        Int8Weights q = Int8Weights.quantize(w.toFloats(), dims(w), axis);
        String qName = w.name() + "_int8";
        String sName = w.name() + "_scale";
        b.removeInitializer(w.name());
        b.addInitializer(TensorData.ofBytes(qName, DataType.INT8, w.shape(), ByteBuffer.wrap(q.values())));
        b.addInitializer(TensorData.ofFloats(sName, Shape.of(q.scales().length), q.scales()));
        nodes.add(Node.of(layer + "/" + w.name() + "_dequantize", "DequantizeLinear", List.of(qName, sName),
            List.of(w.name()), Attribute.ofInt("axis", axis)));
        return q.scales().length * 4L;
    }

    private static void quantizeActivation(Graph g, GraphBuilder b, List<Node> nodes, WeightLayer l,
                                           Map<String, double[]> ranges, Map<String, String> done)
            throws EdgewiseException {
        String x = l.node().input(0);
        String dq = done.get(x);
        if (dq == null) {
            double[] r = ranges.get(x);
            if (r == null) {
                throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, "layer '" + l.name() + "': no calibrated range for its input '"
                    + x + "'; full int8 needs calibration data (--calibration)");
            }
            ActivationQuant aq = ActivationQuant.uint8(r[0], r[1]);
            String s = b.addInitializerReturn(TensorData.ofFloats(x + "_act_scale", Shape.of(), new float[] {aq.scale()}));
            String zp = b.addInitializerReturn(TensorData.ofBytes(x + "_act_zero_point", DataType.UINT8, Shape.of(),
                ByteBuffer.wrap(new byte[] {(byte) aq.zeroPoint()})));
            String q = x + "_quantized";
            dq = x + "_dequantized";
            nodes.add(Node.of(x + "_QuantizeLinear", "QuantizeLinear", List.of(x, s, zp), List.of(q)));
            nodes.add(Node.of(x + "_DequantizeLinear", "DequantizeLinear", List.of(q, s, zp), List.of(dq)));
            b.putValueInfo(new TensorInfo(q, DataType.UINT8, g.tensor(x).map(TensorInfo::shape).orElse(null)));
            done.put(x, dq);
        }
        int idx = nodes.indexOf(l.node());
        List<String> in = new ArrayList<>(l.node().inputs());
        in.set(0, dq);
        nodes.set(idx, l.node().withInputs(in));
    }

    /** uint8 asymmetric parameters covering [min, max] widened to include 0, as ONNX requires. */
    public record ActivationQuant(float scale, int zeroPoint) {
        static ActivationQuant uint8(double min, double max) {
            double lo = Math.min(0, min);
            double hi = Math.max(0, max);
            double scale = (hi - lo) / 255.0;
            if (scale == 0) {
                return new ActivationQuant(1f, 0);
            }
            int zp = (int) Math.max(0, Math.min(255, Math.round(-lo / scale)));
            return new ActivationQuant((float) scale, zp);
        }
    }
}
