package dev.edgewise.app.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code edgewise gui [MODEL]}: the workbench window, optionally on a given model. */
@Command(name = "gui", mixinStandardHelpOptions = true,
    description = "Open the workbench window (the default when edgewise runs without arguments).")
final class GuiCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "MODEL", description = "Model file to open.")
    Path model;

    @Override
    public Integer call() {
        return EdgewiseCommand.openGui(model == null ? new String[0] : new String[] {model.toString()});
    }
}
