package dev.edgewise.core.analysis;

import dev.edgewise.core.analysis.shapes.InvalidDimension;
import dev.edgewise.core.analysis.shapes.OpContext;
import dev.edgewise.core.analysis.shapes.OpRegistry;
import dev.edgewise.core.analysis.shapes.ShapeRule;
import dev.edgewise.core.analysis.shapes.TensorStore;
import dev.edgewise.core.analysis.shapes.Unresolved;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Dim;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.GraphBuilder;
import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Shape and type inference over the IR, with constant propagation of small tensors so that shape
 * arithmetic (Shape -> Gather -> Div -> Concat -> Reshape, as PyTorch exports it) resolves. A layer
 * whose shapes cannot be derived keeps unknown dims and gets a warning; only a model that is wrong
 * (negative or absurd dimensions) or bindings that do not fit the model raise an error.
 */
public final class ShapeInference {
    private ShapeInference() {
    }

    public static ShapeInferenceResult infer(Graph graph, DimBindings bindings) throws EdgewiseException {
        DimBindings b = bindings == null ? DimBindings.NONE : bindings;
        checkBindings(graph, b);
        List<String> warnings = new ArrayList<>();
        List<TensorInfo> inputs = bindInputs(graph, b, warnings);
        TensorStore store = new TensorStore(graph.initializers());
        for (TensorInfo in : inputs) {
            store.put(in, null);
        }
        Map<String, TensorInfo> declared = declaredInfo(graph, b.symbols());
        long opset = graph.metadata().defaultOpset();
        GraphBuilder out = graph.toBuilder().inputs(inputs).clearValueInfo();
        Set<String> warnedAtImportLayers = layersNamedIn(graph.warnings());
        for (Node node : graph.nodes()) {
            // The importer already warned about ops of foreign domains; one warning per such layer is enough.
            boolean warnedAtImport = !node.isDefaultDomain() && warnedAtImportLayers.contains(node.name());
            inferNode(node, store, opset, declared, warnedAtImport ? new ArrayList<>() : warnings);
            for (String o : node.outputs()) {
                if (!o.isEmpty()) {
                    out.putValueInfo(store.info(o));
                }
            }
        }
        List<TensorInfo> outputs = new ArrayList<>();
        for (TensorInfo o : graph.outputs()) {
            TensorInfo inferred = store.info(o.name());
            outputs.add(inferred != null ? inferred : o);
        }
        out.outputs(outputs);
        reportUnboundSymbols(inputs, warnings);
        return new ShapeInferenceResult(out.buildValid(), warnings);
    }

    /** Names of the layers that warnings of the form "layer 'NAME'..." are about. */
    private static Set<String> layersNamedIn(List<String> warnings) {
        Set<String> names = new java.util.HashSet<>();
        for (String w : warnings) {
            if (w.startsWith("layer '")) {
                int end = w.indexOf('\'', 7);
                if (end > 0) {
                    names.add(w.substring(7, end));
                }
            }
        }
        return names;
    }

