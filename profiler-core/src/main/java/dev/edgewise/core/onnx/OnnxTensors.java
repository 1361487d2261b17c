package dev.edgewise.core.onnx;

import com.google.protobuf.ByteString;
import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.Dim;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.ir.TensorData;
import dev.edgewise.core.onnx.proto.OnnxProtos.StringStringEntryProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Turns ONNX TensorProtos into lazy {@link TensorData} views, including external data files. */
public final class OnnxTensors {
    private OnnxTensors() {
    }

    /**
     * @param modelDir folder of the model file, against which external data locations resolve;
     *                 null when the tensor does not come from a file (then external data is an error)
     * @param context  how to name the tensor in messages, e.g. "model.onnx: initializer 'conv1.weight'"
     */
    public static TensorData toTensorData(TensorProto t, Path modelDir, String context) throws EdgewiseException {
        DataType type = DataType.fromOnnx(t.getDataType());
        if (type == DataType.UNDEFINED) {
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, context + " has undefined or unknown data type " + t.getDataType());
        }
        List<Dim> dims = new ArrayList<>(t.getDimsCount());
        for (long d : t.getDimsList()) {
            if (d < 0) {
                throw new EdgewiseException(ErrorCode.INVALID_DIMENSION, context + " has negative dimension " + d);
            }
            dims.add(Dim.of(d));
        }
        Shape shape = Shape.of(dims);
        long expected = type.bytesFor(shape.numElements().orElseThrow());
        String name = t.getName();
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) {
            return external(t, type, shape, expected, modelDir, context);
        }
        if (type == DataType.STRING) {
            return TensorData.ofBytes(name, type, shape, ByteBuffer.allocate(0));
        }
        if (t.hasRawData()) {
            ByteString raw = t.getRawData();
            if (raw.size() != expected) {
                throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, context + " holds " + raw.size()
                    + " bytes of data but its type " + type.displayName() + " and shape " + shape + " need " + expected);
            }
            return TensorData.lazy(name, type, shape, "inline", raw::asReadOnlyByteBuffer);
        }
        return typedFields(t, type, shape, context);
    }

    private static TensorData typedFields(TensorProto t, DataType type, Shape shape, String context) throws EdgewiseException {
        long n = shape.numElements().orElseThrow();
        int count = switch (type) {
            case FLOAT, COMPLEX64 -> t.getFloatDataCount();
            case DOUBLE, COMPLEX128 -> t.getDoubleDataCount();
            case INT64 -> t.getInt64DataCount();
            case UINT32, UINT64 -> t.getUint64DataCount();
            default -> t.getInt32DataCount();
        };
        long perElement = (type == DataType.COMPLEX64 || type == DataType.COMPLEX128) ? 2 : 1;
        boolean packedSubByte = type.bits() < 8;
        long needed = packedSubByte ? (n + 1) / 2 : n * perElement;
        if (count != needed) {
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, context + " has " + count
                + " stored values but its shape " + shape + " needs " + needed);
        }
        return TensorData.lazy(t.getName(), type, shape, "inline", () -> encodeTypedFields(t, type, n));
    }

    private static ByteBuffer encodeTypedFields(TensorProto t, DataType type, long n) {
        ByteBuffer b = ByteBuffer.allocate(Math.toIntExact(type.bytesFor(n))).order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
            case FLOAT, COMPLEX64 -> t.getFloatDataList().forEach(b::putFloat);
            case DOUBLE, COMPLEX128 -> t.getDoubleDataList().forEach(b::putDouble);
            case INT64 -> t.getInt64DataList().forEach(b::putLong);
            case UINT64 -> t.getUint64DataList().forEach(b::putLong);
            case UINT32 -> t.getUint64DataList().forEach(v -> b.putInt((int) (long) v));
            case INT32 -> t.getInt32DataList().forEach(b::putInt);
            case INT16, UINT16, FLOAT16, BFLOAT16 -> t.getInt32DataList().forEach(v -> b.putShort((short) (int) v));
            default -> t.getInt32DataList().forEach(v -> b.put((byte) (int) v));
        }
        b.flip();
        return b;
    }

    private static TensorData external(TensorProto t, DataType type, Shape shape, long expected, Path modelDir,
                                       String context) throws EdgewiseException {
        String location = null;
        long offset = 0;
        long length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parseLong(e.getValue(), "offset", context);
                case "length" -> length = parseLong(e.getValue(), "length", context);
                default -> { }
            }
        }
        if (location == null || location.isEmpty()) {
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, context + " is marked external but names no location");
        }
        if (modelDir == null) {
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, context + " refers to external data '" + location
                + "' but was not read from a file");
        }
        Path file = resolveInside(modelDir, location, context);
        long fileSize;
        try {
            fileSize = Files.size(file);
        } catch (IOException e) {
            throw new EdgewiseException(ErrorCode.MISSING_EXTERNAL_DATA, context + " refers to external data file '"
                + location + "', which cannot be read at " + file + " (" + e.getClass().getSimpleName() + ")", e);
        }
        if (length < 0) {
            length = expected;
        }
        if (length != expected) {
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, context + " declares " + length
                + " bytes of external data but its type and shape " + shape + " need " + expected);
        }
        if (offset < 0 || offset > fileSize || length > fileSize - offset) {
            throw new EdgewiseException(ErrorCode.TRUNCATED, context + " reads bytes " + offset + ".." + (offset + length)
                + " of external data file '" + location + "', which has only " + fileSize + " bytes");
        }
        if (length > Integer.MAX_VALUE) {
            throw new EdgewiseException(ErrorCode.UNSUPPORTED, context + " is a single tensor of " + length
                + " bytes; tensors above 2 GB are not supported");
        }
        final long off = offset;
        final long len = length;
        String origin = "external " + location + "@" + offset;
        return TensorData.lazy(t.getName(), type, shape, origin, () -> mapRegion(file, off, len, context));
    }

    private static Path resolveInside(Path modelDir, String location, String context) throws EdgewiseException {
        Path rel = Path.of(location);
        if (rel.isAbsolute() || rel.normalize().startsWith("..")) {
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, context + " names external data '" + location
                + "' outside the model's folder; only relative paths inside it are allowed");
        }
        return modelDir.resolve(rel).normalize();
    }

    private static ByteBuffer mapRegion(Path file, long offset, long length, String context) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, offset, length).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(context + ": cannot map external data " + file, e);
        }
    }

    private static long parseLong(String v, String key, String context) throws EdgewiseException {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, context + " has external data " + key + " '" + v + "', not a number");
        }
    }
}
