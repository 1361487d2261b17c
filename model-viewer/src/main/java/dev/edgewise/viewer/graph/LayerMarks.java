package dev.edgewise.viewer.graph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import javafx.scene.paint.Color;

/**
 * A categorical colouring of some layers, e.g. a graph diff ("pruned", "int8", ...): a kind per
 * layer and a colour per kind. Layers without a kind are drawn neutral, so the marked ones stand
 * out; the legend lists the kinds in order, with {@code title} above them.
 */
public record LayerMarks(String title, Map<String, String> kindByLayer, Map<String, Color> colorByKind) {
    public LayerMarks {
        Objects.requireNonNull(title, "title");
        kindByLayer = Collections.unmodifiableMap(new LinkedHashMap<>(kindByLayer));
        colorByKind = Collections.unmodifiableMap(new LinkedHashMap<>(colorByKind));
    }

    /** Kinds coloured from a fixed, colour-blind-friendly set in the order given. */
    public static LayerMarks of(String title, Map<String, String> kindByLayer, List<String> kinds) {
        List<Color> colors = List.of(Color.web("#e15759"), Color.web("#4e79a7"), Color.web("#f28e2b"),
            Color.web("#b07aa1"), Color.web("#76b7b2"), Color.web("#59a14f"), Color.web("#edc948"));
        Map<String, Color> byKind = new LinkedHashMap<>();
        for (int i = 0; i < kinds.size(); i++) {
            byKind.put(kinds.get(i), colors.get(i % colors.size()));
        }
        return new LayerMarks(title, kindByLayer, byKind);
    }

    /** The colour of a layer, or null when it is not marked. */
    public Color color(String layer) {
        String kind = kindByLayer.get(layer);
        return kind == null ? null : colorByKind.get(kind);
    }

    public long count(String kind) {
        return kindByLayer.values().stream().filter(kind::equals).count();
    }
}
