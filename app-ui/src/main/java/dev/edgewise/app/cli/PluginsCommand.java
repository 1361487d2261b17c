package dev.edgewise.app.cli;

import dev.edgewise.core.spi.PluginLoader;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

/** {@code edgewise plugins}: the model importers loaded, where each came from, and what was skipped. */
@Command(name = "plugins", mixinStandardHelpOptions = true,
    description = {"List the model importers: built in, bundled plugins, and jars in the plugin folder.",
        "Plugin folder: -Dedgewise.plugins.dir, else $XDG_CONFIG_HOME/edgewise/plugins, else ~/.config/edgewise/plugins."})
final class PluginsCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PluginLoader.Result r = PluginLoader.load();
        PrintWriter out = spec.commandLine().getOut();
        TextTable t = new TextTable("Id", "Format", "Version", "Extensions", "Source");
        for (PluginLoader.PluginInfo p : r.plugins()) {
            t.row(p.id(), p.formatName(), p.version(), String.join(", ", p.extensions()),
                p.fromPluginFolder() ? p.source() : "built in");
        }
        out.print(t.render(5));
        out.println();
        out.println("Plugin folder: " + r.pluginDir() + (java.nio.file.Files.isDirectory(r.pluginDir()) ? "" : " (does not exist)"));
        if (!r.problems().isEmpty()) {
            out.println(r.problems().size() + " plugin(s) skipped:");
            r.problems().forEach(p -> out.println("  - " + p));
        }
        out.flush();
        return 0;
    }
}
