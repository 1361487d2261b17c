package dev.edgewise.core.report;

import java.util.List;
import java.util.Locale;
import org.jsoup.nodes.Element;
import org.jsoup.parser.ParseSettings;
import org.jsoup.parser.Parser;
import org.jsoup.parser.Tag;

/**
 * Charts as inline SVG elements (no script, no external resource). Built through jsoup's element
 * API, so every label is a text node and escaped on output; elements are in the SVG namespace so the
 * PDF renderer recognizes them after conversion to a W3C DOM.
 */
final class SvgCharts {
    static final String[] PALETTE = {"#2f6db5", "#e08a1e", "#3a9a5b", "#c0392b", "#8e5bb5", "#7f8c8d", "#c2a42b",
        "#1f9fb0", "#d35d9c", "#5c6b2f"};
    static final int WIDTH = 720;
    private static final int LABEL_WIDTH = 190;
    private static final int BAR_HEIGHT = 14;
    private static final int BAR_GAP = 4;
    private static final int MAX_LABEL_CHARS = 30;

    private SvgCharts() {
    }

    /** One labelled value; {@code valueText} is what is printed next to the bar. */
    record Bar(String label, double value, String valueText) {
    }

    /** One part of a whole: a label and its fraction in [0, 1]. */
    record Segment(String label, double fraction) {
    }

