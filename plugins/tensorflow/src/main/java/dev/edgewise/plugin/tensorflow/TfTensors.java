package dev.edgewise.plugin.tensorflow;

import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.plugin.tensorflow.proto.TfTensor.TensorProto;
import dev.edgewise.plugin.tensorflow.proto.TfTensorShape.TensorShapeProto;
import dev.edgewise.plugin.tensorflow.proto.TfTypes;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.function.Supplier;

/** TensorProto values as lazy IR tensors, and TensorFlow's type codes. */
final class TfTensors {
    private TfTensors() {
    }

    static DataType dataType(TfTypes.DataType t) {
        return switch (t) {
            case DT_FLOAT, DT_FLOAT_REF -> DataType.FLOAT;
            case DT_DOUBLE -> DataType.DOUBLE;
            case DT_INT32, DT_INT32_REF, DT_QINT32 -> DataType.INT32;
            case DT_UINT8, DT_QUINT8 -> DataType.UINT8;
            case DT_INT16, DT_QINT16 -> DataType.INT16;
            case DT_INT8, DT_QINT8 -> DataType.INT8;
            case DT_STRING -> DataType.STRING;
            case DT_COMPLEX64 -> DataType.COMPLEX64;
            case DT_INT64 -> DataType.INT64;
            case DT_BOOL -> DataType.BOOL;
            case DT_BFLOAT16 -> DataType.BFLOAT16;
            case DT_UINT16, DT_QUINT16 -> DataType.UINT16;
            case DT_COMPLEX128 -> DataType.COMPLEX128;
            case DT_HALF -> DataType.FLOAT16;
            case DT_UINT32 -> DataType.UINT32;
            case DT_UINT64 -> DataType.UINT64;
            default -> DataType.UNDEFINED;
        };
    }

    static long[] dims(Path file, String node, TensorShapeProto s) throws EdgewiseException {
        long[] d = new long[s.getDimCount()];
        for (int i = 0; i < d.length; i++) {
            d[i] = s.getDim(i).getSize();
            if (d[i] < 0) {
                throw new EdgewiseException(ErrorCode.INVALID_DIMENSION, file + ": constant '" + node
                    + "' has dimension " + d[i]);
            }
        }
        return d;
    }

    /** The constant as a lazy tensor: tensor_content aliased, or the typed value list (last value repeated). */
    static TensorData of(Path file, String name, TensorProto t) throws EdgewiseException {
        DataType dt = dataType(t.getDtype());
        if (dt == DataType.UNDEFINED || dt == DataType.STRING) {
            throw new EdgewiseException(ErrorCode.UNSUPPORTED, file + ": constant '" + name + "' has type "
                + t.getDtype() + ", which has no numeric value");
        }
        Shape shape = Shape.of(dims(file, name, t.getTensorShape()));
        long n = shape.numElements().orElseThrow();
        long bytes = dt.bytesFor(n);
        if (!t.getTensorContent().isEmpty()) {
            if (t.getTensorContent().size() != bytes) {
                throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, file + ": constant '" + name + "' "
                    + dt.displayName() + shape + " needs " + bytes + " bytes, tensor_content holds "
                    + t.getTensorContent().size());
            }
            return TensorData.lazy(name, dt, shape, "graphdef tensor_content",
                () -> t.getTensorContent().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
        }
        int count = valueCount(t);
        if (count == 0 && n > 0) {
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, file + ": constant '" + name + "' " + dt.displayName()
                + shape + " holds no values");
        }
        if (count > n) {
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, file + ": constant '" + name + "' holds " + count
                + " values for " + n + " elements");
        }
        return TensorData.lazy(name, dt, shape, "graphdef values", fromValues(t, dt, (int) n, count));
    }

    private static int valueCount(TensorProto t) {
        return Math.max(Math.max(Math.max(t.getFloatValCount(), t.getIntValCount()), Math.max(t.getInt64ValCount(),
            t.getDoubleValCount())), Math.max(Math.max(t.getBoolValCount(), t.getHalfValCount()),
            Math.max(t.getUint32ValCount(), t.getUint64ValCount())));
    }

    private static Supplier<ByteBuffer> fromValues(TensorProto t, DataType dt, int n, int count) {
        return () -> {
            int size = Math.max(1, dt.bits() / 8);
            ByteBuffer b = ByteBuffer.allocate(n * size).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                int k = Math.min(i, count - 1);
                int at = i * size;
                switch (dt) {
                    case FLOAT -> b.putFloat(at, t.getFloatVal(k));
                    case DOUBLE -> b.putDouble(at, t.getDoubleVal(k));
                    case INT64 -> b.putLong(at, t.getInt64Val(k));
                    case UINT64 -> b.putLong(at, t.getUint64Val(k));
                    case UINT32 -> b.putInt(at, t.getUint32Val(k));
                    case INT32 -> b.putInt(at, t.getIntVal(k));
                    case INT16, UINT16 -> b.putShort(at, (short) t.getIntVal(k));
                    case INT8, UINT8 -> b.put(at, (byte) t.getIntVal(k));
                    case BOOL -> b.put(at, (byte) (t.getBoolVal(k) ? 1 : 0));
                    case FLOAT16, BFLOAT16 -> b.putShort(at, (short) t.getHalfVal(k));
                    default -> throw new IllegalStateException("no values for " + dt);
                }
            }
            return b;
        };
    }

    /** Little-endian bytes of {@code src} (shape {@code shape}) rearranged so that out axis i is src axis perm[i]. */
    static ByteBuffer permute(ByteBuffer src, long[] shape, int[] perm, int elem) {
        int rank = shape.length;
        long[] outShape = new long[rank];
        long[] srcStride = new long[rank];
        long acc = 1;
        for (int i = rank - 1; i >= 0; i--) {
            srcStride[i] = acc;
            acc *= shape[i];
        }
        for (int i = 0; i < rank; i++) {
            outShape[i] = shape[perm[i]];
        }
        int n = (int) acc;
        ByteBuffer out = ByteBuffer.allocate(n * elem).order(ByteOrder.LITTLE_ENDIAN);
        for (int o = 0; o < n; o++) {
            long rem = o;
            long off = 0;
            for (int d = rank - 1; d >= 0; d--) {
                off += (rem % outShape[d]) * srcStride[perm[d]];
                rem /= outShape[d];
            }
            for (int b = 0; b < elem; b++) {
                out.put(o * elem + b, src.get((int) off * elem + b));
            }
        }
        return out;
    }
}
