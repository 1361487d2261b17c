package dev.edgewise.core.eval;

import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Input samples for calibration and evaluation, each the flat row-major values of the model's
 * single input, with integer labels when the source has them. {@code random} marks seeded random
 * inputs: accuracy measured on them means nothing, and every user of them must say so.
 */
public record Dataset(List<float[]> samples, int[] labels, String source, boolean random) {
    public static final String RANDOM_WARNING = "WARNING: calibrating/evaluating on RANDOM inputs: "
        + "accuracy and error figures are meaningless for real data";

    public Dataset {
        samples = List.copyOf(samples);
        if (labels != null && labels.length != samples.size()) {
            throw new IllegalArgumentException("labels (" + labels.length + ") and samples (" + samples.size() + ") differ");
        }
    }

    public int size() {
        return samples.size();
    }

    public boolean hasLabels() {
        return labels != null;
    }

    public Dataset first(int n) {
        int k = Math.min(n, size());
        return new Dataset(samples.subList(0, k), labels == null ? null : java.util.Arrays.copyOf(labels, k), source, random);
    }

    /**
     * The data source for a path: a folder is read as images ({@link ImageFolder}, converted to the
     * input's NCHW shape with {@code images}), a file as CSV or .npy by extension.
     */
    public static Dataset load(Path path, long[] inputShape, ImagePreprocessing images) throws EdgewiseException {
        if (Files.isDirectory(path)) {
            return ImageFolder.read(path, inputShape, images == null ? ImagePreprocessing.DEFAULT : images);
        }
        long elements = 1;
        for (long d : inputShape) {
            elements *= d;
        }
        return load(path, elements);
    }

    /** CSV (.csv) or NumPy (.npy) by extension; {@code elements} is the size of one input sample. */
    public static Dataset load(Path file, long elements) throws EdgewiseException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!Files.isRegularFile(file)) {
            throw new EdgewiseException(ErrorCode.FILE_NOT_FOUND, file + ": no such data file");
        }
        if (name.endsWith(".npy")) {
            return NpyReader.read(file, elements);
        }
        if (name.endsWith(".csv") || name.endsWith(".txt")) {
            return readCsv(file, elements);
        }
        throw new EdgewiseException(ErrorCode.UNSUPPORTED, file + ": unknown data format (expected .csv or .npy)");
    }

    /**
     * One sample per row; a row of {@code elements + 1} values starts with its integer label, a row of
     * {@code elements} values has none. Every row must agree.
     */
    public static Dataset readCsv(Path file, long elements) throws EdgewiseException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new EdgewiseException(ErrorCode.IO_ERROR, file + ": cannot read: " + e.getMessage(), e);
        }
        List<float[]> samples = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        Boolean labelled = null;
        for (int ln = 0; ln < lines.size(); ln++) {
            String line = lines.get(ln).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("[,;\\s]+");
            boolean hasLabel = f.length == elements + 1;
            if (!hasLabel && f.length != elements) {
                throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, file + " line " + (ln + 1) + ": " + f.length
                    + " values, but the model input has " + elements + " (or " + (elements + 1) + " with a label first)");
            }
            if (labelled != null && labelled != hasLabel) {
                throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, file + " line " + (ln + 1)
                    + ": rows mix labelled and unlabelled samples");
            }
            labelled = hasLabel;
            int off = hasLabel ? 1 : 0;
            float[] v = new float[(int) elements];
            try {
                if (hasLabel) {
                    labels.add(Integer.parseInt(f[0]));
                }
                for (int i = 0; i < v.length; i++) {
                    v[i] = Float.parseFloat(f[i + off]);
                }
            } catch (NumberFormatException e) {
                throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, file + " line " + (ln + 1) + ": not a number: "
                    + e.getMessage(), e);
            }
            samples.add(v);
        }
        if (samples.isEmpty()) {
            throw new EdgewiseException(ErrorCode.FILE_EMPTY, file + ": no samples");
        }
        int[] l = Boolean.TRUE.equals(labelled) ? labels.stream().mapToInt(Integer::intValue).toArray() : null;
        return new Dataset(samples, l, file.toString(), false);
    }

    /** Seeded uniform [0, 1) inputs; callers must print {@link #RANDOM_WARNING}. */
    public static Dataset random(int count, long elements, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<float[]> s = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] v = new float[(int) elements];
            for (int j = 0; j < v.length; j++) {
                v[j] = (float) r.nextDouble();
            }
            s.add(v);
        }
        return new Dataset(s, null, "random(seed=" + seed + ")", true);
    }
}
