package dev.edgewise.viewer.graph;

import dev.edgewise.viewer.metric.ColorScale;
import dev.edgewise.viewer.metric.LayerMetric;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import javafx.application.Platform;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Point2D;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.input.ZoomEvent;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
import javafx.scene.text.TextAlignment;

/**
 * A model graph drawn on one {@link Canvas}: only what is inside the viewport is drawn, edges go
 * out as one batched path, and labels are skipped when too small to read, so thousands of nodes
 * pan and zoom smoothly. Drag pans, the wheel zooms around the pointer, a click selects.
 * The view holds no model logic: it shows a {@link GraphLayout}, colours from a {@link LayerMetric}
 * or the layer categories, and reports the selected layer name.
 */
public final class GraphView extends Region {
    private static final double MIN_SCALE = 0.002;
    private static final double MAX_SCALE = 4;
    private static final double TEXT_MIN_SCALE = 0.42;
    private static final double DETAIL_MIN_SCALE = 0.7;
    private static final double CLICK_SLOP = 4;

    private final Canvas canvas = new Canvas();
    private final ObjectProperty<GraphLayout> graphLayout = new SimpleObjectProperty<>(this, "graphLayout");
    private final ObjectProperty<String> selectedLayer = new SimpleObjectProperty<>(this, "selectedLayer");
    private final ObjectProperty<LayerMetric> colorMetric = new SimpleObjectProperty<>(this, "colorMetric");
    private final ObjectProperty<Map<String, String>> categories =
        new SimpleObjectProperty<>(this, "categories", Map.of());
    private final ObjectProperty<Set<String>> highlightedLayers =
        new SimpleObjectProperty<>(this, "highlightedLayers", Set.of());
    private final ObjectProperty<LayerMarks> layerMarks = new SimpleObjectProperty<>(this, "layerMarks");
    private final ObjectProperty<GraphPalette> palette = new SimpleObjectProperty<>(this, "palette", GraphPalette.light());
    private final ReadOnlyObjectWrapper<String> hoveredLayer = new ReadOnlyObjectWrapper<>(this, "hoveredLayer");

    private double scale = 1;
    private double tx;
    private double ty;
    private boolean needsInitialView = true;
    private boolean redrawPending;
    private double pressX;
    private double pressY;
    private double lastX;
    private double lastY;
    private boolean dragged;
    private ColorScale colorScale;
    private EdgeBounds edgeBounds;
    private long lastRedrawNanos;
    private int lastDrawnNodes;

    private final Font titleFont = Font.font("System", FontWeight.BOLD, 12);
    private final Font detailFont = Font.font("System", 10);
    private final Font legendFont = Font.font("System", 11);

    public GraphView() {
        getStyleClass().add("graph-view");
        getChildren().add(canvas);
        setFocusTraversable(true);
        setMinSize(50, 50);
        graphLayout.addListener((o, a, b) -> {
            edgeBounds = b == null ? null : new EdgeBounds(b);
            needsInitialView = true;
            requestLayout();
            requestRedraw();
        });
        colorMetric.addListener((o, a, b) -> {
            colorScale = b == null ? null : ColorScale.forMetric(b);
            requestRedraw();
        });
        selectedLayer.addListener((o, a, b) -> requestRedraw());
        categories.addListener((o, a, b) -> requestRedraw());
        highlightedLayers.addListener((o, a, b) -> requestRedraw());
        palette.addListener((o, a, b) -> requestRedraw());
        layerMarks.addListener((o, a, b) -> requestRedraw());
        hoveredLayer.addListener((o, a, b) -> requestRedraw());
        Runnable pulse = this::redrawIfPending;
        sceneProperty().addListener((o, oldScene, newScene) -> {
            if (oldScene != null) {
                oldScene.removePreLayoutPulseListener(pulse);
            }
            if (newScene != null) {
                newScene.addPreLayoutPulseListener(pulse);
                if (redrawPending) {
                    Platform.requestNextPulse();
                }
            }
        });
        installHandlers();
    }

