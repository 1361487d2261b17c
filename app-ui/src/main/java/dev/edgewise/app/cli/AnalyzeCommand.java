package dev.edgewise.app.cli;

import dev.edgewise.app.cli.UserErrorHandler.UserInputException;
import dev.edgewise.core.analysis.AnalysisJson;
import dev.edgewise.core.analysis.Analyzer;
import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.analysis.ModelAnalysis;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Shape;
import dev.edgewise.core.report.Report;
import dev.edgewise.core.report.ReportService;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.util.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code edgewise analyze MODEL}: per-layer params, MACs, FLOPs, memory and energy estimate. */
@Command(name = "analyze", mixinStandardHelpOptions = true,
    description = "Per-layer parameters, MACs, FLOPs, memory and an energy estimate of a model.")
final class AnalyzeCommand implements Callable<Integer> {
    enum Format { table, json, csv, md }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Model file (.onnx, or a format a plugin reads).")
    Path model;

    @Option(names = "--input", paramLabel = "NAME=SHAPE",
        description = "Override an input's shape, e.g. --input input=1x3x224x224 (repeatable).")
    List<String> inputs = List.of();

    @Option(names = "--dim", paramLabel = "SYMBOL=VALUE",
        description = "Bind a symbolic dimension, e.g. --dim batch_size=1 (repeatable).")
    List<String> dims = List.of();

    @Option(names = "--import-option", paramLabel = "KEY=VALUE",
        description = "Importer setting, e.g. --import-option batch=1 for Caffe deploy files (repeatable).")
    List<String> importOptions = List.of();

    @Option(names = "--format", defaultValue = "table", description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard output.")
    Path output;

    @Option(names = "--report", paramLabel = "FILE",
        description = "Also write a report; the format follows the extension: .html .pdf .md .csv .json (repeatable).")
    List<Path> reports = List.of();

    @Option(names = "--verbose", description = "Show stack traces of errors.")
    boolean verbose;

    @Override
    public Integer call() throws EdgewiseException {
        DimBindings bindings = new DimBindings(parseDims(dims), parseInputs(inputs));
        ImportOptions options = new ImportOptions(parsePairs(importOptions, "--import-option"));
        ReportService reportService = reports.isEmpty() ? null : ReportCommand.service();
        for (Path r : reports) {
            reportService.writers().forFile(r); // refuse an unknown extension before the analysis runs
        }
        Analyzer analyzer = Analyzer.withDefaults();
        analyzer.importers().problems().forEach(p -> spec.commandLine().getErr().println("warning: plugin skipped: " + p));
        ModelAnalysis analysis = analyzer.analyze(model, options, bindings);
        String text = switch (format) {
            case json -> AnalysisJson.toJsonString(analysis);
            case table -> AnalysisText.table(analysis);
            case csv, md -> renderAsReport(analysis, format.name());
        };
        emit(text);
        if (!reports.isEmpty()) {
            Report report = reportService.fromAnalysis(analysis);
            for (Path r : reports) {
                spec.commandLine().getErr().println("wrote " + reportService.write(report, r));
            }
        }
        if (format != Format.table || output != null) {
            analysis.warnings().forEach(w -> spec.commandLine().getErr().println("warning: " + w));
        }
        return 0;
    }

    /** CSV and Markdown are the report writers' own formats: one implementation of each. */
    private static String renderAsReport(ModelAnalysis analysis, String format) throws EdgewiseException {
        ReportService reports = ReportService.withDefaults();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            reports.writers().forFormat(format).write(reports.fromAnalysis(analysis), out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private void emit(String text) {
        if (output == null) {
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
            return;
        }
        try {
            AtomicFiles.writeString(output, text);
        } catch (IOException e) {
            throw new UserInputException(output + ": cannot write: " + e.getMessage());
        }
    }

    static Map<String, Long> parseDims(List<String> specs) {
        Map<String, Long> out = new LinkedHashMap<>();
        parsePairs(specs, "--dim").forEach((k, v) -> {
            try {
                long n = Long.parseLong(v);
                if (n < 0) {
                    throw new UserInputException("--dim " + k + "=" + v + ": a dimension cannot be negative");
                }
                out.put(k, n);
            } catch (NumberFormatException e) {
                throw new UserInputException("--dim " + k + "=" + v + ": '" + v + "' is not a whole number");
            }
        });
        return out;
    }

    static Map<String, Shape> parseInputs(List<String> specs) {
        Map<String, Shape> out = new LinkedHashMap<>();
        parsePairs(specs, "--input").forEach((k, v) -> {
            try {
                out.put(k, Shape.parse(v));
            } catch (IllegalArgumentException e) {
                throw new UserInputException("--input " + k + "=" + v + ": " + e.getMessage()
                    + " (expected e.g. 1x3x224x224)");
            }
        });
        return out;
    }

    static Map<String, String> parsePairs(List<String> specs, String option) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String s : specs) {
            int eq = s.lastIndexOf('=');
            if (eq <= 0 || eq == s.length() - 1) {
                throw new UserInputException(option + " " + s + ": expected NAME=VALUE");
            }
            out.put(s.substring(0, eq), s.substring(eq + 1));
        }
        return out;
    }
}
