package dev.edgewise.core.report;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** The per-layer table in topological order, with the origin of its counted and estimated columns. */
public record LayerTable(List<LayerRow> rows, Origin counts, Origin energy) {
    public LayerTable {
        rows = List.copyOf(rows == null ? List.of() : rows);
        Objects.requireNonNull(counts, "counts origin");
        Objects.requireNonNull(energy, "energy origin");
    }

    /** At most {@code n} layers with MACs, largest first; ties keep topological order. */
    public List<LayerRow> topByMacs(int n) {
        return rows.stream().filter(r -> r.macs() > 0)
            .sorted(Comparator.comparingLong(LayerRow::macs).reversed()).limit(n).toList();
    }

    /** At most {@code n} layers with parameters, largest first; ties keep topological order. */
    public List<LayerRow> topByParams(int n) {
        return rows.stream().filter(r -> r.params() > 0)
            .sorted(Comparator.comparingLong(LayerRow::params).reversed()).limit(n).toList();
    }
}
