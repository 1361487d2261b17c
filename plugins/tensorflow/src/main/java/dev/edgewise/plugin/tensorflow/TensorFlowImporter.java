package dev.edgewise.plugin.tensorflow;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.spi.ModelImporter;
import dev.edgewise.plugin.tensorflow.proto.TfGraph.GraphDef;
import java.io.IOException;
import java.io.InputStream;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

/**
 * Frozen TensorFlow {@code GraphDef} ({@code .pb}). Option {@code batch} sets an unknown (-1) batch
 * dimension of the placeholders (default 1). Layout: with NHWC data (TensorFlow's default) each spatial
 * op is wrapped in Transpose nodes around an ONNX-style NCHW node whose weights are permuted lazily to
 * OIHW; NCHW graphs need no transposes.
 */
public final class TensorFlowImporter implements ModelImporter {
    @Override
    public String id() {
        return "tensorflow";
    }

    @Override
    public String formatName() {
        return "TensorFlow GraphDef";
    }

    @Override
    public List<String> fileExtensions() {
        return List.of("pb");
    }

    /**
     * A serialized GraphDef starts with its first NodeDef (field 1), whose own first field is the node
     * name (field 1) followed by the op (field 2): bytes 0x0A len 0x0A len name... 0x12.
     */
    @Override
    public boolean sniff(Path file) {
        byte[] h;
        try (InputStream in = Files.newInputStream(file)) {
            h = in.readNBytes(256);
        } catch (IOException | SecurityException e) {
            return false;
        }
        int[] pos = {0};
        if (h.length < 6 || h[pos[0]++] != 0x0A || varint(h, pos) < 0 || pos[0] >= h.length || h[pos[0]++] != 0x0A) {
            return false;
        }
        long nameLen = varint(h, pos);
        if (nameLen <= 0 || pos[0] + nameLen >= h.length) {
            return false;
        }
        for (int i = 0; i < nameLen; i++) {
            int ch = h[pos[0] + i] & 0xff;
            if (ch < 0x20 || ch > 0x7e) {
                return false;
            }
        }
        return h[pos[0] + (int) nameLen] == 0x12;
    }

    private static long varint(byte[] h, int[] pos) {
        long v = 0;
        for (int shift = 0; shift < 35 && pos[0] < h.length; shift += 7) {
            byte b = h[pos[0]++];
            v |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return v;
            }
        }
        return -1;
    }

    @Override
    public Graph load(Path file, ImportOptions options) throws EdgewiseException {
        GraphDef g = parse(file);
        if (g.getNodeCount() == 0) {
            throw new EdgewiseException(ErrorCode.NOT_A_MODEL, file + ": not a TensorFlow GraphDef (no node found)");
        }
        long batch = 1;
        var b = options.property("batch");
        if (b.isPresent()) {
            try {
                batch = Long.parseLong(b.get().trim());
            } catch (NumberFormatException e) {
                batch = -1;
            }
            if (batch <= 0) {
                throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, file + ": option batch='" + b.get()
                    + "' is not a positive integer");
            }
        }
        return new TfGraphConverter(file, g, batch).convert();
    }

    private static GraphDef parse(Path file) throws EdgewiseException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                throw new EdgewiseException(ErrorCode.FILE_EMPTY, file + ": file is empty (0 bytes)");
            }
            if (size > Integer.MAX_VALUE) {
                throw new EdgewiseException(ErrorCode.UNSUPPORTED, file + ": " + size + " bytes; a GraphDef cannot exceed 2 GB");
            }
            MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            CodedInputStream in = CodedInputStream.newInstance(buf);
            in.enableAliasing(true);
            in.setSizeLimit(Integer.MAX_VALUE);
            return GraphDef.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("truncated") || m.contains("ended unexpectedly")) {
                throw new EdgewiseException(ErrorCode.TRUNCATED, file + ": truncated TensorFlow GraphDef (the protobuf"
                    + " ends in the middle of a field)", e);
            }
            throw new EdgewiseException(ErrorCode.NOT_A_MODEL, file + ": not a TensorFlow GraphDef (invalid protobuf: "
                + e.getMessage() + ")", e);
        } catch (NoSuchFileException e) {
            throw new EdgewiseException(ErrorCode.FILE_NOT_FOUND, file + ": no such file", e);
        } catch (IOException e) {
            throw new EdgewiseException(ErrorCode.IO_ERROR, file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
