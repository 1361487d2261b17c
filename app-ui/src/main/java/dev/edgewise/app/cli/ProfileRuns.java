package dev.edgewise.app.cli;

import dev.edgewise.app.cli.ProfileCommand.Inputs;
import dev.edgewise.app.cli.ProfileCommand.Subject;
import dev.edgewise.bridge.plan.CompiledPlan;
import dev.edgewise.bridge.plan.proto.Plan;
import dev.edgewise.bridge.proto.DeviceInfo;
import dev.edgewise.bridge.session.DeviceSession;
import dev.edgewise.bridge.session.RunOptions;
import dev.edgewise.bridge.session.RunResult;
import dev.edgewise.bridge.session.RunStatus;
import dev.edgewise.bridge.transport.DeviceDescriptor;
import dev.edgewise.core.eval.OrtModel;
import dev.edgewise.core.ir.EdgewiseException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The runs behind one {@code edgewise profile}: the timed run of the baseline (row 0 of the inputs,
 * outputs returned), one single-iteration run per further row when outputs are checked or compared,
 * the same for the optimized model on the same session, then the comparisons. A run that does not
 * complete stops the rest; what it measured is kept.
 */
final class ProfileRuns {
    /** One model's runs: the timed result, the outputs of every row run, and the check against ONNX Runtime. */
    record Profiled(Subject subject, RunOptions options, String inputDescription, RunResult result,
                    List<Map<String, float[]>> rowOutputs, OutputCheck.Comparison check) {
        Profiled {
            rowOutputs = List.copyOf(rowOutputs);
        }
    }

    /** Everything the text, JSON and report renderers need. */
    record Outcome(DeviceDescriptor device, DeviceInfo info, Profiled baseline, Profiled optimized,
                   OutputCheck.Comparison agreement, boolean interrupted, List<String> failures) {
        Outcome {
            failures = List.copyOf(failures);
        }
    }

    private final RunDriver driver;
    private final DeviceSession session;
    private final BiFunction<Map<String, float[]>, Boolean, RunOptions> options;
    private final boolean check;
    private final boolean comparing;
    private final PrintWriter err;
    private final List<String> failures = new ArrayList<>();

    ProfileRuns(RunDriver driver, DeviceSession session, BiFunction<Map<String, float[]>, Boolean, RunOptions> options,
                boolean check, boolean comparing, PrintWriter err) {
        this.driver = driver;
        this.session = session;
        this.options = options;
        this.check = check;
        this.comparing = comparing;
        this.err = err;
    }

    Outcome profile(Subject base, Subject opt, Inputs in) throws EdgewiseException {
        Profiled b = one(base, in);
        Profiled o = null;
        if (opt != null && ok(b) && !driver.interrupted()) {
            o = one(opt, in);
        }
        OutputCheck.Comparison agreement = null;
        if (o != null && ok(o)) {
            agreement = compare(b, o, in);
        }
        return new Outcome(session.device(), session.deviceInfo(), b, o, agreement, driver.interrupted(), failures);
    }

    private static boolean ok(Profiled p) {
        return p.result().status() == RunStatus.COMPLETED && p.rowOutputs().size() > 0;
    }

    private Profiled one(Subject s, Inputs in) throws EdgewiseException {
        String input = inputName(s.plan());
        String who = s.role() + " on " + session.device().id();
        RunOptions timed = options.apply(Map.of(input, in.rows().get(0)), true);
        RunResult r = driver.run(session, s.planBytes(), timed, who);
        List<String> outputNames = ProfileCommand.names(s.graph().outputs());
        List<Map<String, float[]>> rowOutputs = new ArrayList<>();
        if (r.status() != RunStatus.COMPLETED) {
            r.failure().ifPresent(f -> failures.add("device " + session.device().id() + ": " + s.role() + " run failed: "
                + f.kind() + ": " + f.message()));
            return new Profiled(s, timed, in.description(), r, rowOutputs, null);
        }
        rowOutputs.add(OutputCheck.values(r.outputs(), outputNames));
        if (check || comparing) {
            for (int i = 1; i < in.rows().size() && !driver.interrupted(); i++) {
                RunResult ri = driver.run(session, s.planBytes(), options.apply(Map.of(input, in.rows().get(i)), false),
                    who + ", row " + (i + 1) + "/" + in.rows().size());
                if (ri.status() != RunStatus.COMPLETED) {
                    failures.add("device " + session.device().id() + ": " + s.role() + " run of input row " + (i + 1)
                        + " did not complete" + ri.failure().map(f -> ": " + f.kind() + ": " + f.message()).orElse(""));
                    break;
                }
                rowOutputs.add(OutputCheck.values(ri.outputs(), outputNames));
            }
        }
        OutputCheck.Comparison c = check ? againstOrt(s, in, rowOutputs) : null;
        return new Profiled(s, timed, in.description(), r, rowOutputs, c);
    }

    /** ONNX Runtime on this computer runs the same rows; the device's outputs are compared with its. */
    private OutputCheck.Comparison againstOrt(Subject s, Inputs in, List<Map<String, float[]>> device)
            throws EdgewiseException {
        OutputCheck c = new OutputCheck("ONNX Runtime " + ortVersion() + " on this computer");
        try (OrtModel ort = OrtModel.open(s.graph(), 1)) {
            for (int i = 0; i < device.size(); i++) {
                c.add(ort.run(in.rows().get(i)), device.get(i), in.label(i));
            }
        }
        OutputCheck.Comparison result = c.result();
        if (!result.unmatched().isEmpty()) {
            err.println("warning: " + s.source() + ": outputs not compared: " + String.join(", ", result.unmatched()));
        }
        return result;
    }

    private static OutputCheck.Comparison compare(Profiled base, Profiled opt, Inputs in) {
        OutputCheck c = new OutputCheck("baseline " + base.subject().source() + " on the same device");
        int n = Math.min(base.rowOutputs().size(), opt.rowOutputs().size());
        for (int i = 0; i < n; i++) {
            c.add(base.rowOutputs().get(i), opt.rowOutputs().get(i), in.label(i));
        }
        return c.result();
    }

    static String ortVersion() {
        Package p = ai.onnxruntime.OrtEnvironment.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "(Java API)" : v;
    }

    /** The plan's first input tensor's name: what the agent feeds. */
    static String inputName(CompiledPlan plan) {
        Plan p = plan.plan();
        return p.getTensors(p.getInputs(0)).getName();
    }

    static long inputElements(CompiledPlan plan) {
        Plan p = plan.plan();
        if (p.getInputsCount() != 1) {
            throw new UserErrorHandler.UserInputException(p.getModelName() + ": profile feeds models with one input; this one has "
                + p.getInputsCount());
        }
        long n = 1;
        for (int d : p.getTensors(p.getInputs(0)).getDimsList()) {
            n *= d;
        }
        return n;
    }
}