    private static void checkBindings(Graph graph, DimBindings b) throws EdgewiseException {
        for (Map.Entry<String, Long> e : b.symbols().entrySet()) {
            long v = e.getValue();
            if (v < 0 || v >= OpContext.ABSURD_DIM) {
                throw new EdgewiseException(ErrorCode.INVALID_DIMENSION, "dim binding " + e.getKey() + "=" + v
                    + " is " + (v < 0 ? "negative" : "absurd (at least 2^32)"));
            }
        }
        Set<String> names = new LinkedHashSet<>();
        graph.inputs().forEach(t -> names.add(t.name()));
        for (Map.Entry<String, Shape> e : b.inputs().entrySet()) {
            if (!names.contains(e.getKey())) {
                throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, "input binding '" + e.getKey()
                    + "' names no input of the model; valid inputs: " + String.join(", ", names));
            }
            Shape s = e.getValue();
            if (s.hasRank()) {
                for (Dim d : s.dims()) {
                    if (d.isKnown() && d.value() >= OpContext.ABSURD_DIM) {
                        throw new EdgewiseException(ErrorCode.INVALID_DIMENSION, "input binding '" + e.getKey()
                            + "' has absurd dimension " + d.value() + " in shape " + s);
                    }
                }
            }
        }
    }

    private static List<TensorInfo> bindInputs(Graph graph, DimBindings b, List<String> warnings) {
        Set<String> unusedSymbols = new TreeSet<>(b.symbols().keySet());
        List<TensorInfo> out = new ArrayList<>();
        for (TensorInfo in : graph.inputs()) {
            Shape s = b.inputs().getOrDefault(in.name(), in.shape());
            if (s != in.shape() && s.hasRank() && in.shape().hasRank() && s.rank() != in.shape().rank()) {
                warnings.add("input '" + in.name() + "' is bound to " + s + " (rank " + s.rank() + ") but the model"
                    + " declares " + in.shape() + " (rank " + in.shape().rank() + ")");
            }
            if (s.hasRank()) {
                s.dims().stream().filter(Dim::isSymbolic).forEach(d -> unusedSymbols.remove(d.symbolName()));
            }
            out.add(in.withShape(substitute(s, b.symbols())));
        }
        if (!unusedSymbols.isEmpty()) {
            warnings.add("dim binding(s) " + String.join(", ", unusedSymbols) + " match no symbolic dimension of the"
                + " model's inputs and were ignored");
        }
        return out;
    }

    static Shape substitute(Shape s, Map<String, Long> symbols) {
        if (!s.hasRank() || symbols.isEmpty()) {
            return s;
        }
        List<Dim> dims = new ArrayList<>(s.rank());
        for (Dim d : s.dims()) {
            Long v = d.isSymbolic() ? symbols.get(d.symbolName()) : null;
            dims.add(v != null ? Dim.of(v) : d);
        }
        return Shape.of(dims);
    }

    /** What the file itself declares for intermediate tensors and outputs, used where inference cannot tell. */
    private static Map<String, TensorInfo> declaredInfo(Graph graph, Map<String, Long> symbols) {
        Map<String, TensorInfo> m = new HashMap<>();
        graph.valueInfo().forEach((k, v) -> m.put(k, v.withShape(substitute(v.shape(), symbols))));
        for (TensorInfo o : graph.outputs()) {
            m.merge(o.name(), o.withShape(substitute(o.shape(), symbols)), (a, c) -> c.shape().hasRank() ? c : a);
        }
        return m;
    }

    private static void inferNode(Node node, TensorStore store, long opset, Map<String, TensorInfo> declared,
                                  List<String> warnings) throws EdgewiseException {
        String label = "layer '" + node.name() + "' (" + (node.isDefaultDomain() ? "" : node.domain() + ":")
            + node.opType() + ")";
        Optional<ShapeRule> rule = OpRegistry.rule(node.domain(), node.opType());
        OpContext ctx = new OpContext(node, store, opset,
            (body, outer, where, bodyInputs) -> runSubgraph(body, outer, where, bodyInputs, opset, warnings));
        String failure = null;
        if (rule.isEmpty()) {
            failure = "op " + (node.isDefaultDomain() ? "" : node.domain() + ":") + node.opType()
                + " is not known to Edgewise's shape inference; its outputs are unknown and it counts as zero";
        } else {
            try {
                rule.get().infer(ctx);
            } catch (Unresolved e) {
                failure = e.getMessage();
            } catch (InvalidDimension e) {
                throw new EdgewiseException(ErrorCode.INVALID_DIMENSION, label + ": " + e.getMessage());
            } catch (RuntimeException e) {
                failure = "shape rule failed: " + e;
            }
        }
        List<String> unknown = new ArrayList<>();
        for (int i = 0; i < node.outputs().size(); i++) {
            String name = node.output(i);
            if (name.isEmpty()) {
                continue;
            }
            TensorInfo inferred = failure == null ? ctx.outputInfo(i) : null;
            TensorInfo info = withDeclared(name, inferred, declared.get(name), label, warnings);
            store.put(info, failure == null && inferred != null ? ctx.outputValue(i) : null);
            if (!fullyKnownRank(info.shape())) {
                unknown.add("'" + name + "' " + info.shape());
            }
        }
        if (failure != null) {
            warnings.add(label + ": " + failure + (unknown.isEmpty() ? "; the shapes declared in the model are used" : ""));
        } else if (!unknown.isEmpty()) {
            warnings.add(label + ": output " + String.join(", ", unknown) + " not fully resolved: " + cause(ctx, node, store));
        }
    }

    /** Infers a subgraph (an If branch) whose free names resolve in {@code outer}; returns its outputs. */
    private static List<OpContext.Result> runSubgraph(Graph body, TensorStore outer, String where,
                                                      List<OpContext.Result> bodyInputs, long opset,
                                                      List<String> warnings) {
        TensorStore store = new TensorStore(body.initializers(), outer);
        for (int i = 0; i < body.inputs().size(); i++) {
            TensorInfo declared = body.inputs().get(i);
            OpContext.Result fed = i < bodyInputs.size() ? bodyInputs.get(i) : null;
            if (fed == null) {
                store.put(declared, null);
            } else {
                TensorInfo t = fed.info();
                store.put(new TensorInfo(declared.name(), t.dataType(), t.shape()), fed.value());
            }
        }
        List<String> inner = new ArrayList<>();
        for (Node n : body.nodes()) {
            try {
                inferNode(n, store, opset, Map.of(), inner);
            } catch (EdgewiseException e) {
                throw new InvalidDimension("in " + where + ": " + e.getMessage());
            }
        }
        inner.forEach(w -> warnings.add("in " + where + ": " + w));
        List<OpContext.Result> out = new ArrayList<>();
        for (TensorInfo o : body.outputs()) {
            TensorInfo t = store.info(o.name());
            out.add(new OpContext.Result(t != null ? t : o, store.value(o.name())));
        }
        return out;
    }

    /** The inferred info, completed by (and checked against) the model's own declaration. */
    private static TensorInfo withDeclared(String name, TensorInfo inferred, TensorInfo declared, String label,
                                           List<String> warnings) {
        if (inferred == null) {
            return declared != null ? declared : new TensorInfo(name, DataType.UNDEFINED, Shape.unknownRank());
        }
        if (declared == null) {
            return inferred;
        }
        DataType type = inferred.dataType() != DataType.UNDEFINED ? inferred.dataType() : declared.dataType();
        Shape s = inferred.shape();
        Shape d = declared.shape();
        if (!s.hasRank()) {
            return new TensorInfo(name, type, d);
        }
        if (!d.hasRank() || d.rank() != s.rank()) {
            return new TensorInfo(name, type, s);
        }
        List<Dim> dims = new ArrayList<>();
        for (int i = 0; i < s.rank(); i++) {
            Dim a = s.dim(i);
            Dim b = d.dim(i);
            if (a.isKnown() && b.isKnown() && a.value() != b.value()) {
                warnings.add(label + ": inferred shape " + s + " of '" + name + "' differs from the declared " + d
                    + "; the inferred one is used");
                return new TensorInfo(name, type, s);
            }
            dims.add(a.isKnown() || a.isSymbolic() && !b.isKnown() ? a : b);
        }
        return new TensorInfo(name, type, Shape.of(dims));
    }

    private static boolean fullyKnownRank(Shape s) {
        return s.hasRank() && s.dims().stream().allMatch(d -> d.isKnown() || d.isSymbolic());
    }

    private static String cause(OpContext ctx, Node node, TensorStore store) {
        if (ctx.reason() != null) {
            return ctx.reason();
        }
        for (String in : node.inputs()) {
            TensorInfo t = in.isEmpty() ? null : store.info(in);
            if (t != null && !fullyKnownRank(t.shape())) {
                return "input '" + in + "' has unresolved shape " + t.shape();
            }
            if (!in.isEmpty() && t == null) {
                return "input '" + in + "' is produced by no node and is not a graph input";
            }
        }
        return "the inputs do not determine it";
    }

    private static void reportUnboundSymbols(List<TensorInfo> inputs, List<String> warnings) {
        Set<String> symbols = new TreeSet<>();
        for (TensorInfo in : inputs) {
            if (in.shape().hasRank()) {
                in.shape().dims().stream().filter(Dim::isSymbolic).forEach(d -> symbols.add(d.symbolName()));
            }
        }
        if (!symbols.isEmpty()) {
            warnings.add("symbolic input dims left unbound: " + String.join(", ", symbols)
                + " (bind them with --dim name=value for exact counts)");
        }
    }
}
