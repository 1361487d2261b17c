package dev.edgewise.viewer.format;

import java.util.Locale;

/**
 * Human-readable numbers for views: SI prefixes for counts (MACs, params), binary prefixes for
 * bytes, and microjoule-based energy. Three significant digits keep columns scannable.
 */
public final class Units {
    private static final String[] SI = {"", " K", " M", " G", " T", " P"};
    private static final String[] BINARY = {" B", " KiB", " MiB", " GiB", " TiB"};

    private Units() {
    }

    /** 950 -> "950", 1234 -> "1.23 K", 4.1e9 -> "4.10 G". */
    public static String count(double value) {
        if (Double.isNaN(value)) {
            return "—";
        }
        double v = Math.abs(value);
        int i = 0;
        while (v >= 999.5 && i < SI.length - 1) {
            v /= 1000;
            i++;
        }
        String sign = value < 0 ? "-" : "";
        if (i == 0) {
            return sign + (v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : threeDigits(v));
        }
        return sign + threeDigits(v) + SI[i];
    }

    /** 512 -> "512 B", 1536 -> "1.50 KiB". */
    public static String bytes(double value) {
        if (Double.isNaN(value)) {
            return "—";
        }
        double v = Math.abs(value);
        int i = 0;
        while (v >= 1023.5 && i < BINARY.length - 1) {
            v /= 1024;
            i++;
        }
        String sign = value < 0 ? "-" : "";
        return sign + (i == 0 ? String.format(Locale.ROOT, "%.0f", v) : threeDigits(v)) + BINARY[i];
    }

    /** Energy given in microjoules: "850 µJ", "1.20 mJ", "3.40 J". */
    public static String microjoules(double uj) {
        if (Double.isNaN(uj)) {
            return "—";
        }
        double v = Math.abs(uj);
        if (v < 1) {
            return threeDigits(uj * 1000) + " nJ";
        }
        if (v < 1000) {
            return threeDigits(uj) + " µJ";
        }
        if (v < 1_000_000) {
            return threeDigits(uj / 1000) + " mJ";
        }
        return threeDigits(uj / 1_000_000) + " J";
    }

    /** Time given in milliseconds: "850 µs", "12.3 ms", "1.50 s". */
    public static String millis(double ms) {
        if (Double.isNaN(ms)) {
            return "—";
        }
        double v = Math.abs(ms);
        if (v < 1) {
            return threeDigits(ms * 1000) + " µs";
        }
        if (v < 1000) {
            return threeDigits(ms) + " ms";
        }
        return threeDigits(ms / 1000) + " s";
    }

    public static String percent(double fraction) {
        if (Double.isNaN(fraction)) {
            return "—";
        }
        double p = fraction * 100;
        if (p > 0 && p < 0.01) {
            return "<0.01%";
        }
        return (Math.abs(p) < 10 && p != 0 ? String.format(Locale.ROOT, "%.2f", p)
            : String.format(Locale.ROOT, "%.1f", p)) + "%";
    }

    /** Arithmetic intensity in FLOPs per byte. */
    public static String intensity(double flopsPerByte) {
        if (Double.isNaN(flopsPerByte) || Double.isInfinite(flopsPerByte)) {
            return "—";
        }
        return threeDigits(flopsPerByte) + " FLOP/B";
    }

    /** Three significant digits without scientific notation: 1.23, 12.3, 123. */
    public static String threeDigits(double v) {
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        if (a >= 99.95) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 9.995) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 0.01) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.2e", v);
    }
}
