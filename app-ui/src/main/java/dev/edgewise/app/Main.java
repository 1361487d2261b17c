package dev.edgewise.app;

import dev.edgewise.app.cli.EdgewiseCommand;

/**
 * The one launcher: with no arguments it opens the workbench window; with arguments it is the
 * command line. Not a JavaFX Application subclass, so that a plain {@code java -cp} start works.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.exit(EdgewiseCommand.openGui(args));
        }
        System.exit(EdgewiseCommand.run(args));
    }
}