    private void installHandlers() {
        addEventHandler(MouseEvent.MOUSE_PRESSED, e -> {
            requestFocus();
            pressX = lastX = e.getX();
            pressY = lastY = e.getY();
            dragged = false;
        });
        addEventHandler(MouseEvent.MOUSE_DRAGGED, e -> {
            if (Math.abs(e.getX() - pressX) > CLICK_SLOP || Math.abs(e.getY() - pressY) > CLICK_SLOP) {
                dragged = true;
            }
            panBy(e.getX() - lastX, e.getY() - lastY);
            lastX = e.getX();
            lastY = e.getY();
        });
        addEventHandler(MouseEvent.MOUSE_RELEASED, e -> {
            if (!dragged && e.getButton() == MouseButton.PRIMARY) {
                selectAt(e.getX(), e.getY());
            }
        });
        addEventHandler(MouseEvent.MOUSE_MOVED, e -> hoveredLayer.set(layerAt(e.getX(), e.getY())));
        addEventHandler(MouseEvent.MOUSE_EXITED, e -> hoveredLayer.set(null));
        addEventHandler(ScrollEvent.SCROLL, e -> {
            if (e.getDeltaY() != 0) {
                zoomAt(Math.exp(e.getDeltaY() * 0.004), e.getX(), e.getY());
            }
            e.consume();
        });
        addEventHandler(ZoomEvent.ZOOM, e -> zoomAt(e.getZoomFactor(), e.getX(), e.getY()));
        addEventHandler(KeyEvent.KEY_PRESSED, this::onKey);
    }

    private void onKey(KeyEvent e) {
        if (e.isShortcutDown() || e.isAltDown()) {
            return;
        }
        double step = 80;
        switch (e.getCode()) {
            case LEFT -> panBy(step, 0);
            case RIGHT -> panBy(-step, 0);
            case UP -> panBy(0, step);
            case DOWN -> panBy(0, -step);
            case PLUS, EQUALS, ADD -> zoomAt(1.25, getWidth() / 2, getHeight() / 2);
            case MINUS, SUBTRACT -> zoomAt(0.8, getWidth() / 2, getHeight() / 2);
            case ENTER -> zoomToSelection();
            default -> {
                return;
            }
        }
        e.consume();
    }

    // ---- public API -------------------------------------------------------------------------

    public ObjectProperty<GraphLayout> graphLayoutProperty() {
        return graphLayout;
    }

    /** The IR node name of the selected operator, or null. */
    public ObjectProperty<String> selectedLayerProperty() {
        return selectedLayer;
    }

    public ObjectProperty<LayerMetric> colorMetricProperty() {
        return colorMetric;
    }

    public ObjectProperty<Map<String, String>> categoriesProperty() {
        return categories;
    }

    public ObjectProperty<Set<String>> highlightedLayersProperty() {
        return highlightedLayers;
    }

    /** A categorical colouring (e.g. a graph diff) that wins over the metric and the categories when set. */
    public ObjectProperty<LayerMarks> layerMarksProperty() {
        return layerMarks;
    }

    public ObjectProperty<GraphPalette> paletteProperty() {
        return palette;
    }

    public ReadOnlyObjectProperty<String> hoveredLayerProperty() {
        return hoveredLayer.getReadOnlyProperty();
    }

    public double scale() {
        return scale;
    }

    /** Shows the whole graph. */
    public void fit() {
        GraphLayout l = graphLayout.get();
        if (l == null || getWidth() <= 0 || getHeight() <= 0) {
            needsInitialView = true;
            return;
        }
        double margin = 24;
        double s = Math.min((getWidth() - 2 * margin) / Math.max(1, l.width()),
            (getHeight() - 2 * margin) / Math.max(1, l.height()));
        scale = clampScale(Math.min(s, 1.5));
        tx = (getWidth() - l.width() * scale) / 2;
        ty = (getHeight() - l.height() * scale) / 2;
        requestRedraw();
    }

    /** Centres the selected node at a readable zoom. */
    public void zoomToSelection() {
        GraphLayout l = graphLayout.get();
        int i = l == null ? -1 : l.model().indexOfLayer(selectedLayer.get());
        if (i < 0) {
            return;
        }
        scale = Math.max(scale, 1.0);
        centerOn(l.centerX(i), l.centerY(i));
    }

