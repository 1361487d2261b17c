package dev.edgewise.app.cli;

import dev.edgewise.app.cli.UserErrorHandler.UserInputException;
import dev.edgewise.core.eval.ImagePreprocessing;
import picocli.CommandLine.Option;

/** Options that say how a folder of images becomes model input (shared by optimize and sensitivity). */
final class ImageOptions {
    @Option(names = "--image-scale", paramLabel = "S",
        description = "Image folders: pixel (0..255) multiplier before mean/std, e.g. 1/255 (the default).")
    String scale;

    @Option(names = "--image-mean", paramLabel = "M[,M,M]",
        description = "Image folders: per-channel mean subtracted after scaling (one value for all channels; default 0).")
    String mean;

    @Option(names = "--image-std", paramLabel = "S[,S,S]",
        description = "Image folders: per-channel std divided by after the mean (default 1).")
    String std;

    @Option(names = "--image-order", paramLabel = "rgb|bgr", description = "Image folders: channel order (default rgb).")
    String order;

    boolean given() {
        return scale != null || mean != null || std != null || order != null;
    }

    /** The options over {@code base} (saved settings, or the default when null). */
    ImagePreprocessing over(ImagePreprocessing base) {
        ImagePreprocessing b = base == null ? ImagePreprocessing.DEFAULT : base;
        try {
            return new ImagePreprocessing(scale == null ? b.scale() : ImagePreprocessing.parseNumber(scale),
                mean == null ? b.mean() : ImagePreprocessing.parseList(mean),
                std == null ? b.std() : ImagePreprocessing.parseList(std), order == null ? b.order() : order);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--image-*: " + e.getMessage());
        }
    }
}