    /** Horizontal bars scaled to the largest value. */
    static Element bars(String title, List<Bar> bars, String color) {
        int height = 24 + bars.size() * (BAR_HEIGHT + BAR_GAP) + 6;
        Element svg = svg(title, WIDTH, height);
        text(svg, 4, 14, title, "title");
        double max = bars.stream().mapToDouble(Bar::value).max().orElse(0);
        int plotWidth = WIDTH - LABEL_WIDTH - 90;
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int y = 24 + i * (BAR_HEIGHT + BAR_GAP);
            text(svg, LABEL_WIDTH - 6, y + BAR_HEIGHT - 3, shorten(b.label()), "label").attr("text-anchor", "end");
            double w = max <= 0 ? 0 : plotWidth * Math.max(0, b.value()) / max;
            Element rect = rect(svg, LABEL_WIDTH, y, Math.max(w, 0.5), BAR_HEIGHT, color);
            node(rect, "title").text(b.label() + ": " + b.valueText());
            text(svg, LABEL_WIDTH + w + 4, y + BAR_HEIGHT - 3, b.valueText(), "value");
        }
        return svg;
    }

    /** One 100% stacked bar per row ("params", "MACs"), sharing one legend of segments. */
    static Element stackedShares(String title, List<String> rowLabels, List<List<Segment>> rows) {
        int legendRows = rows.isEmpty() ? 0 : (rows.get(0).size() + 3) / 4;
        int height = 24 + rows.size() * 26 + legendRows * 18 + 10;
        Element svg = svg(title, WIDTH, height);
        text(svg, 4, 14, title, "title");
        int plotWidth = WIDTH - 100 - 20;
        for (int r = 0; r < rows.size(); r++) {
            int y = 24 + r * 26;
            text(svg, 94, y + 14, rowLabels.get(r), "label").attr("text-anchor", "end");
            double x = 100;
            List<Segment> segments = rows.get(r);
            for (int i = 0; i < segments.size(); i++) {
                Segment s = segments.get(i);
                double w = plotWidth * clamp01(s.fraction());
                if (w > 0) {
                    Element rect = rect(svg, x, y, w, 20, PALETTE[i % PALETTE.length]);
                    node(rect, "title").text(s.label() + ": " + Fmt.percent(s.fraction()));
                }
                x += w;
            }
        }
        if (!rows.isEmpty()) {
            List<Segment> legend = rows.get(0);
            for (int i = 0; i < legend.size(); i++) {
                double lx = 100 + (i % 4) * 150;
                int ly = 24 + rows.size() * 26 + (i / 4) * 18 + 4;
                rect(svg, lx, ly, 10, 10, PALETTE[i % PALETTE.length]);
                text(svg, lx + 14, ly + 9, shorten(legend.get(i).label()), "label");
            }
        }
        return svg;
    }

    /** A line over (x, y) points with min/max labelled axes; x and y units are named in the axis titles. */
    static Element line(String title, double[] xs, double[] ys, String xTitle, String yTitle, String color) {
        int height = 200;
        int left = 64;
        int right = 16;
        int top = 24;
        int bottom = 36;
        Element svg = svg(title, WIDTH, height);
        text(svg, 4, 14, title, "title");
        double xMin = min(xs);
        double xMax = max(xs);
        double yMin = Math.min(0, min(ys));
        double yMax = max(ys);
        double plotW = WIDTH - left - right;
        double plotH = height - top - bottom;
        axes(svg, left, top, plotW, plotH);
        for (int t = 0; t <= 4; t++) {
            double v = yMin + (yMax - yMin) * t / 4;
            double y = top + plotH - plotH * t / 4;
            text(svg, left - 4, y + 3, Fmt.threeDigits(v), "tick").attr("text-anchor", "end");
        }
        text(svg, left, height - 20, Fmt.threeDigits(xMin), "tick");
        text(svg, left + plotW, height - 20, Fmt.threeDigits(xMax), "tick").attr("text-anchor", "end");
        text(svg, left + plotW / 2, height - 6, xTitle, "label").attr("text-anchor", "middle");
        text(svg, left + 4, top + 10, yTitle, "label");
        StringBuilder pts = new StringBuilder();
        for (int i = 0; i < xs.length; i++) {
            double x = left + (xMax > xMin ? plotW * (xs[i] - xMin) / (xMax - xMin) : plotW / 2);
            double y = top + plotH - (yMax > yMin ? plotH * (ys[i] - yMin) / (yMax - yMin) : plotH / 2);
            pts.append(num(x)).append(',').append(num(y)).append(' ');
        }
        node(svg, "polyline").attr("points", pts.toString().trim()).attr("fill", "none").attr("stroke", color)
            .attr("stroke-width", "1.5");
        return svg;
    }

    private static void axes(Element svg, int left, int top, double w, double h) {
        node(svg, "line").attr("x1", num(left)).attr("y1", num(top)).attr("x2", num(left)).attr("y2", num(top + h))
            .attr("stroke", "#555");
        node(svg, "line").attr("x1", num(left)).attr("y1", num(top + h)).attr("x2", num(left + w))
            .attr("y2", num(top + h)).attr("stroke", "#555");
    }

    private static Element svg(String title, int width, int height) {
        Element svg = new Element(Tag.valueOf("svg", Parser.NamespaceSvg, ParseSettings.preserveCase), "");
        svg.attr("xmlns", Parser.NamespaceSvg).attr("width", Integer.toString(width))
            .attr("height", Integer.toString(height)).attr("role", "img").attr("class", "chart").attr("font-family", "Helvetica, Arial, sans-serif")
            .attr("font-size", "10");
        // Element.attr lower-cases keys the HTML way; SVG (and Batik, for the PDF) needs viewBox as written.
        svg.attributes().put("viewBox", "0 0 " + width + " " + height);
        node(svg, "title").text(title);
        return svg;
    }

    private static Element node(Element parent, String name) {
        Element e = new Element(Tag.valueOf(name, Parser.NamespaceSvg, ParseSettings.preserveCase), "");
        parent.appendChild(e);
        return e;
    }

    private static Element rect(Element svg, double x, double y, double w, double h, String fill) {
        return node(svg, "rect").attr("x", num(x)).attr("y", num(y)).attr("width", num(w)).attr("height", num(h))
            .attr("fill", fill);
    }

    private static Element text(Element svg, double x, double y, String content, String cls) {
        Element t = node(svg, "text").attr("x", num(x)).attr("y", num(y)).attr("class", cls);
        if (cls.equals("title")) {
            t.attr("font-weight", "bold").attr("font-size", "11");
        }
        t.text(content);
        return t;
    }

    /** Keeps the end of a long name: exported names are paths whose last parts tell layers apart. */
    static String shorten(String label) {
        return label.length() <= MAX_LABEL_CHARS ? label
            : "..." + label.substring(label.length() - (MAX_LABEL_CHARS - 3));
    }

    private static double clamp01(double v) {
        return Double.isFinite(v) ? Math.max(0, Math.min(1, v)) : 0;
    }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            m = Math.min(m, x);
        }
        return v.length == 0 ? 0 : m;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return v.length == 0 ? 1 : m;
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
