package dev.edgewise.viewer.chart;

import dev.edgewise.core.analysis.LayerCost;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.viewer.format.Units;
import dev.edgewise.viewer.graph.GraphPalette;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.control.Tooltip;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.TextAlignment;
import javafx.util.Duration;

/**
 * Log-log roofline: each layer sits at its arithmetic intensity (counted) on the device's roof
 * (assumed peak compute and bandwidth), so one sees which layers are memory-bound. Dot area follows
 * the layer's share of FLOPs. Click selects a layer; hovering names it with its bound and minimum time.
 */
public final class RooflineChart extends Region {
    private static final double LEFT = 72;
    private static final double RIGHT = 24;
    private static final double TOP = 60;
    private static final double BOTTOM = 52;

    private final Canvas canvas = new Canvas();
    private final ObjectProperty<ModelAnalysis> analysis = new SimpleObjectProperty<>(this, "analysis");
    private final ObjectProperty<RooflineDevice> device = new SimpleObjectProperty<>(this, "device");
    private final ObjectProperty<String> selectedLayer = new SimpleObjectProperty<>(this, "selectedLayer");
    private final ObjectProperty<GraphPalette> palette = new SimpleObjectProperty<>(this, "palette", GraphPalette.light());
    private final Tooltip tooltip = new Tooltip();
    private final List<Dot> dots = new ArrayList<>();
    private double xMinLog;
    private double xMaxLog;
    private double yMinLog;
    private double yMaxLog;

    private record Dot(LayerCost layer, double x, double y, double radius) {
    }

    public RooflineChart() {
        getStyleClass().add("roofline-chart");
        getChildren().add(canvas);
        tooltip.setShowDelay(Duration.ZERO);
        analysis.addListener((o, a, b) -> redraw());
        device.addListener((o, a, b) -> redraw());
        selectedLayer.addListener((o, a, b) -> redraw());
        palette.addListener((o, a, b) -> redraw());
        Tooltip.install(this, tooltip);
        addEventHandler(MouseEvent.MOUSE_MOVED, e -> {
            Dot d = dotAt(e.getX(), e.getY());
            tooltip.setText(d == null ? describeDevice() : describe(d.layer()));
        });
        addEventHandler(MouseEvent.MOUSE_CLICKED, e -> {
            Dot d = dotAt(e.getX(), e.getY());
            if (d != null) {
                selectedLayer.set(d.layer().name());
            }
        });
    }

    public ObjectProperty<ModelAnalysis> analysisProperty() {
        return analysis;
    }

    public ObjectProperty<RooflineDevice> deviceProperty() {
        return device;
    }

    public ObjectProperty<String> selectedLayerProperty() {
        return selectedLayer;
    }

    public ObjectProperty<GraphPalette> paletteProperty() {
        return palette;
    }

    @Override
    protected void layoutChildren() {
        if (canvas.getWidth() != getWidth() || canvas.getHeight() != getHeight()) {
            canvas.setWidth(getWidth());
            canvas.setHeight(getHeight());
            redraw();
        }
    }

    @Override
    protected double computePrefWidth(double h) {
        return 640;
    }

    @Override
    protected double computePrefHeight(double w) {
        return 420;
    }

    private Dot dotAt(double x, double y) {
        Dot best = null;
        double bestD = Double.MAX_VALUE;
        for (Dot d : dots) {
            double dist = Math.hypot(d.x() - x, d.y() - y);
            if (dist <= Math.max(d.radius(), 4) + 2 && dist < bestD) {
                best = d;
                bestD = dist;
            }
        }
        return best;
    }

    private String describeDevice() {
        RooflineDevice dev = device.get();
        return dev == null ? "" : dev.name() + "\n" + dev.assumption();
    }

    private String describe(LayerCost c) {
        RooflineDevice dev = device.get();
        double ai = c.arithmeticIntensity();
        return String.format(Locale.ROOT, "%s (%s)%nintensity %s (counted)%n%s-bound on %s%n"
                + "attainable %s GFLOP/s, at least %s (estimated from the assumed roofline)",
            c.name(), c.op(), Units.intensity(ai), dev.memoryBound(ai) ? "memory" : "compute", dev.name(),
            Units.threeDigits(dev.attainableGflops(ai)), Units.millis(dev.minimumMillis(c.flops(), ai)));
    }

    private double sx(double v) {
        double w = canvas.getWidth() - LEFT - RIGHT;
        return LEFT + (Math.log10(v) - xMinLog) / (xMaxLog - xMinLog) * w;
    }

