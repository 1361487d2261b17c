package dev.edgewise.app.cli;

import dev.edgewise.app.cli.UserErrorHandler.UserInputException;
import dev.edgewise.bridge.plan.CompileOptions;
import dev.edgewise.bridge.plan.CompiledPlan;
import dev.edgewise.bridge.plan.PlanCompiler;
import dev.edgewise.bridge.session.DeviceSession;
import dev.edgewise.bridge.session.Devices;
import dev.edgewise.bridge.session.RunOptions;
import dev.edgewise.bridge.session.RunResult;
import dev.edgewise.bridge.session.RunStatus;
import dev.edgewise.core.analysis.Analyzer;
import dev.edgewise.core.analysis.DimBindings;
import dev.edgewise.core.eval.Dataset;
import dev.edgewise.core.eval.OrtModel;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.optimize.OptimizationSettings;
import dev.edgewise.core.optimize.Optimizer;
import dev.edgewise.core.report.Report;
import dev.edgewise.core.report.ReportService;
import dev.edgewise.core.spi.ImportOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code edgewise profile MODEL --device ID}: import, compile for the device runtime, run on the
 * device through a session, print latency, per-layer times, energy and provenance; optionally check
 * the outputs against ONNX Runtime and compare with an optimized model on the same session.
 */
@Command(name = "profile", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Compile a model for the device runtime, run it on a device and report latency, per-layer times,",
        "energy (when the device has a power sensor) and where every number came from.",
        "Exit status: 0 done, 1 the run failed on the device (partial results are still printed), 2 user error,",
        "130 interrupted (Ctrl-C cancels the run; what was measured is printed)."})
final class ProfileCommand implements Callable<Integer> {
    enum Format { table, json }

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Model file (.onnx, or a format a plugin reads).")
    Path model;

    @Option(names = {"-d", "--device"}, paramLabel = "ID", defaultValue = Devices.DEFAULT_DEVICE,
        description = "Device id from 'edgewise devices' (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N", description = "Worker threads on the device (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--warmup", defaultValue = "10", paramLabel = "N", description = "Warm-up iterations, never counted (default: ${DEFAULT-VALUE}).")
    int warmup;

    @ArgGroup(exclusive = true)
    Length length = new Length();

    static final class Length {
        @Option(names = "--iterations", paramLabel = "N", description = "Measured iterations (default: 50).")
        Integer iterations;

        @Option(names = "--duration", paramLabel = "SECONDS", description = "Measure for this long instead of a number of iterations.")
        Double duration;
    }

    @Option(names = "--per-layer", description = "Time every layer of the plan.")
    boolean perLayer;

    @Option(names = "--top", defaultValue = "15", paramLabel = "N", description = "Layers shown in the table with --per-layer (default: ${DEFAULT-VALUE}; JSON has all).")
    int top;

    @Option(names = "--cpus", split = ",", paramLabel = "LIST", description = "Pin worker thread i to CPU LIST[i mod n], e.g. --cpus 4,5,6,7.")
    List<Integer> cpus = List.of();

    @Option(names = "--sensor-rate", defaultValue = "50", paramLabel = "HZ", description = "Power/thermal/frequency sampling rate; 0 = off (default: ${DEFAULT-VALUE}).")
    double sensorRate;

    @Option(names = "--check", description = "Also run the same input(s) in ONNX Runtime on this computer and report the device outputs' error and top-1 agreement.")
    boolean check;

    @Option(names = "--inputs", paramLabel = "FILE", description = "Input rows: CSV (one sample per row, optional integer label first) or .npy. Default: one seeded random input.")
    Path inputs;

    @Option(names = "--rows", defaultValue = "32", paramLabel = "N", description = "With --inputs: rows checked/compared, one single-iteration run each (default: ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--seed", defaultValue = "1", paramLabel = "N", description = "Seed of the random input used without --inputs (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--optimized", paramLabel = "OPT.onnx", description = "Also run this optimized model on the same session and report the deltas.")
    Path optimized;

    @Option(names = "--settings", paramLabel = "SETTINGS.json", description = "Optimize MODEL with these settings (as 'edgewise optimize --settings') and compare like --optimized.")
    Path settingsFile;

    @Option(names = "--input", paramLabel = "NAME=SHAPE", description = "Override an input's shape, e.g. --input input=1x1x8x8 (repeatable).")
    List<String> inputShapes = List.of();

    @Option(names = "--dim", paramLabel = "SYMBOL=VALUE", description = "Bind a symbolic dimension, e.g. --dim batch_size=1 (repeatable).")
    List<String> dims = List.of();

    @Option(names = "--import-option", paramLabel = "KEY=VALUE", description = "Importer setting (repeatable).")
    List<String> importOptions = List.of();

    @Option(names = "--sparse", defaultValue = "auto", paramLabel = "auto|always|never",
        description = "CSR kernels for pruned fully-connected and 1x1 conv layers: auto (from --sparse-threshold zeros), always, never (default: ${DEFAULT-VALUE}).")
    String sparse;

