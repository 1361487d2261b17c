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

    private static final long ORT_STACK_BYTES = 64L << 20;

    private final RunDriver driver;
    private final DeviceSession session;
    private final BiFunction<Map<String, float[]>, Boolean, RunOptions> options;
    private final boolean check;
    private final Map<String, List<Map<String, float[]>>> references;
    private final boolean comparing;
    private final PrintWriter err;
    private final List<String> failures = new ArrayList<>();

    ProfileRuns(RunDriver driver, DeviceSession session, BiFunction<Map<String, float[]>, Boolean, RunOptions> options,
                Map<String, List<Map<String, float[]>>> references, boolean comparing, PrintWriter err) {
        this.driver = driver;
        this.session = session;
        this.options = options;
        this.check = !references.isEmpty();
        this.references = references;
        this.comparing = comparing;
        this.err = err;
    }

    Outcome profile(Subject base, Subject opt, Inputs in) {
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

    private Profiled one(Subject s, Inputs in) {
        String input = inputName(s.plan());
        String who = s.role() + " on " + session.device().id();
        RunOptions timed = options.apply(Map.of(input, in.rows().get(0)), true);
        RunResult r = driver.run(session, s.planBytes(), timed, who);
        List<String> outputNames = ProfileCommand.names(s.graph().outputs());
        List<Map<String, float[]>> rowOutputs = new ArrayList<>();
        if (r.status() != RunStatus.COMPLETED) {
            // Ctrl-C on a terminal reaches the whole process group: a local or qemu agent may die of it
            // before the Cancel arrives; that is the interrupt, not a device fault
            String how = driver.interrupted() ? " run ended by Ctrl-C (" : " run failed: ";
            r.failure().ifPresent(f -> failures.add("device " + session.device().id() + ": " + s.role() + how
                + f.kind() + ": " + f.message() + (driver.interrupted() ? ")" : "")));
            return new Profiled(s, timed, in.description(), r, rowOutputs, null);
        }
        rowOutputs.add(OutputCheck.values(r.outputs(), outputNames));
        if ((check || comparing) && in.rows().size() > 1) {
            err.println("[profile] " + who + ": " + (in.rows().size() - 1) + " more input row(s), one single-iteration run each");
            for (int i = 1; i < in.rows().size() && !driver.interrupted(); i++) {
                RunResult ri = driver.run(session, s.planBytes(), options.apply(Map.of(input, in.rows().get(i)), false),
                    who + ", row " + (i + 1) + "/" + in.rows().size(), true);
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

    /**
     * ONNX Runtime on this computer runs the rows first (so a model it cannot load fails before the
     * device is busy); the device's outputs are compared with these afterwards.
     */
    static List<Map<String, float[]>> reference(Subject s, Inputs in) throws EdgewiseException {
        List<Map<String, float[]>> out = new ArrayList<>();
        EdgewiseException[] failure = new EdgewiseException[1];
        RuntimeException[] bug = new RuntimeException[1];
        Runnable work = () -> {
            try (OrtModel ort = OrtModel.open(s.graph(), 1)) {
                for (float[] row : in.rows()) {
                    out.add(ort.run(row));
                }
            } catch (EdgewiseException e) {
                failure[0] = e;
            } catch (RuntimeException e) {
                bug[0] = e;
            }
        };
        // ONNX Runtime's native session set-up overflows a default 1 MiB Java thread stack in a plain
        // `java` launch here (SIGSEGV, exit 139, no hs_err): give it a thread with room to spare
        Thread t = new Thread(null, work, "edgewise-ort-reference", ORT_STACK_BYTES);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EdgewiseException(EdgewiseException.ErrorCode.INTERNAL, "interrupted while ONNX Runtime ran", e);
        }
        if (failure[0] != null) {
            throw failure[0];
        }
        if (bug[0] != null) {
            throw bug[0];
        }
        return out;
    }

    private OutputCheck.Comparison againstOrt(Subject s, Inputs in, List<Map<String, float[]>> device) {
        OutputCheck c = new OutputCheck("ONNX Runtime " + ortVersion() + " on this computer");
        List<Map<String, float[]>> expected = references.get(s.role());
        for (int i = 0; i < device.size(); i++) {
            c.add(expected.get(i), device.get(i), in.label(i));
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