    /** Centres the given layer without changing the zoom (used when the table selects a row). */
    public void reveal(String layer) {
        GraphLayout l = graphLayout.get();
        int i = l == null ? -1 : l.model().indexOfLayer(layer);
        if (i < 0) {
            return;
        }
        double sx = l.centerX(i) * scale + tx;
        double sy = l.centerY(i) * scale + ty;
        if (sx < 0 || sy < 0 || sx > getWidth() || sy > getHeight() || scale < TEXT_MIN_SCALE) {
            scale = Math.max(scale, 0.8);
            centerOn(l.centerX(i), l.centerY(i));
        }
    }

    public void panBy(double dx, double dy) {
        tx += dx;
        ty += dy;
        requestRedraw();
    }

    public void zoomAt(double factor, double px, double py) {
        double s = clampScale(scale * factor);
        double f = s / scale;
        tx = px - (px - tx) * f;
        ty = py - (py - ty) * f;
        scale = s;
        requestRedraw();
    }

    /** Centre of a layer's box in this view's local coordinates, if it is laid out. */
    public Optional<Point2D> localCenterOf(String layer) {
        GraphLayout l = graphLayout.get();
        int i = l == null ? -1 : l.model().indexOfLayer(layer);
        if (i < 0) {
            return Optional.empty();
        }
        return Optional.of(new Point2D(l.centerX(i) * scale + tx, l.centerY(i) * scale + ty));
    }

    /** The operator under a point in local coordinates, or null. */
    public String layerAt(double px, double py) {
        GraphLayout l = graphLayout.get();
        if (l == null) {
            return null;
        }
        int i = l.nodeAt((px - tx) / scale, (py - ty) / scale);
        if (i < 0) {
            return null;
        }
        GraphModel.VNode n = l.model().nodes().get(i);
        return n.kind() == GraphModel.Kind.OPERATOR ? n.layer() : null;
    }

    /** How long recording the last frame's drawing commands took (the FX-thread share of a frame). */
    public long lastRedrawNanos() {
        return lastRedrawNanos;
    }

    /** How many boxes the last frame drew (the rest were outside the viewport). */
    public int lastDrawnNodes() {
        return lastDrawnNodes;
    }

    private void selectAt(double px, double py) {
        selectedLayer.set(layerAt(px, py));
    }

    private void centerOn(double wx, double wy) {
        tx = getWidth() / 2 - wx * scale;
        ty = getHeight() / 2 - wy * scale;
        requestRedraw();
    }

    private static double clampScale(double s) {
        return Math.max(MIN_SCALE, Math.min(MAX_SCALE, s));
    }

    /** Tall, narrow graphs are unreadable when fitted whole: start at the top, fitted to width. */
    private void initialView() {
        GraphLayout l = graphLayout.get();
        double margin = 24;
        double fitAll = Math.min((getWidth() - 2 * margin) / Math.max(1, l.width()),
            (getHeight() - 2 * margin) / Math.max(1, l.height()));
        double fitWidth = (getWidth() - 2 * margin) / Math.max(1, l.width());
        if (fitAll >= 0.6) {
            fit();
            return;
        }
        scale = clampScale(Math.max(fitAll, Math.min(1.0, fitWidth)));
        tx = (getWidth() - l.width() * scale) / 2;
        ty = margin;
        requestRedraw();
    }

    @Override
    protected void layoutChildren() {
        double w = getWidth();
        double h = getHeight();
        if (canvas.getWidth() != w || canvas.getHeight() != h) {
            canvas.setWidth(w);
            canvas.setHeight(h);
            requestRedraw();
        }
        if (needsInitialView && graphLayout.get() != null && w > 0 && h > 0) {
            needsInitialView = false;
            initialView();
        }
    }

    @Override
    protected double computePrefWidth(double height) {
        return 600;
    }

    @Override
    protected double computePrefHeight(double width) {
        return 500;
    }

