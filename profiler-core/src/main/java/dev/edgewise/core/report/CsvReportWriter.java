package dev.edgewise.core.report;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.edgewise.core.spi.ReportWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-layer table as RFC 4180 CSV (comma, CRLF, quotes doubled, fields with commas, quotes or
 * line breaks quoted). Each row names the provenance of its figures. Columns for measured layer
 * times and per-layer optimization error are added when the report has them.
 */
public final class CsvReportWriter implements ReportWriter {
    private static final CsvMapper CSV = new CsvMapper();

    @Override
    public String id() {
        return "csv";
    }

    @Override
    public String formatName() {
        return "CSV (per-layer table)";
    }

    @Override
    public List<String> fileExtensions() {
        return List.of("csv");
    }

    @Override
    public void write(Report report, OutputStream out) throws IOException {
        Map<String, DeviceSection.LayerTime> times = layerTimes(report);
        Map<String, OptimizationSection.LayerChange> changes = layerChanges(report);
        CsvSchema schema = CsvSchema.emptySchema().withLineSeparator("\r\n");
        try (SequenceWriter w = CSV.writerFor(String[].class).with(schema)
            .without(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValues(out)) {
            w.write(header(!times.isEmpty(), !changes.isEmpty()).toArray(String[]::new));
            LayerTable table = report.layers();
            for (LayerRow r : table.rows()) {
                List<String> cells = new ArrayList<>(List.of(Long.toString(r.index()), text(r.name()), text(r.op()),
                    text(r.category()), text(r.outputShapesText()), Long.toString(r.params()),
                    Long.toString(r.macs()), Long.toString(r.flops()), Long.toString(r.weightBytes()),
                    Long.toString(r.activationBytes()), num(r.arithmeticIntensity()), num(r.energyUj()),
                    Boolean.toString(r.resolved()), text(r.note()), text(table.counts().shortLabel()),
                    text(table.energy().shortLabel())));
                if (!times.isEmpty()) {
                    addTime(cells, times.get(r.name()), report.device().layerTimesOrigin());
                }
                if (!changes.isEmpty()) {
                    addChange(cells, changes.get(r.name()), report.optimization().layerErrorOrigin());
                }
                w.write(cells.toArray(String[]::new));
            }
        }
    }

    static List<String> header(boolean withTimes, boolean withChanges) {
        List<String> h = new ArrayList<>(List.of("index", "name", "op", "category", "output_shapes", "params",
            "macs", "flops", "weight_bytes", "activation_bytes", "arithmetic_intensity", "energy_uj", "resolved",
            "note", "counts_provenance", "energy_provenance"));
        if (withTimes) {
            h.addAll(List.of("time_mean_ms", "time_share", "time_provenance"));
        }
        if (withChanges) {
            h.addAll(List.of("change", "params_after", "macs_after", "sqnr_db", "max_abs_error", "error_provenance"));
        }
        return h;
    }

    private static void addTime(List<String> cells, DeviceSection.LayerTime t, Origin origin) {
        if (t == null) {
            cells.addAll(List.of("", "", ""));
        } else {
            cells.addAll(List.of(num(t.meanMs()), num(t.share()), text(origin.shortLabel())));
        }
    }

    private static void addChange(List<String> cells, OptimizationSection.LayerChange c, Origin origin) {
        if (c == null) {
            cells.addAll(List.of("", "", "", "", "", ""));
        } else {
            cells.addAll(List.of(text(c.change()), Long.toString(c.paramsAfter()), Long.toString(c.macsAfter()),
                c.sqnrDb() == null ? "" : num(c.sqnrDb()), c.maxAbsError() == null ? "" : num(c.maxAbsError()),
                text(origin.shortLabel())));
        }
    }

    private static Map<String, DeviceSection.LayerTime> layerTimes(Report report) {
        Map<String, DeviceSection.LayerTime> m = new HashMap<>();
        if (report.device() != null) {
            report.device().layerTimes().forEach(t -> m.putIfAbsent(t.layer(), t));
        }
        return m;
    }

    private static Map<String, OptimizationSection.LayerChange> layerChanges(Report report) {
        Map<String, OptimizationSection.LayerChange> m = new HashMap<>();
        if (report.optimization() != null) {
            report.optimization().layers().forEach(c -> m.putIfAbsent(c.layer(), c));
        }
        return m;
    }

    /** Plain decimal, never exponent notation, so every spreadsheet reads it as a number. */
    static String num(double v) {
        return Double.isFinite(v) ? BigDecimal.valueOf(v).stripTrailingZeros().toPlainString() : "";
    }

    /**
     * A text cell. A cell starting with = + - @ or a control character is run as a formula by
     * spreadsheets (CSV injection); such cells get a leading apostrophe, as OWASP advises.
     */
    static String text(String s) {
        if (!s.isEmpty() && "=+-@\t\r".indexOf(s.charAt(0)) >= 0) {
            return "'" + s;
        }
        return s;
    }
}
