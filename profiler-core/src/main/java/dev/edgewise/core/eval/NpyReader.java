package dev.edgewise.core.eval;

import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads NumPy .npy files (format versions 1, 2 and 3): little-endian float32 or float64, C order.
 * The first axis indexes samples unless the whole array is exactly one sample.
 */
public final class NpyReader {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private NpyReader() {
    }

    public static Dataset read(Path file, long elements) throws EdgewiseException {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new EdgewiseException(ErrorCode.IO_ERROR, file + ": cannot read: " + e.getMessage(), e);
        }
        ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < MAGIC.length; i++) {
            if (all.length < 10 || all[i] != MAGIC[i]) {
                throw new EdgewiseException(ErrorCode.NOT_A_MODEL, file + ": not a .npy file (bad magic)");
            }
        }
        int major = all[6];
        int headerLen = major == 1 ? Short.toUnsignedInt(b.getShort(8)) : b.getInt(8);
        int dataStart = (major == 1 ? 10 : 12) + headerLen;
        if (major < 1 || major > 3 || dataStart > all.length) {
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, file + ": unsupported or truncated .npy header (version " + major + ")");
        }
        String header = new String(all, major == 1 ? 10 : 12, headerLen,
            major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, file, "descr");
        if (group(FORTRAN, header, file, "fortran_order").equals("True")) {
            throw new EdgewiseException(ErrorCode.UNSUPPORTED, file + ": Fortran-order arrays are not supported; save with C order");
        }
        long total = 1;
        List<Long> shape = new ArrayList<>();
        for (String d : group(SHAPE, header, file, "shape").split(",")) {
            if (!d.isBlank()) {
                shape.add(Long.parseLong(d.trim()));
                total *= shape.get(shape.size() - 1);
            }
        }
        int width = switch (descr) {
            case "<f4", "|f4" -> 4;
            case "<f8", "|f8" -> 8;
            default -> throw new EdgewiseException(ErrorCode.UNSUPPORTED, file + ": dtype '" + descr
                + "' is not supported (little-endian float32 '<f4' or float64 '<f8' only)");
        };
        if ((long) all.length - dataStart < total * width) {
            throw new EdgewiseException(ErrorCode.TRUNCATED, file + ": data holds " + (all.length - dataStart)
                + " bytes, the header promises " + total * width);
        }
        if (total % elements != 0) {
            throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, file + ": shape " + shape + " (" + total
                + " values) is not a whole number of samples of " + elements + " values");
        }
        List<float[]> samples = new ArrayList<>();
        int pos = dataStart;
        for (long s = 0; s < total / elements; s++) {
            float[] v = new float[(int) elements];
            for (int i = 0; i < v.length; i++, pos += width) {
                v[i] = width == 4 ? b.getFloat(pos) : (float) b.getDouble(pos);
            }
            samples.add(v);
        }
        return new Dataset(samples, null, file.toString(), false);
    }

    private static String group(Pattern p, String header, Path file, String key) throws EdgewiseException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new EdgewiseException(ErrorCode.CORRUPT_MODEL, file + ": .npy header has no '" + key + "': " + header.trim());
        }
        return m.group(1);
    }
}
