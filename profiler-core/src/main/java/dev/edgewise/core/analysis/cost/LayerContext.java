package dev.edgewise.core.analysis.cost;

import dev.edgewise.core.ir.Node;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorInfo;
import java.util.OptionalInt;

/**
 * What a counter may ask about the layer it counts: static input and output shapes, attributes with
 * the metadata's defaults, and flop constants. Anything unknown throws {@link UnresolvedException}
 * with a message naming the tensor or attribute, which becomes the layer's note.
 */
public final class LayerContext {
    private final Node node;
    private final OpInfo info;
    private final TensorLookup tensors;

    LayerContext(Node node, OpInfo info, TensorLookup tensors) {
        this.node = node;
        this.info = info;
        this.tensors = tensors;
    }

    public Node node() {
        return node;
    }

    public OpInfo info() {
        return info;
    }

    /** True when the role's input index is present on this node (not omitted). */
    public boolean hasRole(String role) {
        OptionalInt i = info.role(role);
        return i.isPresent() && node.hasInput(i.getAsInt());
    }

    public long[] roleShape(String role) {
        OptionalInt i = info.role(role);
        if (i.isEmpty() || !node.hasInput(i.getAsInt())) {
            throw new UnresolvedException("input '" + role + "' is missing");
        }
        return inputShape(i.getAsInt());
    }

    /** The static shape of the role's input, or null when it is not known (for fallbacks). */
    public long[] roleShapeOrNull(String role) {
        try {
            return roleShape(role);
        } catch (UnresolvedException e) {
            return null;
        }
    }

    /** One dimension of the role's input (negative counts from the end); the others may be symbolic. */
    public long roleDim(String role, int axis) {
        OptionalInt i = info.role(role);
        if (i.isEmpty() || !node.hasInput(i.getAsInt())) {
            throw new UnresolvedException("input '" + role + "' is missing");
        }
        String tensor = node.input(i.getAsInt());
        TensorInfo t = tensors.info(tensor);
        if (t == null || !t.shape().hasRank()) {
            throw new UnresolvedException("shape of '" + tensor + "' unknown");
        }
        Shape s = t.shape();
        if (s.rank() == 0 || Math.abs(axis) > s.rank() || (axis >= 0 && axis >= s.rank())) {
            throw new UnresolvedException("'" + tensor + "' has rank " + s.rank() + ", axis " + axis + " needed");
        }
        var d = s.dim(axis);
        if (!d.isKnown()) {
            throw new UnresolvedException("dimension " + axis + " of '" + tensor + "' is not static (" + s + ")");
        }
        return d.value();
    }

    public long[] inputShape(int index) {
        return staticShape(node.input(index));
    }

    public long inputElements(int index) {
        return elements(inputShape(index));
    }

    public long[] outputShape(int index) {
        return staticShape(node.output(index));
    }

    public long outputElements() {
        return elements(outputShape(0));
    }

    public int presentInputs() {
        int n = 0;
        for (String in : node.inputs()) {
            if (!in.isEmpty()) {
                n++;
            }
        }
        return n;
    }

    private long[] staticShape(String tensor) {
        if (tensor.isEmpty()) {
            throw new UnresolvedException("a required tensor is omitted");
        }
        long[] shape = tensors.staticShape(tensor);
        if (shape != null) {
            return shape;
        }
        TensorInfo t = tensors.info(tensor);
        if (t == null || !t.shape().hasRank()) {
            throw new UnresolvedException("shape of '" + tensor + "' unknown");
        }
        throw new UnresolvedException("shape of '" + tensor + "' is not static (" + t.shape() + ")");
    }

    public double constant(String name, double fallback) {
        return info.flopConstant(node, name, fallback);
    }

    public long attrInt(String attr) {
        Object v = info.attributeValue(node, attr);
        if (v instanceof Number n) {
            return n.longValue();
        }
        throw new UnresolvedException("attribute '" + attr + "' missing or not an integer");
    }

    public double attrFloat(String attr) {
        Object v = info.attributeValue(node, attr);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new UnresolvedException("attribute '" + attr + "' missing or not a number");
    }

    public long[] attrInts(String attr) {
        long[] v = node.attrInts(attr);
        if (v == null) {
            throw new UnresolvedException("attribute '" + attr + "' missing");
        }
        return v;
    }

    /** Product of sizes; saturates at Long.MAX_VALUE rather than overflowing on absurd shapes. */
    public static long elements(long[] shape) {
        return product(shape, 0, shape.length);
    }

    public static long product(long[] shape, int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) {
            n = mul(n, shape[i]);
        }
        return n;
    }

    public static long mul(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
            return lo;
        }
        return Long.MAX_VALUE;
    }

    public static long add(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
