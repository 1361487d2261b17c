package dev.edgewise.viewer.table;

import dev.edgewise.core.analysis.LayerCost;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.StringWriter;
import java.io.Writer;
import java.util.List;
import java.util.Locale;

/**
 * Layers as RFC 4180 CSV with raw numbers (no unit prefixes) for spreadsheets; provenance is part
 * of each column name ("_counted", "_estimated") so the numbers keep their origin outside the app.
 * The same rows as tab-separated text serve the clipboard.
 */
public final class LayerCsv {
    public static final List<String> HEADER = List.of("index", "name", "op", "category", "output_shapes",
        "params_counted", "macs_counted", "flops_counted", "weight_bytes_counted", "activation_bytes_counted",
        "arithmetic_intensity_flop_per_byte", "energy_uj_estimated", "resolved", "note");

    private LayerCsv() {
    }

    public static void write(List<LayerRow> rows, Writer out) throws IOException {
        writeDelimited(rows, out, ',');
    }

    public static String toTabSeparated(List<LayerRow> rows) {
        StringWriter w = new StringWriter();
        try {
            writeDelimited(rows, w, '\t');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static void writeDelimited(List<LayerRow> rows, Writer out, char sep) throws IOException {
        out.write(join(HEADER, sep));
        out.write("\r\n");
        for (LayerRow r : rows) {
            LayerCost c = r.cost();
            boolean counts = r.hasCounts();
            List<String> cells = List.of(
                r.total() ? "" : Integer.toString(r.index()), c.name(), c.op(), c.category(), r.outputShapes(),
                counts ? Long.toString(c.params()) : "",
                counts ? Long.toString(c.macs()) : "",
                counts ? Long.toString(c.flops()) : "",
                counts ? Long.toString(c.weightBytes()) : "",
                counts ? Long.toString(c.activationBytes()) : "",
                counts ? number(c.arithmeticIntensity()) : "",
                counts ? number(c.energyUjEstimate()) : "",
                Boolean.toString(c.resolved()), c.note());
            out.write(join(cells.stream().map(s -> quote(s, sep)).toList(), sep));
            out.write("\r\n");
        }
    }

    private static String number(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "";
    }

    private static String join(List<String> cells, char sep) {
        return String.join(String.valueOf(sep), cells);
    }

    static String quote(String s, char sep) {
        if (s.indexOf(sep) >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
