package dev.edgewise.core.ir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The value of a constant tensor (an initializer or a Constant node's value). The bytes are a lazy
 * view: for a memory-mapped model they alias the file and are only touched when a pass asks for
 * values, so analysing a large model never copies its weights into the heap.
 */
public final class TensorData {
    private final String name;
    private final DataType dataType;
    private final Shape shape;
    private final String origin;
    private final Supplier<ByteBuffer> source;
    private volatile ByteBuffer bytes;

    private TensorData(String name, DataType dataType, Shape shape, String origin,
                       Supplier<ByteBuffer> source, ByteBuffer bytes) {
        this.name = Objects.requireNonNull(name, "name");
        this.dataType = Objects.requireNonNull(dataType, "dataType");
        this.shape = Objects.requireNonNull(shape, "shape");
        if (!shape.isStatic()) {
            throw new IllegalArgumentException("constant tensor '" + name + "' needs a static shape, got " + shape);
        }
        this.origin = origin;
        this.source = source;
        this.bytes = bytes;
    }

    /** A tensor whose little-endian bytes are produced on first use (mapped lazily, decoded lazily). */
    public static TensorData lazy(String name, DataType type, Shape shape, String origin, Supplier<ByteBuffer> source) {
        return new TensorData(name, type, shape, origin, source, null);
    }

    public static TensorData ofBytes(String name, DataType type, Shape shape, ByteBuffer littleEndianBytes) {
        return new TensorData(name, type, shape, "memory", null, littleEndianBytes.asReadOnlyBuffer());
    }

    public static TensorData ofFloats(String name, Shape shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return ofBytes(name, DataType.FLOAT, shape, b);
    }

    public static TensorData ofLongs(String name, Shape shape, long[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return ofBytes(name, DataType.INT64, shape, b);
    }

    public String name() {
        return name;
    }

    public DataType dataType() {
        return dataType;
    }

    public Shape shape() {
        return shape;
    }

    /** Where the bytes live, for messages: "inline", "external file.bin@offset", "memory". */
    public String origin() {
        return origin;
    }

    public long numElements() {
        return shape.numElements().orElseThrow();
    }

    /** Size from the type and shape alone; never touches the data. */
    public long byteSize() {
        return dataType.bytesFor(numElements());
    }

    public TensorData withName(String newName) {
        return new TensorData(newName, dataType, shape, origin, source, bytes);
    }

    public boolean isLoaded() {
        return bytes != null;
    }

    /** The raw little-endian bytes (a read-only view; position 0). Loads lazily data on first call. */
    public ByteBuffer bytes() {
        ByteBuffer b = bytes;
        if (b == null) {
            synchronized (this) {
                b = bytes;
                if (b == null) {
                    b = source.get().asReadOnlyBuffer();
                    bytes = b;
                }
            }
        }
        return b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Values widened or narrowed to float, for statistics and passes. */
    public float[] toFloats() {
        int n = Math.toIntExact(numElements());
        ByteBuffer b = bytes();
        float[] out = new float[n];
        switch (dataType) {
            case FLOAT -> b.asFloatBuffer().get(out);
            case DOUBLE -> { for (int i = 0; i < n; i++) out[i] = (float) b.getDouble(i * 8); }
            case FLOAT16 -> { for (int i = 0; i < n; i++) out[i] = Half.toFloat(b.getShort(i * 2)); }
            case BFLOAT16 -> { for (int i = 0; i < n; i++) out[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16); }
            default -> {
                long[] l = toLongs();
                for (int i = 0; i < n; i++) out[i] = l[i];
            }
        }
        return out;
    }

    /** Values as longs; for integer and bool types (floats are truncated). */
    public long[] toLongs() {
        int n = Math.toIntExact(numElements());
        ByteBuffer b = bytes();
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (dataType) {
                case INT64, UINT64 -> b.getLong(i * 8);
                case INT32 -> b.getInt(i * 4);
                case UINT32 -> b.getInt(i * 4) & 0xffffffffL;
                case INT16 -> b.getShort(i * 2);
                case UINT16 -> b.getShort(i * 2) & 0xffff;
                case INT8 -> b.get(i);
                case UINT8, BOOL -> b.get(i) & 0xff;
                case FLOAT -> (long) b.getFloat(i * 4);
                case DOUBLE -> (long) b.getDouble(i * 8);
                case FLOAT16 -> (long) Half.toFloat(b.getShort(i * 2));
                default -> throw new IllegalStateException("tensor '" + name + "': cannot read " + dataType + " as integers");
            };
        }
        return out;
    }

    @Override
    public String toString() {
        return name + ":" + dataType.displayName() + "[" + shape + "]";
    }
}
