package dev.edgewise.app.cli;

import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.report.Report;
import dev.edgewise.core.report.ReportFactory;
import dev.edgewise.core.report.ReportService;
import dev.edgewise.core.report.ReportWriters;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code edgewise report RESULT.json -o FILE.html|pdf|md|csv|json}: renders a saved report again. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Render a report saved as JSON (by --report FILE.json) in another format.",
        "The format follows each output's extension: .html .pdf .md .csv .json."})
final class ReportCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RESULT.json", description = "A report saved as JSON.")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE",
        description = "Report file to write; repeat the option for several formats.")
    List<Path> outputs;

    @Option(names = "--title", paramLabel = "TEXT", description = "Replace the report's title.")
    String title;

    @Option(names = "--verbose", description = "Show stack traces of errors.")
    boolean verbose;

    /** The service with this build's version as the report generator. */
    static ReportService service() {
        return new ReportService(ReportWriters.fromClasspath(),
            new ReportFactory("Edgewise " + EdgewiseCommand.version(), Clock.systemUTC()));
    }

    @Override
    public Integer call() throws EdgewiseException {
        ReportService reports = service();
        for (Path out : outputs) {
            reports.writers().forFile(out); // refuse an unknown extension before writing anything
        }
        Report report = reports.read(input);
        if (title != null) {
            report = report.withTitle(title);
        }
        for (Path out : outputs) {
            Path written = reports.write(report, out);
            spec.commandLine().getErr().println("wrote " + written);
        }
        return 0;
    }
}
