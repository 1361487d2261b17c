package dev.edgewise.core.report;

import java.util.Locale;

/** Number formatting shared by the writers, locale-independent so reports read the same everywhere. */
final class Fmt {
    private static final String[] SI = {"", " k", " M", " G", " T", " P", " E"};
    private static final String[] BINARY = {" B", " KiB", " MiB", " GiB", " TiB", " PiB", " EiB"};

    private Fmt() {
    }

    /** Exact integer with thousands separators: 1,234,567. */
    static String count(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }

    /** Three significant digits with an SI prefix: 1.23 M, 456 k, 12. */
    static String si(double v) {
        double a = Math.abs(v);
        int i = 0;
        while (a >= 999.5 && i < SI.length - 1) {
            a /= 1000;
            v /= 1000;
            i++;
        }
        if (i == 0 && v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%.0f", v); // whole counts below 1000 print as they are: 80, not 80.0
        }
        return threeDigits(v) + SI[i];
    }

    /** Bytes with a binary prefix: 512 B, 1.50 KiB, 3.21 MiB. */
    static String bytes(long v) {
        double d = v;
        int i = 0;
        while (Math.abs(d) >= 1023.5 && i < BINARY.length - 1) {
            d /= 1024;
            i++;
        }
        return (i == 0 ? Long.toString(v) : threeDigits(d)) + BINARY[i];
    }

    /** A fraction as a percentage with one decimal: 0.4521 -> 45.2%. */
    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100.0 * fraction);
    }

    /** A signed percentage change, "n/a" when undefined: +12.5%, -50.0%. */
    static String signedPercent(double pct) {
        return Double.isFinite(pct) ? String.format(Locale.ROOT, "%+.1f%%", pct) : "n/a";
    }

    /** A fixed number of decimals: dec(3.14159, 2) = 3.14. */
    static String dec(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** Three significant digits without exponent notation for ordinary magnitudes. */
    static String threeDigits(double v) {
        double a = Math.abs(v);
        if (a == 0) {
            return "0";
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 0.01) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.2e", v);
    }

    /** A value that may be absent: "n/a" for null. */
    static String maybe(Double v, int decimals) {
        return v == null ? "n/a" : dec(v, decimals);
    }
}