    /** Marks the canvas dirty; it is redrawn once, just before the next frame's layout pass. */
    private void requestRedraw() {
        if (redrawPending) {
            return;
        }
        redrawPending = true;
        if (getScene() != null) {
            Platform.requestNextPulse();
        } else {
            Platform.runLater(this::redrawIfPending);
        }
    }

    private void redrawIfPending() {
        if (redrawPending) {
            redrawPending = false;
            redraw();
        }
    }

    // ---- drawing ----------------------------------------------------------------------------

    private void redraw() {
        long start = System.nanoTime();
        GraphicsContext gc = canvas.getGraphicsContext2D();
        GraphPalette p = palette.get();
        double w = canvas.getWidth();
        double h = canvas.getHeight();
        gc.setTransform(1, 0, 0, 1, 0, 0);
        gc.setFill(p.background());
        gc.fillRect(0, 0, w, h);
        GraphLayout l = graphLayout.get();
        if (l != null) {
            double x0 = -tx / scale;
            double y0 = -ty / scale;
            double x1 = (w - tx) / scale;
            double y1 = (h - ty) / scale;
            gc.setTransform(scale, 0, 0, scale, tx, ty);
            drawEdges(gc, l, p, x0, y0, x1, y1);
            drawNodes(gc, l, p, x0, y0, x1, y1);
            gc.setTransform(1, 0, 0, 1, 0, 0);
            drawLegend(gc, p, h);
        }
        lastRedrawNanos = System.nanoTime() - start;
    }

    private void drawEdges(GraphicsContext gc, GraphLayout l, GraphPalette p, double x0, double y0, double x1, double y1) {
        gc.setStroke(p.edge());
        gc.setLineWidth(Math.max(1.0, 1.0 / scale));
        // zoomed far out, full-strength edges would hide the node colours
        gc.setGlobalAlpha(scale < 0.3 ? 0.3 : 1.0);
        gc.beginPath();
        boolean arrows = scale >= 0.35;
        for (int e = 0; e < l.model().edges().size(); e++) {
            if (!edgeBounds.intersects(e, x0, y0, x1, y1)) {
                continue;
            }
            int n = l.edgePointCount(e);
            gc.moveTo(l.edgeX(e, 0), l.edgeY(e, 0));
            for (int k = 1; k < n; k++) {
                gc.lineTo(l.edgeX(e, k), l.edgeY(e, k));
            }
        }
        gc.stroke();
        if (arrows) {
            gc.setFill(p.edge());
            gc.beginPath();
            for (int e = 0; e < l.model().edges().size(); e++) {
                if (edgeBounds.intersects(e, x0, y0, x1, y1)) {
                    addArrowHead(gc, l, e);
                }
            }
            gc.fill();
        }
        gc.setGlobalAlpha(1.0);
    }

    private static void addArrowHead(GraphicsContext gc, GraphLayout l, int e) {
        int n = l.edgePointCount(e);
        double ex = l.edgeX(e, n - 1);
        double ey = l.edgeY(e, n - 1);
        double dx = ex - l.edgeX(e, n - 2);
        double dy = ey - l.edgeY(e, n - 2);
        double len = Math.hypot(dx, dy);
        if (len < 1e-6) {
            return;
        }
        dx /= len;
        dy /= len;
        double size = 6;
        gc.moveTo(ex, ey);
        gc.lineTo(ex - dx * size - dy * size * 0.5, ey - dy * size + dx * size * 0.5);
        gc.lineTo(ex - dx * size + dy * size * 0.5, ey - dy * size - dx * size * 0.5);
        gc.closePath();
    }

