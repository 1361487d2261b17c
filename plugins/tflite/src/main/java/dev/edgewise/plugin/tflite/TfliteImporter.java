package dev.edgewise.plugin.tflite;

import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.spi.ModelImporter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;

/**
 * TensorFlow Lite FlatBuffers ({@code .tflite}). The file is memory-mapped; constant tensors are lazy
 * views of the mapping. Layout: TFLite is NHWC; every spatial op (conv, depthwise conv, pools) is
 * wrapped in explicit Transpose nodes (NHWC to NCHW and back) around an ONNX-style NCHW node, and its
 * weights are given in ONNX order (OIHW, permuted lazily), so shapes and costs match ONNX exactly.
 */
public final class TfliteImporter implements ModelImporter {
    @Override
    public String id() {
        return "tflite";
    }

    @Override
    public String formatName() {
        return "TensorFlow Lite";
    }

    @Override
    public List<String> fileExtensions() {
        return List.of("tflite");
    }

    /** The FlatBuffers file identifier "TFL3" sits at bytes 4..7. */
    @Override
    public boolean sniff(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(8);
            return head.length == 8 && Arrays.equals(Arrays.copyOfRange(head, 4, 8),
                TfliteSchema.IDENTIFIER.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    @Override
    public Graph load(Path file, ImportOptions options) throws EdgewiseException {
        MappedByteBuffer buf = map(file);
        if (buf.capacity() < 8 || !TfliteSchema.IDENTIFIER.equals(identifier(buf))) {
            throw new EdgewiseException(ErrorCode.NOT_A_MODEL, file + ": not a TensorFlow Lite model (no \"TFL3\""
                + " FlatBuffers identifier at byte 4)");
        }
        try {
            return new TfliteGraphConverter(file, buf).convert();
        } catch (IndexOutOfBoundsException | IllegalArgumentException | java.nio.BufferUnderflowException e) {
            throw new EdgewiseException(ErrorCode.TRUNCATED, file + ": truncated or corrupt TensorFlow Lite file (an"
                + " offset points outside the " + buf.capacity() + "-byte file" + (e.getMessage() == null ? ""
                : ": " + e.getMessage()) + ")", e);
        }
    }

    private static String identifier(MappedByteBuffer buf) {
        byte[] id = new byte[4];
        for (int i = 0; i < 4; i++) {
            id[i] = buf.get(4 + i);
        }
        return new String(id, StandardCharsets.US_ASCII);
    }

    private static MappedByteBuffer map(Path file) throws EdgewiseException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                throw new EdgewiseException(ErrorCode.FILE_EMPTY, file + ": file is empty (0 bytes)");
            }
            if (size > Integer.MAX_VALUE) {
                throw new EdgewiseException(ErrorCode.UNSUPPORTED, file + ": " + size + " bytes; TensorFlow Lite files"
                    + " over 2 GB are not supported");
            }
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            m.order(ByteOrder.LITTLE_ENDIAN);
            return m;
        } catch (NoSuchFileException e) {
            throw new EdgewiseException(ErrorCode.FILE_NOT_FOUND, file + ": no such file", e);
        } catch (IOException e) {
            throw new EdgewiseException(ErrorCode.IO_ERROR, file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
