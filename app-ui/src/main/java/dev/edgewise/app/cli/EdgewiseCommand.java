package dev.edgewise.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level command: {@code edgewise [--help|--version] SUBCOMMAND ...}. */
@Command(name = "edgewise",
    mixinStandardHelpOptions = true,
    versionProvider = EdgewiseCommand.Version.class,
    description = "Edgewise: profile, optimize and deploy deep-learning models to ARM devices.%n"
        + "Run without arguments to open the workbench window.",
    subcommands = {AnalyzeCommand.class, ProfileCommand.class, DevicesCommand.class, ReportCommand.class, PluginsCommand.class, OptimizeCommand.class, SensitivityCommand.class, ZooCommand.class, GuiCommand.class, CommandLine.HelpCommand.class})
public final class EdgewiseCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Runs the command line and returns the process exit code (0 ok, 2 user error, 1 failure). */
    public static int run(String[] args) {
        CommandLine cl = commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        return cl.execute(args);
    }

    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new EdgewiseCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(new UserErrorHandler());
        cl.setParameterExceptionHandler(UserErrorHandler::onBadParameters);
        return cl;
    }

    /**
     * Opens the workbench window. Reached by reflection so that command-line runs never load
     * JavaFX (start-up time, and no display libraries needed for the CLI).
     */
    public static int openGui(String[] args) {
        try {
            Class<?> launcher = Class.forName("dev.edgewise.app.gui.GuiLauncher");
            launcher.getMethod("launch", String[].class).invoke(null, (Object) args);
            return 0;
        } catch (ClassNotFoundException e) {
            System.err.println("edgewise: the workbench window is missing from this build; use a subcommand (edgewise --help)");
            return 2;
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            System.err.println("edgewise: cannot open the workbench window: " + cause);
            return 1;
        }
    }

    public static String version() {
        Properties p = new Properties();
        try (InputStream in = EdgewiseCommand.class.getResourceAsStream("/dev/edgewise/app/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"edgewise " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