    private void drawNodes(GraphicsContext gc, GraphLayout l, GraphPalette p, double x0, double y0, double x1, double y1) {
        boolean detailed = scale >= 0.3;
        boolean text = scale >= TEXT_MIN_SCALE;
        Set<String> matches = highlightedLayers.get();
        boolean searching = matches != null && !matches.isEmpty();
        String selected = selectedLayer.get();
        String hovered = hoveredLayer.get();
        LayerMetric metric = colorMetric.get();
        Map<String, String> cats = categories.get();
        gc.setLineWidth(Math.max(1.0, 1.0 / scale));
        int drawn = 0;
        for (GraphModel.VNode n : l.model().nodes()) {
            int i = n.index();
            double x = l.x(i);
            double y = l.y(i);
            if (x > x1 || y > y1 || x + n.width() < x0 || y + n.height() < y0) {
                continue;
            }
            drawn++;
            Color fill = fillFor(n, p, metric, cats);
            boolean dim = searching && !matches.contains(n.layer());
            gc.setGlobalAlpha(dim ? 0.28 : 1.0);
            gc.setFill(fill);
            if (detailed) {
                gc.fillRoundRect(x, y, n.width(), n.height(), 8, 8);
                gc.setStroke(p.nodeStroke());
                gc.strokeRoundRect(x, y, n.width(), n.height(), 8, 8);
            } else {
                double minHeight = 3 / scale;
                gc.fillRect(x, y, n.width(), Math.max(n.height(), minHeight));
            }
            if (text) {
                drawLabel(gc, n, x, y, fill, p);
            }
            gc.setGlobalAlpha(1.0);
            if (n.kind() == GraphModel.Kind.OPERATOR) {
                if (searching && matches.contains(n.layer())) {
                    outline(gc, x, y, n, p.match(), 2.5);
                }
                if (n.layer().equals(hovered) && !n.layer().equals(selected)) {
                    outline(gc, x, y, n, p.hover(), 1.5);
                }
                if (n.layer().equals(selected)) {
                    outline(gc, x, y, n, p.selection(), 3.5);
                }
            }
        }
        lastDrawnNodes = drawn;
    }

    private void outline(GraphicsContext gc, double x, double y, GraphModel.VNode n, Color c, double px) {
        double lw = Math.max(px, px / scale);
        gc.setStroke(c);
        gc.setLineWidth(lw);
        gc.strokeRoundRect(x - lw / 2, y - lw / 2, n.width() + lw, n.height() + lw, 10, 10);
        gc.setLineWidth(Math.max(1.0, 1.0 / scale));
    }

    private Color fillFor(GraphModel.VNode n, GraphPalette p, LayerMetric metric, Map<String, String> cats) {
        if (n.kind() != GraphModel.Kind.OPERATOR) {
            return p.ioFill();
        }
        LayerMarks marks = layerMarks.get();
        if (marks != null) {
            Color c = marks.color(n.layer());
            return c != null ? c : p.nodeFill();
        }
        if (metric != null && colorScale != null) {
            OptionalDouble v = metric.value(n.layer());
            Color c = v.isPresent() ? colorScale.color(v.getAsDouble()) : null;
            return c != null ? c : p.nodeFill();
        }
        return p.categoryColor(cats == null ? null : cats.get(n.layer()));
    }

    private void drawLabel(GraphicsContext gc, GraphModel.VNode n, double x, double y, Color fill, GraphPalette p) {
        boolean operatorColoured = n.kind() == GraphModel.Kind.OPERATOR && !fill.equals(p.nodeFill());
        Color textColor = operatorColoured ? ColorScale.textOn(fill) : p.text();
        gc.setTextAlign(TextAlignment.CENTER);
        gc.setFill(textColor);
        gc.setFont(titleFont);
        boolean withDetail = scale >= DETAIL_MIN_SCALE;
        double cx = x + n.width() / 2;
        gc.fillText(clip(n.title(), n.width(), 7.2), cx, y + (withDetail ? 16 : n.height() / 2 + 4));
        if (withDetail) {
            gc.setFont(detailFont);
            gc.setFill(operatorColoured ? textColor.deriveColor(0, 1, 1, 0.85) : p.mutedText());
            gc.fillText(clip(n.detail(), n.width(), 5.9), cx, y + 30);
        }
    }

    private static String clip(String s, double width, double charWidth) {
        int max = (int) ((width - 10) / charWidth);
        if (s.length() <= max || max < 3) {
            return s.length() <= max ? s : s.substring(0, Math.max(0, max));
        }
        return s.substring(0, max - 1) + "…";
    }