    private double sy(double v) {
        double h = canvas.getHeight() - TOP - BOTTOM;
        return TOP + h - (Math.log10(v) - yMinLog) / (yMaxLog - yMinLog) * h;
    }

    private void redraw() {
        GraphicsContext gc = canvas.getGraphicsContext2D();
        GraphPalette p = palette.get();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        gc.setFill(p.background());
        gc.fillRect(0, 0, w, h);
        dots.clear();
        ModelAnalysis a = analysis.get();
        RooflineDevice dev = device.get();
        if (a == null || dev == null || w < LEFT + RIGHT + 20 || h < TOP + BOTTOM + 20) {
            return;
        }
        List<LayerCost> placed = a.layers().stream()
            .filter(c -> c.resolved() && c.flops() > 0 && c.arithmeticIntensity() > 0
                && Double.isFinite(c.arithmeticIntensity()))
            .toList();
        computeRanges(placed, dev);
        drawAxes(gc, p, w, h);
        drawRoofs(gc, p, dev);
        drawDots(gc, p, placed, dev);
        drawTitle(gc, p, placed, dev);
    }

    private void computeRanges(List<LayerCost> placed, RooflineDevice dev) {
        double lo = dev.ridgeIntensity();
        double hi = dev.ridgeIntensity();
        for (LayerCost c : placed) {
            lo = Math.min(lo, c.arithmeticIntensity());
            hi = Math.max(hi, c.arithmeticIntensity());
        }
        xMinLog = Math.floor(Math.log10(lo)) - (lo == hi ? 1 : 0);
        xMaxLog = Math.ceil(Math.log10(hi)) + (lo == hi ? 1 : 0);
        if (xMaxLog - xMinLog < 2) {
            xMaxLog = xMinLog + 2;
        }
        yMaxLog = Math.ceil(Math.log10(dev.peakGflops() * 1.5));
        yMinLog = Math.floor(Math.log10(dev.attainableGflops(Math.pow(10, xMinLog))));
        if (yMaxLog - yMinLog < 2) {
            yMinLog = yMaxLog - 2;
        }
    }

    private void drawAxes(GraphicsContext gc, GraphPalette p, double w, double h) {
        gc.setFont(Font.font("System", 11));
        gc.setLineWidth(1);
        for (int d = (int) xMinLog; d <= xMaxLog; d++) {
            double x = sx(Math.pow(10, d));
            gc.setStroke(p.nodeFill());
            gc.strokeLine(x, TOP, x, h - BOTTOM);
            gc.setFill(p.mutedText());
            gc.setTextAlign(TextAlignment.CENTER);
            gc.fillText(decade(d), x, h - BOTTOM + 16);
        }
        for (int d = (int) yMinLog; d <= yMaxLog; d++) {
            double y = sy(Math.pow(10, d));
            gc.setStroke(p.nodeFill());
            gc.strokeLine(LEFT, y, w - RIGHT, y);
            gc.setFill(p.mutedText());
            gc.setTextAlign(TextAlignment.RIGHT);
            gc.fillText(decade(d), LEFT - 8, y + 4);
        }
        gc.setStroke(p.nodeStroke());
        gc.strokeRect(LEFT, TOP, w - LEFT - RIGHT, h - TOP - BOTTOM);
        gc.setFill(p.text());
        gc.setTextAlign(TextAlignment.CENTER);
        gc.fillText("Arithmetic intensity (FLOP/byte, counted)", LEFT + (w - LEFT - RIGHT) / 2, h - 14);
        gc.save();
        gc.translate(18, TOP + (h - TOP - BOTTOM) / 2);
        gc.rotate(-90);
        gc.fillText("Attainable GFLOP/s (roofline estimate)", 0, 0);
        gc.restore();
    }

    private static String decade(int d) {
        double v = Math.pow(10, d);
        return d >= 0 && d <= 4 ? String.format(Locale.ROOT, "%.0f", v) : d < 0 && d >= -3
            ? String.format(Locale.ROOT, "%." + (-d) + "f", v) : "1e" + d;
    }

