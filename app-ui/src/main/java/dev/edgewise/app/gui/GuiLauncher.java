package dev.edgewise.app.gui;

import javafx.application.Application;

/**
 * Starts the workbench window. A plain class (not an {@link Application}) so that a classpath
 * {@code java -jar} launch does not trip JavaFX's module check on the main class.
 */
public final class GuiLauncher {
    private GuiLauncher() {
    }

    /**
     * Blocks until the window closes. {@code args} may be empty, {@code [MODEL]} or {@code [--gui, MODEL]};
     * with no model the bundled sample opens.
     */
    public static void launch(String[] args) {
        Application.launch(EdgewiseApplication.class, args == null ? new String[0] : args);
    }
}
