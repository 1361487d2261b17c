package dev.edgewise.viewer.graph;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.scene.paint.Color;

/**
 * Colours of the canvas-drawn graph. A canvas cannot read CSS, so the application hands the view
 * the palette that matches its CSS theme.
 */
public record GraphPalette(Color background, Color nodeFill, Color nodeStroke, Color ioFill, Color text,
                           Color mutedText, Color edge, Color selection, Color match, Color hover,
                           Color legendBackground, Map<String, Color> categories, List<Color> spareColors) {

    /** Keys are the cost model's categories (op-metadata.json in profiler-core). */
    private static final Map<String, Color> LIGHT_CATEGORIES = Map.of(
        "conv", Color.web("#4e79a7"), "fc", Color.web("#9467bd"), "activation", Color.web("#c0504d"),
        "normalization", Color.web("#59a14f"), "pooling", Color.web("#2ca6a4"), "elementwise", Color.web("#c88d2d"),
        "shape", Color.web("#8c8c8c"), "quantization", Color.web("#d4589c"), "other", Color.web("#a39e93"));
    private static final Map<String, Color> DARK_CATEGORIES = Map.of(
        "conv", Color.web("#5b8fd1"), "fc", Color.web("#a884d4"), "activation", Color.web("#d8716d"),
        "normalization", Color.web("#6cbf62"), "pooling", Color.web("#3cbcb9"), "elementwise", Color.web("#d9a441"),
        "shape", Color.web("#7c7c84"), "quantization", Color.web("#e07ab3"), "other", Color.web("#8f8a80"));
    private static final List<Color> SPARE = List.of(Color.web("#7f6a93"), Color.web("#6b8e23"),
        Color.web("#b5651d"), Color.web("#2e8b9a"), Color.web("#a0522d"), Color.web("#5f7f9f"));

    public static GraphPalette light() {
        return new GraphPalette(Color.web("#f7f8fa"), Color.web("#e4e7ec"), Color.web("#9aa3af"), Color.web("#ffffff"),
            Color.web("#1f2328"), Color.web("#5b6470"), Color.web("#8a929c"), Color.web("#ff7a00"),
            Color.web("#e0245e"), Color.web("#1f6feb"), Color.web("#ffffffe6"), LIGHT_CATEGORIES, SPARE);
    }

    public static GraphPalette dark() {
        return new GraphPalette(Color.web("#16181d"), Color.web("#30343c"), Color.web("#5c6370"), Color.web("#23262d"),
            Color.web("#e6e8eb"), Color.web("#a0a7b2"), Color.web("#6e7682"), Color.web("#ffa24a"),
            Color.web("#ff5c8a"), Color.web("#58a6ff"), Color.web("#1f2229e6"), DARK_CATEGORIES, SPARE);
    }

    /** Category colour: a fixed colour for the usual categories, a stable spare colour for others. */
    public Color categoryColor(String category) {
        if (category == null || category.isEmpty()) {
            return nodeFill;
        }
        Color c = categories.get(category.toLowerCase(Locale.ROOT));
        return c != null ? c : spareColors.get(Math.floorMod(category.hashCode(), spareColors.size()));
    }
}
