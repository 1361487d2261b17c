package dev.edgewise.viewer.metric;

import javafx.scene.paint.Color;

/**
 * Maps a metric value to a colour on a perceptually ordered ramp (dark blue, teal, yellow-green,
 * yellow, similar to viridis). Per-layer costs span several decades, so the scale is logarithmic
 * between the smallest positive value and the largest; zero and missing values stay neutral.
 */
public final class ColorScale {
    private static final Color[] STOPS = {
        Color.web("#3b2f80"), Color.web("#2c6e8e"), Color.web("#21a585"), Color.web("#7ad151"), Color.web("#fde725")
    };

    private final double logMin;
    private final double logMax;

    public ColorScale(double minPositive, double max) {
        double lo = minPositive > 0 ? minPositive : 1;
        double hi = Math.max(max, lo);
        this.logMin = Math.log10(lo);
        this.logMax = Math.log10(hi);
    }

    public static ColorScale forMetric(LayerMetric metric) {
        return new ColorScale(metric.minPositive(), metric.max());
    }

    /** Position of the value on the scale, 0..1; NaN for values that have no colour (zero, negative). */
    public double position(double value) {
        if (!(value > 0)) {
            return Double.NaN;
        }
        if (logMax - logMin < 1e-12) {
            return 1;
        }
        double t = (Math.log10(value) - logMin) / (logMax - logMin);
        return Math.max(0, Math.min(1, t));
    }

    /** The ramp colour, or null when the value has no position (caller draws it neutral). */
    public Color color(double value) {
        double t = position(value);
        return Double.isNaN(t) ? null : ramp(t);
    }

    public static Color ramp(double t) {
        double x = Math.max(0, Math.min(1, t)) * (STOPS.length - 1);
        int i = Math.min((int) Math.floor(x), STOPS.length - 2);
        return STOPS[i].interpolate(STOPS[i + 1], x - i);
    }

    /** Ramp colours are light at the top; text on them needs to switch to dark. */
    public static Color textOn(Color fill) {
        double luminance = 0.2126 * fill.getRed() + 0.7152 * fill.getGreen() + 0.0722 * fill.getBlue();
        return luminance > 0.55 ? Color.web("#1b1b1f") : Color.WHITE;
    }

    public double minValue() {
        return Math.pow(10, logMin);
    }

    public double maxValue() {
        return Math.pow(10, logMax);
    }
}
