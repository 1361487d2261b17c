package dev.edgewise.plugin.tflite;

import static dev.edgewise.plugin.tflite.TfliteOps.*;

import dev.edgewise.core.ir.Attribute;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.GraphBuilder;
import dev.edgewise.core.ir.ModelMetadata;
import dev.edgewise.core.ir.NhwcLayout;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.ir.TensorInfo;
import dev.edgewise.plugin.tflite.TfliteSchema.Model;
import dev.edgewise.plugin.tflite.TfliteSchema.Operator;
import dev.edgewise.plugin.tflite.TfliteSchema.Options;
import dev.edgewise.plugin.tflite.TfliteSchema.Quantization;
import dev.edgewise.plugin.tflite.TfliteSchema.SubGraph;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/** Converts subgraph 0 of a TFLite model; see {@link TfliteImporter} for the layout choice. */
final class TfliteGraphConverter {
    static final long OPSET = 13;
    private static final long[] TO_NCHW = NhwcLayout.TO_NCHW;
    private static final long[] TO_NHWC = NhwcLayout.TO_NHWC;

    private final Path file;
    private final ByteBuffer buf;
    private final GraphBuilder gb = GraphBuilder.create();
    private final Set<String> names = new HashSet<>();
    private final Map<Integer, String> constants = new HashMap<>();
    private final List<Node> nodes = new ArrayList<>();
    private Model model;
    private SubGraph sg;
    private String[] tensorNames;
    private long[][] shapes;
    private DataType[] types;
    private int quantized;

    TfliteGraphConverter(Path file, ByteBuffer buf) {
        this.file = file;
        this.buf = buf;
    }

    Graph convert() throws EdgewiseException {
        model = Model.root(buf);
        if (model.subgraphsCount() == 0) {
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, file + ": TensorFlow Lite model has no subgraph");
        }
        sg = model.subgraph(0);
        readTensors();
        for (int t : sg.inputs()) {
            if (!isConstant(t)) {
                gb.addInput(info(t));
            }
        }
        for (int i = 0; i < sg.operatorsCount(); i++) {
            convertOperator(i, sg.operator(i));
        }
        Set<String> outputs = new HashSet<>();
        for (int t : sg.outputs()) {
            gb.addOutput(info(checkIndex(t, "subgraph output")));
            outputs.add(tensorNames[t]);
        }
        Set<String> removed = NhwcLayout.cancelTransposePairs(nodes, outputs);
        gb.nodes(nodes);
        for (int t = 0; t < tensorNames.length; t++) {
            if (!isConstant(t) && !removed.contains(tensorNames[t])) {
                gb.putValueInfo(info(t));
            }
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("tflite.schema_version", Long.toString(model.version()));
        props.put("layout", "NHWC (Transpose nodes around NCHW ops)");
        props.put("quantized_tensors", Integer.toString(quantized));
        String desc = model.description();
        gb.name(sg.name() == null || sg.name().isEmpty() ? stem(file) : sg.name())
            .metadata(new ModelMetadata(file.toString(), "tflite", desc == null ? "" : desc, "", 0,
                Map.of("", OPSET), "", props));
        if (model.subgraphsCount() > 1) {
            gb.addWarning(file.getFileName() + ": " + model.subgraphsCount() + " subgraphs; only the first (main) is read");
        }
        return gb.build();
    }

    private void readTensors() throws EdgewiseException {
        int n = sg.tensorsCount();
        tensorNames = new String[n];
        shapes = new long[n][];
        types = new DataType[n];
        for (int i = 0; i < n; i++) {
            TfliteSchema.Tensor t = sg.tensor(i);
            String nm = t.name();
            tensorNames[i] = fresh(nm == null || nm.isEmpty() ? "tensor_" + i : nm);
            int[] s = t.shape();
            shapes[i] = new long[s.length];
            for (int d = 0; d < s.length; d++) {
                if (s[d] < 0) {
                    throw new EdgewiseException(ErrorCode.INVALID_DIMENSION, file + ": tensor '" + nm
                        + "' has negative dimension " + s[d]);
                }
                shapes[i][d] = s[d];
            }
            types[i] = TfliteOps.dataType(t.type());
            Quantization q = t.quantization();
            if (q != null && q.scale().length > 0) {
                quantized++;
            }
        }
    }

    private TensorInfo info(int t) {
        return new TensorInfo(tensorNames[t], types[t], Shape.of(shapes[t]));
    }

