package dev.edgewise.core.eval;

import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Samples from a folder of images (PNG, JPEG, BMP via javax.imageio): either images directly in
 * the folder (unlabelled, for calibration) or one subfolder per class (labelled). The label is the
 * subfolder name when every name is an integer, else the index of the name in sorted order.
 * Each image becomes one NCHW float sample: grey or RGB as the input's channel count (1 or 3)
 * asks, resized bilinearly to the input's H x W, then scaled and normalised.
 */
public final class ImageFolder {
    private ImageFolder() {
    }

    /** {@code inputShape} is the model input's static shape, [N, C, H, W] with C 1 or 3. */
    public static Dataset read(Path folder, long[] inputShape, ImagePreprocessing prep) throws EdgewiseException {
        if (inputShape.length != 4 || (inputShape[1] != 1 && inputShape[1] != 3)) {
            throw new EdgewiseException(ErrorCode.UNSUPPORTED, folder + ": image folders need a model input of layout"
                + " NCHW with 1 or 3 channels, this input has shape " + java.util.Arrays.toString(inputShape));
        }
        int c = (int) inputShape[1];
        int h = (int) inputShape[2];
        int w = (int) inputShape[3];
        List<Path> dirs = list(folder).stream().filter(Files::isDirectory).toList();
        List<Path> images = list(folder).stream().filter(ImageFolder::isImage).toList();
        if (!dirs.isEmpty() && !images.isEmpty()) {
            throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, folder + ": holds both images and subfolders;"
                + " use images only (unlabelled) or one subfolder per class (labelled)");
        }
        List<float[]> samples = new ArrayList<>();
        if (dirs.isEmpty()) {
            if (images.isEmpty()) {
                throw new EdgewiseException(ErrorCode.FILE_EMPTY, folder + ": no images (.png .jpg .jpeg .bmp) and no class subfolders");
            }
            for (Path p : images) {
                samples.add(sample(p, c, h, w, prep));
            }
            return new Dataset(samples, null, folder.toString(), false);
        }
        List<Integer> labels = new ArrayList<>();
        boolean numeric = dirs.stream().allMatch(d -> d.getFileName().toString().matches("\\d+"));
        for (int k = 0; k < dirs.size(); k++) {
            Path dir = dirs.get(k);
            int label = numeric ? Integer.parseInt(dir.getFileName().toString()) : k;
            List<Path> files = list(dir).stream().filter(ImageFolder::isImage).toList();
            if (files.isEmpty()) {
                throw new EdgewiseException(ErrorCode.FILE_EMPTY, dir + ": class folder has no images (.png .jpg .jpeg .bmp)");
            }
            for (Path p : files) {
                samples.add(sample(p, c, h, w, prep));
                labels.add(label);
            }
        }
        return new Dataset(samples, labels.stream().mapToInt(Integer::intValue).toArray(), folder.toString(), false);
    }

    private static List<Path> list(Path folder) throws EdgewiseException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw new EdgewiseException(ErrorCode.IO_ERROR, folder + ": cannot list folder: " + e.getMessage(), e);
        }
    }

    private static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return Files.isRegularFile(p) && (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".bmp"));
    }

    static float[] sample(Path file, int channels, int h, int w, ImagePreprocessing prep) throws EdgewiseException {
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, file + ": cannot read image: " + e.getMessage(), e);
        }
        if (img == null) {
            throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, file + ": not a readable PNG/JPEG/BMP image");
        }
        float[][] planes = planes(img, channels);
        if (prep.order().equals("bgr") && channels == 3) {
            float[] r = planes[0];
            planes[0] = planes[2];
            planes[2] = r;
        }
        float[] out = new float[channels * h * w];
        for (int c = 0; c < channels; c++) {
            float[] resized = Bilinear.resize(planes[c], img.getWidth(), img.getHeight(), w, h);
            double mean = prep.meanOf(c, channels);
            double std = prep.stdOf(c, channels);
            for (int i = 0; i < resized.length; i++) {
                out[c * h * w + i] = (float) ((resized[i] * prep.scale() - mean) / std);
            }
        }
        return out;
    }

    /**
     * Pixel values 0..255 per channel, R G B order (or one grey plane). Single-band images are read
     * from the raster, not through getRGB, whose colour conversion would change grey levels.
     */
    private static float[][] planes(BufferedImage img, int channels) {
        int w = img.getWidth();
        int h = img.getHeight();
        Raster r = img.getRaster();
        float[][] rgb = new float[3][w * h];
        if (r.getNumBands() <= 2 && img.getColorModel().getNumColorComponents() == 1) {
            double max = (1 << img.getColorModel().getComponentSize(0)) - 1;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = (float) (r.getSample(x, y, 0) * 255.0 / max);
                    rgb[0][y * w + x] = v;
                    rgb[1][y * w + x] = v;
                    rgb[2][y * w + x] = v;
                }
            }
        } else {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = img.getRGB(x, y);
                    rgb[0][y * w + x] = (p >> 16) & 0xff;
                    rgb[1][y * w + x] = (p >> 8) & 0xff;
                    rgb[2][y * w + x] = p & 0xff;
                }
            }
        }
        if (channels == 3) {
            return rgb;
        }
        float[] grey = new float[w * h];
        for (int i = 0; i < grey.length; i++) {
            // ITU-R BT.601 luma, the usual RGB -> grey weights
            grey[i] = (float) (0.299 * rgb[0][i] + 0.587 * rgb[1][i] + 0.114 * rgb[2][i]);
        }
        return new float[][] {grey};
    }

    /** Bilinear resize with half-pixel centres (as ONNX Resize, coordinate mode half_pixel). */
    static final class Bilinear {
        private Bilinear() {
        }

        static float[] resize(float[] src, int sw, int sh, int dw, int dh) {
            if (sw == dw && sh == dh) {
                return src;
            }
            float[] dst = new float[dw * dh];
            for (int y = 0; y < dh; y++) {
                double fy = Math.max(0, (y + 0.5) * sh / dh - 0.5);
                int y0 = Math.min((int) fy, sh - 1);
                int y1 = Math.min(y0 + 1, sh - 1);
                double wy = fy - y0;
                for (int x = 0; x < dw; x++) {
                    double fx = Math.max(0, (x + 0.5) * sw / dw - 0.5);
                    int x0 = Math.min((int) fx, sw - 1);
                    int x1 = Math.min(x0 + 1, sw - 1);
                    double wx = fx - x0;
                    double top = src[y0 * sw + x0] * (1 - wx) + src[y0 * sw + x1] * wx;
                    double bottom = src[y1 * sw + x0] * (1 - wx) + src[y1 * sw + x1] * wx;
                    dst[y * dw + x] = (float) (top * (1 - wy) + bottom * wy);
                }
            }
            return dst;
        }
    }
}
