package dev.edgewise.plugin.caffe;

import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.GraphBuilder;
import dev.edgewise.core.ir.ModelMetadata;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.BlobProto;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.BlobShape;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.LayerParameter;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.NetParameter;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.NetStateRule;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.Phase;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns a Caffe net (TEST phase) into ONNX-style IR nodes, tracking every blob's shape so that the
 * parameter tensors get exact shapes even without a weights file. Layer names are kept as node names.
 * In-place layers (top == bottom) get a fresh tensor name, since the IR is single-assignment.
 */
final class CaffeGraphConverter {
    static final long OPSET = 13;

    private final Path file;
    private final NetParameter net;
    private final CaffeWeights weights;
    private final Long batch;
    private final GraphBuilder gb = GraphBuilder.create();
    private final Map<String, String> blobToTensor = new HashMap<>();
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private final Set<String> consumed = new HashSet<>();
    private final Set<String> names = new HashSet<>();
    private final Set<String> fusedScales = new HashSet<>();
    private final Set<String> inputs = new LinkedHashSet<>();
    final CaffeLayers layers;

    CaffeGraphConverter(Path file, NetParameter net, CaffeWeights weights, Long batch) {
        this.file = file;
        this.net = net;
        this.weights = weights;
        this.batch = batch;
        this.layers = new CaffeLayers(this);
    }

    Graph convert() throws EdgewiseException {
        declareNetInputs();
        List<LayerParameter> active = net.getLayerList().stream().filter(CaffeGraphConverter::inTestPhase).toList();
        net.getLayerList().stream().filter(l -> !inTestPhase(l)).forEach(l -> gb.addWarning("layer '" + l.getName()
            + "' (" + l.getType() + ") belongs to the TRAIN phase only; skipped"));
        for (int i = 0; i < active.size(); i++) {
            LayerParameter l = active.get(i);
            if (fusedScales.contains(l.getName())) {
                continue;
            }
            LayerParameter next = i + 1 < active.size() ? active.get(i + 1) : null;
            if (layers.convert(l, next)) {
                fusedScales.add(next.getName());
            }
        }
        for (String t : shapes.keySet()) {
            if (!consumed.contains(t) && !isGraphInput(t) && blobToTensor.containsValue(t)) {
                gb.addOutput(info(t));
            }
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("weights", weights.present() ? weights.file().toString() : "none: parameters are zero tensors");
        if (batch != null) {
            props.put("batch", Long.toString(batch));
        }
        gb.name(net.getName().isEmpty() ? stem(file) : net.getName())
            .metadata(new ModelMetadata(file.toString(), "caffe", "Caffe", "", 0, Map.of("", OPSET), "", props));
        if (!weights.present()) {
            gb.addWarning(file.getFileName() + ": no .caffemodel given; parameters are zeros (shapes and counts are exact)");
        }
        return gb.build();
    }

    private boolean isGraphInput(String t) {
        return inputs.contains(t);
    }

    /** {@code input} + {@code input_dim}, or {@code input} + {@code input_shape}. */
    private void declareNetInputs() throws EdgewiseException {
        int n = net.getInputCount();
        if (n == 0) {
            return;
        }
        for (int i = 0; i < n; i++) {
            long[] dims;
            if (net.getInputShapeCount() > 0) {
                if (net.getInputShapeCount() != n) {
                    throw error(ErrorCode.CORRUPT_MODEL, "net declares " + n + " inputs but " + net.getInputShapeCount()
                        + " input_shape entries");
                }
                dims = net.getInputShape(i).getDimList().stream().mapToLong(Long::longValue).toArray();
            } else {
                if (net.getInputDimCount() != 4 * n) {
                    throw error(ErrorCode.CORRUPT_MODEL, "net declares " + n + " inputs but " + net.getInputDimCount()
                        + " input_dim values (4 per input expected)");
                }
                dims = net.getInputDimList().subList(4 * i, 4 * i + 4).stream().mapToLong(Integer::longValue).toArray();
            }
            addInput(net.getInput(i), dims, "input '" + net.getInput(i) + "'");
        }
    }

    void addInput(String blob, long[] dims, String what) throws EdgewiseException {
        long[] d = dims.clone();
        for (long v : d) {
            if (v <= 0) {
                throw error(ErrorCode.INVALID_DIMENSION, what + " has a non-positive dimension in " + Arrays.toString(d));
            }
        }
        if (batch != null && d.length > 0) {
            d[0] = batch;
        }
        String t = fresh(blob);
        shapes.put(t, d);
        blobToTensor.put(blob, t);
        inputs.add(t);
        gb.addInput(new TensorInfo(t, DataType.FLOAT, Shape.of(d)));
    }

    static boolean inTestPhase(LayerParameter l) {
        if (l.hasPhase() && l.getPhase() == Phase.TRAIN) {
            return false;
        }
        for (NetStateRule r : l.getExcludeList()) {
            if (r.hasPhase() && r.getPhase() == Phase.TEST) {
                return false;
            }
        }
        if (l.getIncludeCount() == 0) {
            return true;
        }
        return l.getIncludeList().stream().anyMatch(r -> !r.hasPhase() || r.getPhase() == Phase.TEST);
    }

    // ---- helpers used by CaffeLayers ----

    EdgewiseException error(ErrorCode code, String msg) {
        return new EdgewiseException(code, file + ": " + msg);
    }

    EdgewiseException layerError(LayerParameter l, String msg) {
        return new EdgewiseException(ErrorCode.CORRUPT_MODEL, file + ": layer '" + l.getName() + "' ("
            + l.getType() + "): " + msg);
    }

    /** The tensor currently holding bottom {@code i}. */
    String bottom(LayerParameter l, int i) throws EdgewiseException {
        if (i >= l.getBottomCount()) {
            throw layerError(l, "needs at least " + (i + 1) + " bottom blob(s), has " + l.getBottomCount());
        }
        String t = blobToTensor.get(l.getBottom(i));
        if (t == null) {
            throw layerError(l, "bottom '" + l.getBottom(i) + "' is not produced by any earlier layer or input");
        }
        consumed.add(t);
        return t;
    }

    void consume(String tensor) {
        consumed.add(tensor);
    }

    long[] shape(String tensor) {
        return shapes.get(tensor).clone();
    }

    /** Names top {@code i} of the layer and records its shape. */
    String top(LayerParameter l, int i, long[] shape) throws EdgewiseException {
        if (i >= l.getTopCount()) {
            throw layerError(l, "needs at least " + (i + 1) + " top blob(s), has " + l.getTopCount());
        }
        for (long v : shape) {
            if (v <= 0) {
                throw layerError(l, "output '" + l.getTop(i) + "' would have shape " + Arrays.toString(shape)
                    + " (input too small for the kernel, stride or padding)");
            }
        }
        String blob = l.getTop(i);
        String t = blobToTensor.containsKey(blob) ? fresh(blob + "/" + l.getName()) : fresh(blob);
        shapes.put(t, shape.clone());
        blobToTensor.put(blob, t);
        gb.putValueInfo(info(t));
        return t;
    }

    private TensorInfo info(String t) {
        return new TensorInfo(t, DataType.FLOAT, Shape.of(shapes.get(t)));
    }

    String fresh(String base) {
        String n = base;
        for (int k = 1; !names.add(n); k++) {
            n = base + "_" + k;
        }
        return n;
    }

    void node(String name, String op, List<String> in, List<String> out, Attribute... attrs) {
        gb.addNode(Node.of(name, op, in, out, attrs));
    }

    /** A parameter tensor of the layer: trained blob {@code index} when the weights file has it, zeros otherwise. */
    String param(LayerParameter l, int index, String suffix, long[] shape) throws EdgewiseException {
        BlobProto blob = trainedBlob(l, index, shape, suffix);
        Supplier<ByteBuffer> src = blob == null ? zeros(shape) : () -> CaffeWeights.floats(blob);
        return constant(l.getName() + "_" + suffix, shape, blob == null ? "zeros (no weights)" : "caffemodel", src);
    }

    /** The trained blob after checking its element count, or null when there is no weights file or entry. */
    BlobProto trainedBlob(LayerParameter l, int index, long[] shape, String suffix) throws EdgewiseException {
        if (!weights.present()) {
            return null;
        }
        List<BlobProto> blobs = weights.blobs(l.getName());
        if (blobs == null || index >= blobs.size()) {
            gb.addWarning("layer '" + l.getName() + "': " + weights.file().getFileName() + " has no blob " + index
                + " (" + suffix + "); zeros used");
            return null;
        }
        BlobProto b = blobs.get(index);
        long want = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        if (CaffeWeights.count(b) != want) {
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, weights.file() + ": layer '" + l.getName() + "' blob "
                + index + " (" + suffix + ") holds " + CaffeWeights.count(b) + " values, the network needs "
                + want + " for shape " + Arrays.toString(shape));
        }
        return b;
    }

