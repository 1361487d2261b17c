package dev.edgewise.app.cli;

import java.util.ArrayList;
import java.util.List;

/** Aligned plain-text columns: the first {@code leftColumns} left-aligned, the rest right-aligned. */
final class TextTable {
    private final String[] headers;
    private final List<String[]> rows = new ArrayList<>();

    TextTable(String... headers) {
        this.headers = headers;
    }

    void row(String... cells) {
        rows.add(cells);
    }

    String render(int leftColumns) {
        int[] width = new int[headers.length];
        for (int c = 0; c < headers.length; c++) {
            width[c] = headers[c].length();
            for (String[] r : rows) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, headers, width, leftColumns);
        int total = 0;
        for (int w : width) {
            total += w + 2;
        }
        sb.append("-".repeat(Math.max(0, total - 2))).append('\n');
        for (String[] r : rows) {
            line(sb, r, width, leftColumns);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] width, int leftColumns) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            String s = cells[c];
            String pad = " ".repeat(width[c] - s.length());
            l.append(c < leftColumns ? s + pad : pad + s);
            if (c < cells.length - 1) {
                l.append("  ");
            }
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }
}
