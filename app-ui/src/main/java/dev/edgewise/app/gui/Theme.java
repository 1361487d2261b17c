package dev.edgewise.app.gui;

import dev.edgewise.viewer.graph.GraphPalette;
import java.util.List;

/** Light and dark looks: the same base stylesheet with a different set of CSS colour variables. */
public enum Theme {
    LIGHT("light.css", GraphPalette.light()),
    DARK("dark.css", GraphPalette.dark());

    private final String variables;
    private final GraphPalette palette;

    Theme(String variables, GraphPalette palette) {
        this.variables = variables;
        this.palette = palette;
    }

    /** Stylesheet URLs in order: variables first, then the rules that use them. */
    public List<String> stylesheets() {
        return List.of(resource(variables), resource("base.css"));
    }

    public GraphPalette palette() {
        return palette;
    }

    public Theme other() {
        return this == LIGHT ? DARK : LIGHT;
    }

    private static String resource(String name) {
        var url = Theme.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException("stylesheet " + name + " missing from dev/edgewise/app/gui in the app-ui jar");
        }
        return url.toExternalForm();
    }

    public static Theme parse(String s) {
        return "dark".equalsIgnoreCase(s) ? DARK : LIGHT;
    }
}
