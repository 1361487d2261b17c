package dev.edgewise.core.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.ModelMetadata;
import dev.edgewise.core.onnx.proto.OnnxProtos.ModelProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.OperatorSetIdProto;
import dev.edgewise.core.onnx.proto.OnnxProtos.StringStringEntryProto;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.spi.ModelImporter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The built-in ONNX importer. The file is memory-mapped and parsed with aliasing, so weight bytes
 * stay views of the mapping (never copied into the heap); the SHA-256 is computed on a second
 * thread from plain reads, so it neither delays the parse nor inflates resident memory.
 */
public final class OnnxImporter implements ModelImporter {
    /** Opsets of the default domain this importer and the shape inference are written against. */
    public static final int MIN_OPSET = 7;
    public static final int MAX_OPSET = 23;

    @Override
    public String id() {
        return "onnx";
    }

    @Override
    public String formatName() {
        return "ONNX";
    }

    @Override
    public List<String> fileExtensions() {
        return List.of("onnx");
    }

    /** ModelProto files start with field 1 (ir_version, varint) in every exporter we know of. */
    @Override
    public boolean sniff(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(2);
            return head.length == 2 && head[0] == 0x08 && head[1] > 0 && head[1] < 16;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    @Override
    public Graph load(Path file, ImportOptions options) throws EdgewiseException {
        long size = checkReadable(file);
        // A thread of its own, not the common pool: on two cores that pool has a single worker,
        // which other start-up work may hold, and the hash is the longest step of a large load.
        CompletableFuture<String> hash = new CompletableFuture<>();
        Thread hasher = new Thread(() -> {
            try {
                hash.complete(FileHashes.sha256(file));
            } catch (IOException | RuntimeException e) {
                hash.completeExceptionally(e);
            }
        }, "edgewise-sha256");
        hasher.setDaemon(true);
        hasher.start();
        ModelProto model = parse(file, size);
        if (!model.hasGraph() || (model.getIrVersion() <= 0 && model.getOpsetImportCount() == 0)) {
            throw new EdgewiseException(ErrorCode.NOT_A_MODEL, file + ": not an ONNX model (no graph and no"
                + " IR version found in the protobuf)");
        }
        Map<String, Long> opsets = new LinkedHashMap<>();
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            String d = o.getDomain().equals("ai.onnx") ? "" : o.getDomain();
            opsets.put(d, o.getVersion());
        }
        if (!opsets.containsKey("") && model.getIrVersion() < 3) {
            opsets.put("", 1L);
        }
        Map<String, String> props = new LinkedHashMap<>();
        for (StringStringEntryProto p : model.getMetadataPropsList()) {
            props.put(p.getKey(), p.getValue());
        }
        ModelMetadata meta = new ModelMetadata(file.toString(), "onnx", model.getProducerName(),
            model.getProducerVersion(), model.getIrVersion(), opsets, "", props);
        Path dir = file.toAbsolutePath().getParent();
        Graph g = new OnnxGraphConverter(file.toString(), dir, meta).convert(model.getGraph());
        return g.toBuilder().metadata(meta.withSha256(join(hash, file))).buildValid();
    }

    private static long checkReadable(Path file) throws EdgewiseException {
        try {
            long size = Files.size(file);
            if (size == 0) {
                throw new EdgewiseException(ErrorCode.FILE_EMPTY, file + ": file is empty (0 bytes)");
            }
            if (size > Integer.MAX_VALUE) {
                throw new EdgewiseException(ErrorCode.UNSUPPORTED, file + ": " + size + " bytes; an ONNX protobuf"
                    + " file cannot exceed 2 GB, larger models keep their weights as external data");
            }
            return size;
        } catch (NoSuchFileException e) {
            throw new EdgewiseException(ErrorCode.FILE_NOT_FOUND, file + ": no such file", e);
        } catch (IOException e) {
            throw new EdgewiseException(ErrorCode.IO_ERROR, file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static ModelProto parse(Path file, long size) throws EdgewiseException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            MappedByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            // Wrapping as an immutable ByteString is what lets aliasing apply: a CodedInputStream
            // made directly from a ByteBuffer treats it as mutable and copies every bytes field.
            CodedInputStream in = UnsafeByteOperations.unsafeWrap(buf).newCodedInput();
            in.enableAliasing(true);
            in.setSizeLimit(Integer.MAX_VALUE);
            in.setRecursionLimit(200);
            return ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (msg.contains("truncated") || msg.contains("ended unexpectedly")) {
                throw new EdgewiseException(ErrorCode.TRUNCATED, file + ": truncated ONNX file (the protobuf"
                    + " ends in the middle of a field; " + size + " bytes read)", e);
            }
            throw new EdgewiseException(ErrorCode.NOT_A_MODEL, file + ": not an ONNX model (invalid protobuf: "
                + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new EdgewiseException(ErrorCode.IO_ERROR, file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static String join(CompletableFuture<String> hash, Path file) throws EdgewiseException {
        try {
            return hash.join();
        } catch (CompletionException e) {
            throw new EdgewiseException(ErrorCode.IO_ERROR, file + ": cannot read for hashing: "
                + e.getCause().getMessage(), e.getCause());
        }
    }
}