    String constant(String name, long[] shape, String origin, Supplier<ByteBuffer> src) {
        String t = fresh(name);
        gb.addInitializer(TensorData.lazy(t, DataType.FLOAT, Shape.of(shape), origin, src));
        return t;
    }

    String int64Constant(String name, long[] values) {
        String t = fresh(name);
        gb.addInitializer(TensorData.ofLongs(t, Shape.of(values.length), values));
        return t;
    }

    /** Zeros allocated only if someone asks for the bytes; counting never does. */
    static Supplier<ByteBuffer> zeros(long[] shape) {
        long n = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        return () -> ByteBuffer.allocate(Math.toIntExact(n * 4));
    }

    static Supplier<ByteBuffer> filled(long[] shape, float v) {
        long n = Arrays.stream(shape).reduce(1, Math::multiplyExact);
        return () -> {
            ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(n * 4)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                b.putFloat(i * 4, v);
            }
            return b;
        };
    }

    void warn(String w) {
        gb.addWarning(w);
    }

    boolean hasWeights() {
        return weights.present();
    }

    /** Makes a later blob name resolve to an existing tensor (used by layers that only alias). */
    void alias(String blob, String tensor) {
        blobToTensor.put(blob, tensor);
    }

    static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? n : n.substring(0, dot);
    }

    static List<String> list(String... s) {
        List<String> out = new ArrayList<>();
        for (String x : s) {
            if (x != null) {
                out.add(x);
            }
        }
        return out;
    }

    static long[] dims(BlobShape s) {
        return s.getDimList().stream().mapToLong(Long::longValue).toArray();
    }
}
