package dev.edgewise.core.eval;

import java.util.Arrays;
import java.util.Locale;

/**
 * How image pixels (0..255 per channel) become model input values:
 * {@code value = (pixel * scale - mean[c]) / std[c]}, channels in {@code order} ("rgb" or "bgr").
 * Stored in the optimization settings so a run on an image folder can be repeated exactly.
 * A mean or std of one value applies to every channel.
 */
public record ImagePreprocessing(double scale, double[] mean, double[] std, String order) {
    public static final ImagePreprocessing DEFAULT = new ImagePreprocessing(1.0 / 255, new double[] {0}, new double[] {1}, "rgb");

    public ImagePreprocessing {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("image scale must be a positive number, got " + scale);
        }
        mean = mean == null || mean.length == 0 ? new double[] {0} : mean.clone();
        std = std == null || std.length == 0 ? new double[] {1} : std.clone();
        for (double s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("image std values must be positive, got " + Arrays.toString(std));
            }
        }
        order = order == null ? "rgb" : order.toLowerCase(Locale.ROOT);
        if (!order.equals("rgb") && !order.equals("bgr")) {
            throw new IllegalArgumentException("image channel order must be rgb or bgr, got '" + order + "'");
        }
    }

    /** Mean of channel {@code c} of {@code channels}; a single value serves every channel. */
    double meanOf(int c, int channels) {
        return perChannel(mean, c, channels, "mean");
    }

    double stdOf(int c, int channels) {
        return perChannel(std, c, channels, "std");
    }

    private static double perChannel(double[] v, int c, int channels, String what) {
        if (v.length == 1) {
            return v[0];
        }
        if (v.length != channels) {
            throw new IllegalArgumentException("image " + what + " has " + v.length + " values but the model input has "
                + channels + " channel(s)");
        }
        return v[c];
    }

    /** Parses "0.00392", "1/255" or "255" style numbers (a fraction is allowed for readability). */
    public static double parseNumber(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        try {
            if (slash > 0) {
                return Double.parseDouble(t.substring(0, slash)) / Double.parseDouble(t.substring(slash + 1));
            }
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: '" + text + "'", e);
        }
    }

    /** Comma-separated numbers, e.g. "0.485,0.456,0.406". */
    public static double[] parseList(String text) {
        return Arrays.stream(text.split(",")).mapToDouble(ImagePreprocessing::parseNumber).toArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImagePreprocessing p && p.scale == scale && Arrays.equals(p.mean, mean)
            && Arrays.equals(p.std, std) && p.order.equals(order);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(scale) * 31 + Arrays.hashCode(mean) * 17 + Arrays.hashCode(std) + order.hashCode();
    }

    @Override
    public String toString() {
        return "scale " + scale + ", mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std) + ", " + order;
    }
}