    private void drawMarksLegend(GraphicsContext gc, GraphPalette p, double h, LayerMarks marks) {
        List<Map.Entry<String, Color>> present = marks.colorByKind().entrySet().stream()
            .filter(e -> marks.count(e.getKey()) > 0).toList();
        double x = 14;
        double rows = Math.max(1, present.size()) + 1;
        double y = h - 14 - rows * 16;
        gc.setFill(p.legendBackground());
        gc.fillRoundRect(x - 8, y - 14, 240, rows * 16 + 12, 8, 8);
        gc.setStroke(p.nodeStroke());
        gc.setLineWidth(1);
        gc.strokeRoundRect(x - 8, y - 14, 240, rows * 16 + 12, 8, 8);
        gc.setFont(legendFont);
        gc.setTextAlign(TextAlignment.LEFT);
        gc.setFill(p.text());
        gc.fillText(marks.title(), x, y);
        if (present.isEmpty()) {
            gc.setFill(p.mutedText());
            gc.fillText("no layer changed", x, y + 16);
        }
        for (Map.Entry<String, Color> e : present) {
            y += 16;
            gc.setFill(e.getValue());
            gc.fillRect(x, y - 9, 12, 10);
            gc.setFill(p.mutedText());
            gc.fillText(e.getKey() + " (" + marks.count(e.getKey()) + ")", x + 18, y);
        }
    }

    private void drawLegend(GraphicsContext gc, GraphPalette p, double h) {
        if (layerMarks.get() != null) {
            drawMarksLegend(gc, p, h, layerMarks.get());
            return;
        }
        LayerMetric metric = colorMetric.get();
        if (metric == null || colorScale == null) {
            return;
        }
        double bw = 200;
        double x = 14;
        double y = h - 62;
        gc.setFill(p.legendBackground());
        gc.fillRoundRect(x - 8, y - 22, bw + 16, 66, 8, 8);
        gc.setStroke(p.nodeStroke());
        gc.setLineWidth(1);
        gc.strokeRoundRect(x - 8, y - 22, bw + 16, 66, 8, 8);
        gc.setFont(legendFont);
        gc.setFill(p.text());
        gc.setTextAlign(TextAlignment.LEFT);
        gc.fillText(metric.label() + " (" + metric.provenance().key() + ", log scale)", x, y - 6);
        int steps = 40;
        for (int k = 0; k < steps; k++) {
            gc.setFill(ColorScale.ramp(k / (double) (steps - 1)));
            gc.fillRect(x + k * bw / steps, y, bw / steps + 0.5, 12);
        }
        gc.setFill(p.mutedText());
        gc.fillText(metric.unit().format(colorScale.minValue()), x, y + 27);
        gc.setTextAlign(TextAlignment.RIGHT);
        gc.fillText(metric.unit().format(colorScale.maxValue()), x + bw, y + 27);
        gc.setTextAlign(TextAlignment.LEFT);
        gc.setFill(p.nodeFill());
        gc.fillRect(x, y + 33, 10, 8);
        gc.setFill(p.mutedText());
        gc.fillText("no value / zero", x + 14, y + 41);
    }

    /** Bounding boxes of edge routes, so culling costs four comparisons per edge. */
    private static final class EdgeBounds {
        private final double[] minX;
        private final double[] minY;
        private final double[] maxX;
        private final double[] maxY;

        EdgeBounds(GraphLayout l) {
            int m = l.model().edges().size();
            minX = new double[m];
            minY = new double[m];
            maxX = new double[m];
            maxY = new double[m];
            for (int e = 0; e < m; e++) {
                minX[e] = minY[e] = Double.MAX_VALUE;
                maxX[e] = maxY[e] = -Double.MAX_VALUE;
                for (int k = 0; k < l.edgePointCount(e); k++) {
                    minX[e] = Math.min(minX[e], l.edgeX(e, k));
                    maxX[e] = Math.max(maxX[e], l.edgeX(e, k));
                    minY[e] = Math.min(minY[e], l.edgeY(e, k));
                    maxY[e] = Math.max(maxY[e], l.edgeY(e, k));
                }
            }
        }

        boolean intersects(int e, double x0, double y0, double x1, double y1) {
            return maxX[e] >= x0 && minX[e] <= x1 && maxY[e] >= y0 && minY[e] <= y1;
        }
    }
}