    private void drawRoofs(GraphicsContext gc, GraphPalette p, RooflineDevice dev) {
        double ridge = dev.ridgeIntensity();
        double xLo = Math.pow(10, xMinLog);
        double xHi = Math.pow(10, xMaxLog);
        gc.setStroke(p.text());
        gc.setLineWidth(2.2);
        gc.strokeLine(sx(xLo), sy(dev.attainableGflops(xLo)), sx(ridge), sy(dev.peakGflops()));
        gc.strokeLine(sx(ridge), sy(dev.peakGflops()), sx(xHi), sy(dev.peakGflops()));
        gc.setLineDashes(4, 4);
        gc.setLineWidth(1);
        gc.setStroke(p.mutedText());
        gc.strokeLine(sx(ridge), sy(dev.peakGflops()), sx(ridge), sy(Math.pow(10, yMinLog)));
        gc.setLineDashes((double[]) null);
        gc.setFill(p.mutedText());
        gc.setTextAlign(TextAlignment.LEFT);
        gc.setFont(Font.font("System", 11));
        gc.fillText(String.format(Locale.ROOT, "peak %s GFLOP/s (assumed)", Units.threeDigits(dev.peakGflops())),
            sx(ridge) + 8, sy(dev.peakGflops()) - 8);
        gc.fillText(String.format(Locale.ROOT, "ridge %s FLOP/B", Units.threeDigits(ridge)), sx(ridge) + 6,
            sy(Math.pow(10, yMinLog)) - 8);
        double midX = Math.sqrt(xLo * ridge);
        gc.save();
        double slope = Math.atan2(sy(dev.attainableGflops(ridge)) - sy(dev.attainableGflops(xLo)), sx(ridge) - sx(xLo));
        gc.translate(sx(midX), sy(dev.attainableGflops(midX)) - 8);
        gc.rotate(Math.toDegrees(slope));
        gc.setTextAlign(TextAlignment.CENTER);
        gc.fillText(String.format(Locale.ROOT, "%s GB/s (assumed)", Units.threeDigits(dev.bandwidthGBs())), 0, 0);
        gc.restore();
    }

    private void drawDots(GraphicsContext gc, GraphPalette p, List<LayerCost> placed, RooflineDevice dev) {
        double totalFlops = placed.stream().mapToDouble(LayerCost::flops).sum();
        LayerCost selected = null;
        for (LayerCost c : placed) {
            double ai = c.arithmeticIntensity();
            double r = 3 + 14 * Math.sqrt(c.flops() / Math.max(1, totalFlops));
            Dot d = new Dot(c, sx(ai), sy(dev.attainableGflops(ai)), r);
            dots.add(d);
            Color col = p.categoryColor(c.category());
            gc.setFill(col.deriveColor(0, 1, 1, 0.75));
            gc.fillOval(d.x() - r, d.y() - r, 2 * r, 2 * r);
            gc.setStroke(col.darker());
            gc.setLineWidth(1);
            gc.strokeOval(d.x() - r, d.y() - r, 2 * r, 2 * r);
            if (c.name().equals(selectedLayer.get())) {
                selected = c;
            }
        }
        if (selected != null) {
            Dot d = dots.stream().filter(x -> x.layer().name().equals(selectedLayer.get())).findFirst().orElseThrow();
            gc.setStroke(p.selection());
            gc.setLineWidth(3);
            gc.strokeOval(d.x() - d.radius() - 3, d.y() - d.radius() - 3, 2 * d.radius() + 6, 2 * d.radius() + 6);
            gc.setFill(p.text());
            gc.setTextAlign(TextAlignment.LEFT);
            gc.fillText(selected.name(), d.x() + d.radius() + 6, d.y() + 14);
        }
    }

    private void drawTitle(GraphicsContext gc, GraphPalette p, List<LayerCost> placed, RooflineDevice dev) {
        long memBound = placed.stream().filter(c -> dev.memoryBound(c.arithmeticIntensity())).count();
        double memFlops = placed.stream().filter(c -> dev.memoryBound(c.arithmeticIntensity()))
            .mapToDouble(LayerCost::flops).sum();
        double allFlops = placed.stream().mapToDouble(LayerCost::flops).sum();
        double minMs = placed.stream().mapToDouble(c -> dev.minimumMillis(c.flops(), c.arithmeticIntensity())).sum();
        gc.setTextAlign(TextAlignment.LEFT);
        gc.setFill(p.text());
        gc.setFont(Font.font("System", FontWeight.BOLD, 13));
        gc.fillText("Roofline on " + dev.name(), LEFT, 18);
        gc.setFont(Font.font("System", 11));
        gc.setFill(p.mutedText());
        gc.fillText(String.format(Locale.ROOT, "%d of %d layers memory-bound (%s of FLOPs)", memBound, placed.size(),
            Units.percent(allFlops > 0 ? memFlops / allFlops : Double.NaN)), LEFT, 34);
        gc.fillText("at least " + Units.millis(minMs) + " per inference (estimate from the assumed roofline)", LEFT, 49);
    }
}
