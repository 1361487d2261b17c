package dev.edgewise.bridge.plan;

import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
import java.util.Optional;

/**
 * Reads the quantization of an ONNX graph: per-tensor activation parameters of
 * QuantizeLinear/DequantizeLinear, int8 weights behind a DequantizeLinear (or a QLinear op's own
 * operands) turned into symmetric per-output-channel form, and constant DequantizeLinear nodes
 * folded to fp32 for the layers that stay float. Nothing here emits plan ops.
 */
final class QuantPatterns {
    /** Per-tensor quantization: real = scale * (q - zeroPoint), q of type uint8 or int8. */
    record Affine(float scale, int zeroPoint, boolean unsigned) {
    }

    /**
     * Weights ready for an int8 kernel: {@code values} in the kernel's canonical row-major order
     * (rows = output channels), zero point already subtracted, one scale per row.
     */
    record Int8Weights(byte[] values, float[] scales, int rows) {
    }

    private final GraphLowering g;

    QuantPatterns(GraphLowering g) {
        this.g = g;
    }

    boolean isConst(Node n, int i) {
        return n.hasInput(i) && !n.input(i).isEmpty() && g.consts.isConstant(g.resolve(n.input(i)));
    }

    DataType typeOf(String name) {
        String r = g.resolve(name);
        if (g.graph.isInitializer(r)) {
            return g.graph.initializer(r).dataType();
        }
        return g.graph.tensor(r).map(TensorInfo::dataType).orElse(DataType.UNDEFINED);
    }

    /** The node producing {@code tensor} when it has the given type, else empty. */
    Optional<Node> producer(String tensor, String opType) {
        return g.graph.producer(tensor).filter(p -> p.opType().equals(opType));
    }

    /**
     * Scale and zero point (inputs {@code si}, {@code zi}) of a per-tensor Q/DQ or QLinear operand;
     * empty when they are not constant scalars. A missing zero point is uint8 0 unless
     * {@code typeHint} says int8.
     */
    Optional<Affine> affine(Node n, int si, int zi, DataType typeHint) {
        if (!isConst(n, si)) {
            return Optional.empty();
        }
        float[] s = g.consts.floats(g.resolve(n.input(si)));
        if (s.length != 1 || !(s[0] > 0) || Float.isInfinite(s[0])) {
            return Optional.empty();
        }
        if (!n.hasInput(zi) || n.input(zi).isEmpty()) {
            return Optional.of(new Affine(s[0], 0, typeHint != DataType.INT8));
        }
        if (!isConst(n, zi)) {
            return Optional.empty();
        }
        DataType zt = typeOf(n.input(zi));
        long[] z = g.consts.longs(g.resolve(n.input(zi)));
        if (z == null || z.length != 1 || zt != DataType.UINT8 && zt != DataType.INT8) {
            return Optional.empty();
        }
        return Optional.of(new Affine(s[0], (int) z[0], zt == DataType.UINT8));
    }

    /**
     * Weights {@code q} with scales {@code s} and zero points {@code z} (z may be null), quantized
     * along {@code axis} of {@code dims} (a single scale covers all); {@code transpose} turns a
     * [K][N] matrix into rows of N. Empty when a zero-point-corrected value leaves int8 or a scale
     * is not positive (the layer then stays float).
     */
    Optional<Int8Weights> weights(long[] q, long[] dims, float[] s, long[] z, int axis, boolean transpose) {
        int rows = (int) (transpose ? dims[1] : dims[0]);
        int per = q.length / rows;
        int along = axis < 0 ? axis + dims.length : axis;
        if (s.length != 1 && (s.length != rows || along != (transpose ? 1 : 0))) {
            return Optional.empty();
        }
        if (z != null && z.length != 1 && z.length != s.length) {
            return Optional.empty();
        }
        byte[] out = new byte[q.length];
        for (int r = 0; r < rows; r++) {
            long zp = z == null ? 0 : z[z.length == 1 ? 0 : r];
            for (int k = 0; k < per; k++) {
                long v = q[transpose ? k * rows + r : r * per + k] - zp;
                if (v < -128 || v > 127) {
                    return Optional.empty();
                }
                out[r * per + k] = (byte) v;
            }
        }
        float[] scales = new float[rows];
        for (int r = 0; r < rows; r++) {
            scales[r] = s[s.length == 1 ? 0 : r];
            if (!(scales[r] > 0) || Float.isInfinite(scales[r])) {
                return Optional.empty();
            }
        }
        return Optional.of(new Int8Weights(out, scales, rows));
    }

    /** Weights behind {@code DequantizeLinear(q, s[, z], axis)} of constants, or empty. */
    Optional<Int8Weights> dequantizedWeights(String tensor, boolean transpose) throws EdgewiseException {
        Optional<Node> dq = producer(tensor, "DequantizeLinear");
        if (dq.isEmpty() || !isConst(dq.get(), 0) || !isConst(dq.get(), 1)
            || dq.get().hasInput(2) && !dq.get().input(2).isEmpty() && !isConst(dq.get(), 2)) {
            return Optional.empty();
        }
        Node n = dq.get();
        DataType t = typeOf(n.input(0));
        if (t != DataType.INT8 && t != DataType.UINT8) {
            return Optional.empty();
        }
        long[] dims = g.staticDims(g.resolve(n.input(0)), n);
        if (dims.length != (transpose ? 2 : dims.length)) {
            return Optional.empty();
        }
        long[] z = n.hasInput(2) && !n.input(2).isEmpty() ? g.consts.longs(g.resolve(n.input(2))) : null;
        return weights(g.consts.longs(g.resolve(n.input(0))), dims, g.consts.floats(g.resolve(n.input(1))), z,
            (int) n.attrInt("axis", 1), transpose);
    }

    /**
     * Folds every DequantizeLinear whose operands are all constants (int8 weights, int32 biases)
     * into an fp32 constant, so layers that stay float read their weights as usual.
     */
    void foldConstantDequantize() throws EdgewiseException {
        for (Node n : g.graph.nodes()) {
            if (!n.opType().equals("DequantizeLinear") || !isConst(n, 0) || !isConst(n, 1)
                || n.hasInput(2) && !n.input(2).isEmpty() && !isConst(n, 2) || g.consts.isConstant(n.output(0))) {
                continue;
            }
            long[] dims = g.staticDims(g.resolve(n.input(0)), n);
            long[] q = g.consts.longs(g.resolve(n.input(0)));
            float[] s = g.consts.floats(g.resolve(n.input(1)));
            long[] z = n.hasInput(2) && !n.input(2).isEmpty() ? g.consts.longs(g.resolve(n.input(2))) : null;
            int axis = (int) n.attrInt("axis", 1);
            axis = axis < 0 ? axis + dims.length : axis;
            long inner = 1;
            for (int d = axis + 1; d < dims.length; d++) {
                inner *= dims[d];
            }
            long channels = s.length == 1 || dims.length == 0 ? 1 : dims[axis];
            float[] out = new float[q.length];
            for (int i = 0; i < q.length; i++) {
                int c = s.length == 1 ? 0 : (int) (i / inner % channels);
                long zp = z == null ? 0 : z[z.length == 1 ? 0 : c];
                out[i] = (float) (q[i] - zp) * s[c];
            }
            g.consts.define(n.output(0), TensorData.ofFloats(n.output(0), Shape.of(dims), out));
        }
    }
}
