package dev.edgewise.plugin.caffe;

import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.spi.ModelImporter;
import dev.edgewise.plugin.caffe.proto.CaffeProtos.NetParameter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Caffe deploy networks: a {@code .prototxt} (protobuf text) with, optionally, its {@code .caffemodel}
 * weights (binary protobuf). Options: {@code weights} (path of the .caffemodel; otherwise a
 * {@code <stem>.caffemodel} next to the prototxt is used when present) and {@code batch} (replaces the
 * batch dimension of every input; deploy files often say 10). Without weights every parameter tensor
 * is a lazily-zero tensor of the right shape, so parameter and operation counts stay exact.
 */
public final class CaffeImporter implements ModelImporter {
    /** Statements that open a Caffe net definition; other protobuf text files (solvers, TF pbtxt) have none. */
    private static final Pattern NET_STATEMENT = Pattern.compile(
        "(?m)^\\s*(layers?\\s*\\{|input\\s*:|input_dim\\s*:|input_shape\\s*\\{)");
    private static final int SNIFF_BYTES = 8192;

    @Override
    public String id() {
        return "caffe";
    }

    @Override
    public String formatName() {
        return "Caffe";
    }

    @Override
    public List<String> fileExtensions() {
        return List.of("prototxt");
    }

    @Override
    public boolean sniff(Path file) {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(SNIFF_BYTES);
        } catch (IOException | SecurityException e) {
            return false;
        }
        for (byte b : head) {
            if (b == 0) {
                return false;
            }
        }
        String text = new String(head, StandardCharsets.UTF_8).replaceAll("#[^\\n]*", "");
        return NET_STATEMENT.matcher(text).find();
    }

    @Override
    public Graph load(Path file, ImportOptions options) throws EdgewiseException {
        NetParameter net = CaffeNetReader.readText(file);
        Path weightsFile = weightsFile(file, options);
        CaffeWeights weights = weightsFile == null ? CaffeWeights.none() : CaffeWeights.read(weightsFile);
        Long batch = batch(file, options);
        return new CaffeGraphConverter(file, net, weights, batch).convert();
    }

    private static Path weightsFile(Path prototxt, ImportOptions options) throws EdgewiseException {
        var explicit = options.property("weights");
        if (explicit.isPresent()) {
            Path w = Path.of(explicit.get());
            if (!w.isAbsolute() && prototxt.toAbsolutePath().getParent() != null && !Files.exists(w)) {
                w = prototxt.toAbsolutePath().getParent().resolve(w);
            }
            if (!Files.isRegularFile(w)) {
                throw new EdgewiseException(ErrorCode.FILE_NOT_FOUND, w + ": weights file for " + prototxt
                    + " not found (option weights)");
            }
            return w;
        }
        String name = prototxt.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot < 0 ? name : name.substring(0, dot);
        Path sibling = prototxt.resolveSibling(stem + ".caffemodel");
        return Files.isRegularFile(sibling) ? sibling : null;
    }

    private static Long batch(Path file, ImportOptions options) throws EdgewiseException {
        var b = options.property("batch");
        if (b.isEmpty()) {
            return null;
        }
        try {
            long v = Long.parseLong(b.get().trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below with the valid range
        }
        throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, file + ": option batch='" + b.get()
            + "' is not a positive integer");
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