    @Option(names = "--sparse-threshold", paramLabel = "FRACTION",
        description = "Fraction of zero weights from which 'auto' takes the sparse kernel (default: the measured break-even, see device-bridge/docs/plan-compiler.md).")
    Double sparseThreshold;

    @Option(names = "--f16-weights", description = "Store conv/FC weights as fp16 in the plan (widened to fp32 when loaded: half the upload).")
    boolean f16Weights;

    @Option(names = "--f16-arithmetic", description = "Let GEMM-based layers compute in fp16 on CPUs with FEAT_FP16 (others compute in fp32).")
    boolean f16Arithmetic;

    @Option(names = "--format", defaultValue = "table", description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the results to FILE (atomically) instead of standard output.")
    Path output;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the report of MODEL with the device section of its (baseline) run: .html .pdf .md .csv .json (repeatable).")
    List<Path> reports = List.of();

    @Option(names = "--verbose", description = "Show stack traces of errors.")
    boolean verbose;

    /** A model ready to run: the graph, its plan and its analysis (for the energy estimate and the report). */
    record Subject(String role, String source, Graph graph, CompiledPlan plan, byte[] planBytes,
                   dev.edgewise.core.analysis.ModelAnalysis analysis) {
    }

    /** The inputs fed to the device: row 0 drives the timed run; the others are checked one run each. */
    record Inputs(List<float[]> rows, int[] labels, String description, boolean random) {
        int label(int row) {
            return labels == null ? -1 : labels[row];
        }
    }

    @Override
    public Integer call() throws EdgewiseException {
        validate();
        PrintWriter err = spec.commandLine().getErr();
        ReportService reportService = reports.isEmpty() ? null : ReportCommand.service();
        for (Path r : reports) {
            reportService.writers().forFile(r); // refuse an unknown extension before anything runs
            ProfileOutput.checkWritable(r, "the report");
        }
        Analyzer analyzer = Analyzer.withDefaults();
        analyzer.importers().problems().forEach(p -> err.println("warning: plugin skipped: " + p));
        DimBindings bindings = new DimBindings(AnalyzeCommand.parseDims(dims), AnalyzeCommand.parseInputs(inputShapes));
        Graph graph = analyzer.importers().load(model,
            new ImportOptions(AnalyzeCommand.parsePairs(importOptions, "--import-option")));
        Subject base = subject("baseline", model.toString(), graph, analyzer, bindings);
        Subject opt = optimizedSubject(graph, analyzer, bindings);
        Inputs in = inputs(base);
        if (in.random() && check) {
            err.println("note: checking on a seeded random input (" + in.description() + "); use --inputs for real data");
        }
        Map<String, List<Map<String, float[]>>> references = new java.util.HashMap<>();
        if (check) {
            references.put(base.role(), ProfileRuns.reference(base, in));
            if (opt != null) {
                references.put(opt.role(), ProfileRuns.reference(opt, in));
            }
        }
        ProfileRuns.Outcome outcome;
        try (RunDriver driver = new RunDriver(err, System.console() != null);
             DeviceSession session = open(device)) {
            ProfileRuns runs = new ProfileRuns(driver, session, this::runOptions, references, opt != null, err);
            outcome = runs.profile(base, opt, in);
            finish(outcome, analyzer, reportService);
        }
        return exitCode(outcome);
    }

    private void finish(ProfileRuns.Outcome outcome, Analyzer analyzer, ReportService reportService) throws EdgewiseException {
        PrintWriter err = spec.commandLine().getErr();
        outcome.failures().forEach(f -> err.println("edgewise: " + f));
        String text = format == Format.json ? ProfileJson.render(outcome) : ProfileText.render(outcome, top);
        ProfileOutput.emit(spec.commandLine().getOut(), output, text);
        if (output != null) {
            err.println("wrote " + output.toAbsolutePath());
        }
        for (Path r : reports) {
            Report report = reportService.fromAnalysis(outcome.baseline().subject().analysis())
                .withDevice(DeviceReport.section(outcome.baseline(), outcome.info(), outcome.device()));
            err.println("wrote " + reportService.write(report, r));
        }
    }

    private static int exitCode(ProfileRuns.Outcome o) {
        if (o.interrupted()) {
            return RunDriver.INTERRUPTED_EXIT;
        }
        boolean failed = o.baseline().result().status() == RunStatus.FAILED || !o.failures().isEmpty()
            || o.optimized() != null && o.optimized().result().status() == RunStatus.FAILED;
        return failed ? UserErrorHandler.FAILURE : 0;
    }

    private void validate() {
        if (threads < 1 || threads > 1024) {
            throw new UserInputException("--threads " + threads + ": must be between 1 and 1024");
        }
        if (warmup < 0) {
            throw new UserInputException("--warmup " + warmup + ": cannot be negative");
        }
        if (length.iterations != null && length.iterations < 1) {
            throw new UserInputException("--iterations " + length.iterations + ": must be at least 1");
        }
        if (length.duration != null && !(length.duration > 0 && length.duration <= 3600)) {
            throw new UserInputException("--duration " + length.duration + ": must be more than 0 and at most 3600 seconds");
        }
        if (!(sensorRate >= 0 && sensorRate <= 1000)) {
            throw new UserInputException("--sensor-rate " + sensorRate + ": must be between 0 and 1000 Hz");
        }
        if (sparseThreshold != null && !(sparseThreshold >= 0 && sparseThreshold <= 1)) {
            throw new UserInputException("--sparse-threshold " + sparseThreshold + ": must be a fraction of zeros between 0 and 1");
        }
        sparsePolicy();
        if (rows < 1) {
            throw new UserInputException("--rows " + rows + ": must be at least 1");
        }
        if (cpus.stream().anyMatch(c -> c < 0 || c >= 1024)) {
            throw new UserInputException("--cpus " + cpus + ": CPU numbers must be between 0 and 1023");
        }
        if (optimized != null && settingsFile != null) {
            throw new UserInputException("--optimized and --settings: give one of them");
        }
        ProfileOutput.checkWritable(output, "-o");
    }

    private CompileOptions.SparsePolicy sparsePolicy() {
        try {
            return CompileOptions.SparsePolicy.valueOf(sparse.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UserInputException("--sparse must be auto, always or never, got '" + sparse + "'");
        }
    }

    RunOptions runOptions(Map<String, float[]> feed, boolean timed) {
        if (!timed) {
            return new RunOptions(0, 1, 0, threads, cpus, false, 0, feed, true);
        }
        int iterations = length.duration != null ? 0 : length.iterations != null ? length.iterations : 50;
        double duration = length.duration != null ? length.duration : 0;
        return new RunOptions(warmup, iterations, duration, threads, cpus, perLayer, sensorRate, feed, true);
    }

    private Subject subject(String role, String source, Graph g, Analyzer analyzer, DimBindings bindings)
            throws EdgewiseException {
        CompiledPlan plan;
        try {
            byte[] sha = g.metadata().sha256().isEmpty() ? null : java.util.HexFormat.of().parseHex(g.metadata().sha256());
            plan = PlanCompiler.compile(g, new CompileOptions(bindings, Map.of(), null, g.name(), sha,
                sparsePolicy(), sparseThreshold == null ? CompileOptions.DEFAULT_SPARSE_THRESHOLD : sparseThreshold,
                f16Weights, f16Arithmetic));
        } catch (EdgewiseException e) {
            throw new EdgewiseException(e.code(), source + ": cannot compile for the device runtime: " + e.getMessage(), e);
        }
        return new Subject(role, source, g, plan, plan.plan().toByteArray(), analyzer.analyze(g, bindings));
    }

    private Subject optimizedSubject(Graph original, Analyzer analyzer, DimBindings bindings) throws EdgewiseException {
        if (optimized != null) {
            Graph g = analyzer.importers().load(optimized, ImportOptions.DEFAULT);
            return subject("optimized", optimized.toString(), g, analyzer, bindings);
        }
        if (settingsFile == null) {
            return null;
        }
        OptimizationSettings s = OptimizationSettings.read(settingsFile);
        if (s.sourceModelSha256() != null && !original.metadata().sha256().isEmpty()
                && !s.sourceModelSha256().equals(original.metadata().sha256())) {
            spec.commandLine().getErr().println("warning: " + settingsFile + " was made for a different model (sha256 "
                + s.sourceModelSha256() + ")");
        }
        Optimizer.Outcome o = Optimizer.optimize(original, s, null, m -> { });
        return subject("optimized", model + " + " + settingsFile, o.graph(), analyzer, bindings);
    }

    private Inputs inputs(Subject base) throws EdgewiseException {
        long elements = ProfileRuns.inputElements(base.plan());
        if (inputs == null) {
            Dataset d = Dataset.random(1, elements, seed);
            return new Inputs(d.samples(), null, "seeded uniform [0, 1) input, seed " + seed, true);
        }
        Dataset d = Dataset.load(inputs, elements).first(rows);
        if (d.size() == 0) {
            throw new EdgewiseException(ErrorCode.FILE_EMPTY, inputs + ": no input rows");
        }
        return new Inputs(d.samples(), d.labels(), d.size() + " row(s) of " + inputs, false);
    }

    private static DeviceSession open(String id) {
        try {
            return Devices.standard().open(id);
        } catch (IOException | IllegalArgumentException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            throw new UserInputException(m.contains(id) ? m : "device '" + id + "': " + m);
        }
    }

    static List<String> names(List<dev.edgewise.core.ir.TensorInfo> tensors) {
        List<String> out = new ArrayList<>();
        tensors.forEach(t -> out.add(t.name()));
        return out;
    }
}
