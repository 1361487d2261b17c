package dev.edgewise.plugin.mxnet;

import dev.edgewise.core.ir.DataType;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An MXNet {@code .params} file: the NDArray-list binary format (list magic 0x112, then each NDArray
 * in the legacy, V1, V2 or V3 layout, then the names, "arg:" or "aux:" prefixed). The file is mapped;
 * each array's data stays a view of the mapping.
 */
final class MxParams {
    static final long LIST_MAGIC = 0x112;
    static final int V1_MAGIC = 0xF993FAC8;
    static final int V2_MAGIC = 0xF993FAC9;
    static final int V3_MAGIC = 0xF993FACA;

    /** One stored array: shape, type and where its little-endian bytes are. */
    record Array(long[] shape, DataType type, ByteBuffer data) {
    }

    private final Path file;
    private final Map<String, Array> byName;

    private MxParams(Path file, Map<String, Array> byName) {
        this.file = file;
        this.byName = byName;
    }

    static MxParams none() {
        return new MxParams(null, Map.of());
    }

    boolean present() {
        return file != null;
    }

    Path file() {
        return file;
    }

    /** The array stored as "arg:name", "aux:name" or plain "name"; null when absent. */
    Array get(String name) {
        Array a = byName.get("arg:" + name);
        if (a == null) {
            a = byName.get("aux:" + name);
        }
        return a != null ? a : byName.get(name);
    }

    int size() {
        return byName.size();
    }

    static MxParams read(Path file) throws EdgewiseException {
        ByteBuffer b;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) {
                throw new EdgewiseException(ErrorCode.UNSUPPORTED, file + ": params files over 2 GB are not supported");
            }
            b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
        } catch (NoSuchFileException e) {
            throw new EdgewiseException(ErrorCode.FILE_NOT_FOUND, file + ": no such file", e);
        } catch (IOException e) {
            throw new EdgewiseException(ErrorCode.IO_ERROR, file + ": cannot read: " + e.getMessage(), e);
        }
        try {
            return parse(file, b);
        } catch (BufferUnderflowException | IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new EdgewiseException(ErrorCode.TRUNCATED, file + ": truncated MXNet params file (ends after "
                + b.position() + " of " + b.limit() + " bytes)", e);
        }
    }

    private static MxParams parse(Path file, ByteBuffer b) throws EdgewiseException {
        if (b.limit() < 16 || b.getLong() != LIST_MAGIC) {
            throw new EdgewiseException(ErrorCode.NOT_A_MODEL, file + ": not an MXNet params file (no NDArray-list"
                + " magic 0x112 at byte 0)");
        }
        b.getLong();
        long count = b.getLong();
        if (count < 0 || count > b.remaining()) {
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, file + ": claims " + count + " arrays in "
                + b.limit() + " bytes");
        }
        List<Array> arrays = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            arrays.add(readArray(file, b, (int) i));
        }
        long names = b.getLong();
        if (names != count && names != 0) {
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, file + ": " + count + " arrays but " + names + " names");
        }
        Map<String, Array> m = new LinkedHashMap<>();
        for (int i = 0; i < names; i++) {
            long len = b.getLong();
            if (len < 0 || len > b.remaining()) {
                throw new BufferUnderflowException();
            }
            byte[] s = new byte[(int) len];
            b.get(s);
            m.put(new String(s, StandardCharsets.UTF_8), arrays.get(i));
        }
        return new MxParams(file, m);
    }

    private static Array readArray(Path file, ByteBuffer b, int index) throws EdgewiseException {
        int head = b.getInt();
        long[] shape;
        if (head == V1_MAGIC || head == V2_MAGIC || head == V3_MAGIC) {
            if (head != V1_MAGIC) {
                int stype = b.getInt();
                if (stype != 0) {
                    throw new EdgewiseException(ErrorCode.UNSUPPORTED, file + ": array " + index + " is sparse (storage"
                        + " type " + stype + "); only dense arrays are supported");
                }
            }
            int ndim = b.getInt();
            if (ndim < 0) {
                return new Array(new long[0], DataType.UNDEFINED, ByteBuffer.allocate(0));
            }
            shape = new long[ndim];
            for (int d = 0; d < ndim; d++) {
                shape[d] = b.getLong();
            }
        } else {
            // Legacy layout: the first word is the rank and dimensions are 32-bit.
            if (head < 0 || head > 32) {
                throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, file + ": array " + index + " starts with "
                    + Integer.toHexString(head) + ", neither an NDArray magic nor a rank");
            }
            shape = new long[head];
            for (int d = 0; d < head; d++) {
                shape[d] = b.getInt() & 0xffffffffL;
            }
        }
        if (shape.length == 0) {
            return new Array(shape, DataType.UNDEFINED, ByteBuffer.allocate(0));
        }
        b.getInt();
        b.getInt();
        int flag = b.getInt();
        DataType t = dataType(flag);
        if (t == DataType.UNDEFINED) {
            throw new EdgewiseException(ErrorCode.UNSUPPORTED, file + ": array " + index + " has type flag " + flag);
        }
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, file + ": array " + index + " has dimension " + d);
            }
            n = Math.multiplyExact(n, d);
        }
        long bytes = t.bytesFor(n);
        if (bytes > b.remaining()) {
            throw new BufferUnderflowException();
        }
        ByteBuffer data = b.slice(b.position(), (int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.position(b.position() + (int) bytes);
        return new Array(shape, t, data);
    }

    /** mshadow type flags. */
    static DataType dataType(int flag) {
        return switch (flag) {
            case 0 -> DataType.FLOAT;
            case 1 -> DataType.DOUBLE;
            case 2 -> DataType.FLOAT16;
            case 3 -> DataType.UINT8;
            case 4 -> DataType.INT32;
            case 5 -> DataType.INT8;
            case 6 -> DataType.INT64;
            case 7 -> DataType.BOOL;
            case 8 -> DataType.INT16;
            case 9 -> DataType.UINT16;
            case 10 -> DataType.UINT32;
            case 11 -> DataType.UINT64;
            case 12 -> DataType.BFLOAT16;
            default -> DataType.UNDEFINED;
        };
    }
}
