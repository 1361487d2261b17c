package dev.edgewise.app.cli;

import java.util.Locale;

/** Compact numbers for people: 1.23K/M/G for counts, KiB/MiB/GiB for bytes. */
final class HumanUnits {
    private HumanUnits() {
    }

    static String count(long n) {
        return scaled(n, 1000, new String[] {"", "K", "M", "G", "T", "P"});
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        return scaled(n, 1024, new String[] {" B", " KiB", " MiB", " GiB", " TiB", " PiB"});
    }

    static String microjoules(double uj) {
        if (uj >= 1e6) {
            return String.format(Locale.ROOT, "%.3g J", uj / 1e6);
        }
        if (uj >= 1e3) {
            return String.format(Locale.ROOT, "%.3g mJ", uj / 1e3);
        }
        return String.format(Locale.ROOT, "%.3g uJ", uj);
    }

    static String percent(long part, long whole) {
        return whole == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * part / whole);
    }

    private static String scaled(long n, int base, String[] units) {
        if (n < base) {
            return n + units[0];
        }
        double v = n;
        int u = 0;
        while (v >= base && u < units.length - 1) {
            v /= base;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f%s" : v >= 10 ? "%.1f%s" : "%.2f%s", v, units[u]);
    }
}
