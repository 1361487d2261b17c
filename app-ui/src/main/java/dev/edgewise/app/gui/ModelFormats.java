package dev.edgewise.app.gui;

import dev.edgewise.core.spi.ModelImporter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Open-dialog filters built from what the installed importers declare, so plugins show up by themselves. */
public final class ModelFormats {
    /** A filter: a label such as "ONNX (*.onnx)" and its glob patterns. */
    public record Filter(String label, List<String> patterns) {
    }

    private ModelFormats() {
    }

    /** "All models" first, then one filter per format, then "All files". */
    public static List<Filter> filters(List<ModelImporter> importers) {
        List<Filter> out = new ArrayList<>();
        Set<String> all = new LinkedHashSet<>();
        List<Filter> perFormat = new ArrayList<>();
        for (ModelImporter i : importers) {
            List<String> patterns = i.fileExtensions().stream().map(e -> "*." + e).toList();
            if (patterns.isEmpty()) {
                continue;
            }
            all.addAll(patterns);
            perFormat.add(new Filter(i.formatName() + " (" + String.join(", ", patterns) + ")", patterns));
        }
        if (!all.isEmpty()) {
            out.add(new Filter("All models (" + String.join(", ", all) + ")", List.copyOf(all)));
        }
        out.addAll(perFormat);
        out.add(new Filter("All files", List.of("*")));
        return out;
    }
}