    private int checkIndex(int t, String what) throws EdgewiseException {
        if (t < 0 || t >= tensorNames.length) {
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, file + ": " + what + " refers to tensor " + t
                + " of " + tensorNames.length);
        }
        return t;
    }

    private boolean isConstant(int t) {
        long b = sg.tensor(t).buffer();
        if (b <= 0 || b >= model.buffersCount()) {
            return false;
        }
        TfliteSchema.Buffer buffer = model.buffer((int) b);
        return buffer.dataLength() > 0 || buffer.offset() > 1;
    }

    /** The tensor as an initializer in its stored layout (registered once). */
    String constant(int t) throws EdgewiseException {
        String existing = constants.get(t);
        if (existing != null) {
            return existing;
        }
        Supplier<ByteBuffer> bytes = constantBytes(t);
        gb.addInitializer(TensorData.lazy(tensorNames[t], types[t], Shape.of(shapes[t]), "tflite buffer", bytes));
        constants.put(t, tensorNames[t]);
        return tensorNames[t];
    }

    /** The constant permuted to {@code perm} (e.g. OHWI filters to ONNX's OIHW), permuted only if read. */
    String permutedConstant(int t, long[] perm, long[] newShape) throws EdgewiseException {
        Supplier<ByteBuffer> src = constantBytes(t);
        long[] from = shapes[t];
        int elem = Math.max(1, types[t].bits() / 8);
        String name = tensorNames[t];
        gb.addInitializer(TensorData.lazy(name, types[t], Shape.of(newShape), "tflite buffer (permuted)",
            () -> permute(src.get(), from, perm, elem)));
        constants.put(t, name);
        return name;
    }

    private Supplier<ByteBuffer> constantBytes(int t) throws EdgewiseException {
        TfliteSchema.Buffer b = model.buffer((int) sg.tensor(t).buffer());
        long want = types[t].bytesFor(Shape.of(shapes[t]).numElements().orElse(0));
        long start;
        long len;
        if (b.dataLength() > 0) {
            start = b.dataStart();
            len = b.dataLength();
        } else {
            start = b.offset();
            len = b.size();
        }
        if (len != want || start + len > buf.capacity()) {
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, file + ": tensor '" + tensorNames[t] + "' "
                + types[t].displayName() + Arrays.toString(shapes[t]) + " needs " + want + " bytes, its buffer holds "
                + len + (start + len > buf.capacity() ? " (past the end of the file)" : ""));
        }
        int s = (int) start;
        int l = (int) len;
        return () -> buf.duplicate().position(s).limit(s + l).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    static ByteBuffer permute(ByteBuffer src, long[] shape, long[] perm, int elem) {
        int rank = shape.length;
        long[] outShape = new long[rank];
        for (int i = 0; i < rank; i++) {
            outShape[i] = shape[(int) perm[i]];
        }
        long[] srcStride = strides(shape);
        int n = (int) Arrays.stream(shape).reduce(1, Math::multiplyExact);
        ByteBuffer out = ByteBuffer.allocate(n * elem).order(ByteOrder.LITTLE_ENDIAN);
        long[] idx = new long[rank];
        for (int o = 0; o < n; o++) {
            long rem = o;
            long srcOff = 0;
            for (int d = rank - 1; d >= 0; d--) {
                idx[d] = rem % outShape[d];
                rem /= outShape[d];
                srcOff += idx[d] * srcStride[(int) perm[d]];
            }
            for (int b = 0; b < elem; b++) {
                out.put(o * elem + b, src.get((int) srcOff * elem + b));
            }
        }
        return out;
    }

    private static long[] strides(long[] shape) {
        long[] s = new long[shape.length];
        long acc = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= shape[i];
        }
        return s;
    }

    // ---- operators ----

    private void convertOperator(int index, Operator op) throws EdgewiseException {
        long oi = op.opcodeIndex();
        if (oi >= model.operatorCodesCount()) {
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, file + ": operator " + index + " uses opcode index "
                + oi + " of " + model.operatorCodesCount());
        }
        int code = model.operatorCode((int) oi).builtinCode();
        int[] in = op.inputs();
        int[] out = op.outputs();
        for (int t : in) {
            if (t >= 0) {
                checkIndex(t, "operator " + index + " (" + TfliteOps.name(code) + ") input");
            }
        }
        for (int t : out) {
            checkIndex(t, "operator " + index + " (" + TfliteOps.name(code) + ") output");
        }
        if (out.length == 0) {
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, file + ": operator " + index + " ("
                + TfliteOps.name(code) + ") has no output");
        }
        OpContext c = new OpContext(this, index, code, in, out, op.builtinOptions());
        new TfliteLayers(c).convert();
    }

    /** What one operator's conversion needs, with small helpers to emit nodes. */
    static final class OpContext {
        final TfliteGraphConverter g;
        final int index;
        final int code;
        final int[] in;
        final int[] out;
        final Options options;
        final String name;

        OpContext(TfliteGraphConverter g, int index, int code, int[] in, int[] out, Options options) {
            this.g = g;
            this.index = index;
            this.code = code;
            this.in = in;
            this.out = out;
            this.options = options;
            this.name = g.tensorNames[out[0]];
        }

        String opName() {
            return TfliteOps.name(code);
        }

        EdgewiseException error(String msg) {
            return new EdgewiseException(ErrorCode.CORRUPT_MODEL, g.file + ": operator " + index + " '" + name + "' ("
                + opName() + "): " + msg);
        }

        int input(int i) throws EdgewiseException {
            if (i >= in.length || in[i] < 0) {
                throw error("input " + i + " is missing");
            }
            return in[i];
        }

        boolean hasInput(int i) {
            return i < in.length && in[i] >= 0;
        }

        /** The IR tensor for input i: an initializer for constants, the activation otherwise. */
        String value(int i) throws EdgewiseException {
            int t = input(i);
            return g.isConstant(t) ? g.constant(t) : g.tensorNames[t];
        }

        boolean isConstant(int i) {
            return hasInput(i) && g.isConstant(in[i]);
        }

        long[] shape(int tensor) {
            return g.shapes[tensor].clone();
        }

        String tensorName(int tensor) {
            return g.tensorNames[tensor];
        }

        int[] constInts(int i) throws EdgewiseException {
            int t = input(i);
            if (!g.isConstant(t)) {
                throw error("input " + i + " must be a constant");
            }
            ByteBuffer b = g.constantBytes(t).get();
            int n = (int) Shape.of(g.shapes[t]).numElements().orElse(0);
            int[] v = new int[n];
            for (int k = 0; k < n; k++) {
                v[k] = g.types[t] == DataType.INT64 ? (int) b.getLong(k * 8) : b.getInt(k * 4);
            }
            return v;
        }

        String fresh(String base) {
            return g.fresh(base);
        }

        void node(String nodeName, String op, List<String> inputs, List<String> outputs, List<Attribute> attrs) {
            Map<String, Attribute> m = new LinkedHashMap<>();
            attrs.forEach(a -> m.put(a.name(), a));
            g.nodes.add(new Node(nodeName, op, Node.DEFAULT_DOMAIN, inputs, outputs, m));
        }

        void customNode(String op, List<String> inputs, List<String> outputs) {
            g.nodes.add(new Node(name, op, "tflite", inputs, outputs, Map.of()));
        }

        String int64Constant(String base, long[] v) {
            String t = g.fresh(base);
            g.gb.addInitializer(TensorData.ofLongs(t, Shape.of(v.length), v));
            return t;
        }

        String scalarConstant(String base, DataType type, Number v) {
            String t = g.fresh(base);
            ByteBuffer b = ByteBuffer.allocate(Math.max(1, type.bits() / 8)).order(ByteOrder.LITTLE_ENDIAN);
            switch (type) {
                case FLOAT -> b.putFloat(0, v.floatValue());
                case INT8, UINT8 -> b.put(0, v.byteValue());
                case INT16 -> b.putShort(0, v.shortValue());
                default -> b.putInt(0, v.intValue());
            }
            g.gb.addInitializer(TensorData.ofBytes(t, type, Shape.scalar(), b));
            return t;
        }

        Quantization quantization(int tensor) {
            Quantization q = g.sg.tensor(tensor).quantization();
            return q != null && q.scale().length > 0 ? q : null;
        }

        DataType type(int tensor) {
            return g.types[tensor];
        }

        void warn(String w) {
            g.gb.addWarning(w);
        }

        String transpose(String x, long[] perm, String suffix) {
            String y = g.fresh(x + suffix);
            node(g.fresh(name + suffix), "Transpose", List.of(x), List.of(y), List.of(Attribute.ofInts("perm", perm)));
            return y;
        }

        String toNchw(String x) {
            return transpose(x, TO_NCHW, "/nchw");
        }

        void toNhwc(String yNchw, String out) {
            node(g.fresh(name + "/nhwc"), "Transpose", List.of(yNchw), List.of(out),
                List.of(Attribute.ofInts("perm", TO_NHWC)));
        }
    }

    String fresh(String base) {
        String n = base;
        for (int k = 1; !names.add(n); k++) {
            n = base + "_" + k;
        }
        return n;
    }

    static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? n : n.substring(0, dot);
    }
}
