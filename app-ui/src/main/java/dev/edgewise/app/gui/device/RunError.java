package dev.edgewise.app.gui.device;

import dev.edgewise.bridge.session.RunEvent;
import dev.edgewise.bridge.transport.DeviceKind;
import dev.edgewise.core.ir.EdgewiseException;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * A problem the Device panel shows in a dialog: what happened (title), the details (messages,
 * device output), and what to try next. Built from the stage that failed, so the advice fits.
 */
public record RunError(String title, String details, String whatToTry) {

    /** The plan compiler refused the model (an op the runtime lacks, an unbound input dim, ...). */
    public static RunError compileFailed(String model, Throwable t) {
        String msg = messageOf(t);
        boolean dims = t instanceof EdgewiseException e && e.code() == EdgewiseException.ErrorCode.INVALID_DIMENSION;
        String advice = dims
            ? "Give the model fixed input sizes (export it with a fixed batch size), then run again."
            : "The device runtime cannot run this model as it is. Replace or remove the layer named above (the "
                + "supported ops are listed in device-bridge/docs/plan-compiler.md), or keep to the host analysis.";
        return new RunError("Cannot compile " + model + " for the device runtime", msg, advice);
    }

    /** Opening a session failed: no transport, device not reachable, agent could not start. */
    public static RunError connectFailed(String deviceId, DeviceKind kind, Throwable t) {
        String advice = switch (kind == null ? DeviceKind.LOCAL : kind) {
            case EMULATED -> "Check that qemu-user is installed (apt-get install qemu-user), then Refresh the "
                + "device list.";
            case ADB -> "Check that the phone is listed by `adb devices` and that USB debugging is authorised, "
                + "then Refresh.";
            case SSH -> "Check the address, that the board is on and that key login works (`ssh USER@HOST`).";
            case LOCAL -> "Check that the agent binary for this computer is in the device-bridge jar "
                + "(build without -Dedgewise.agent.skip).";
        };
        return new RunError("Cannot connect to " + deviceId, messageOf(t), advice);
    }

    /** The run ended with a fatal failure reported by the session. */
    public static RunError runFailed(String deviceId, RunEvent.Failed f, int iterations) {
        String measured = iterations > 0 ? " The " + iterations + " iterations measured before are kept in Results."
            : "";
        return switch (f.kind()) {
            case AGENT_EXITED -> new RunError("The agent on " + deviceId + " stopped during the run", f.message(),
                "Run again; if it stops again, try 1 thread and no CPU affinity, and report the model and the "
                    + "message above." + measured);
            case AGENT_SILENT -> new RunError("The agent on " + deviceId + " stopped answering", f.message(),
                "The device may be overloaded or asleep. Wake it, then run again (the session is reopened)." + measured);
            case CONNECTION_LOST -> new RunError(deviceId + " is gone", f.message(),
                "Reconnect the device (cable, network), press Refresh, select it and run again." + measured);
            case AGENT_ERROR -> new RunError("The agent on " + deviceId + " refused the run", f.message(),
                "Check the run options (threads, CPU numbers in the affinity list must exist on the device)." + measured);
            case INTERNAL -> new RunError("Edgewise failed while running on " + deviceId, f.message(),
                "This is a bug in Edgewise; please report the details." + measured);
        };
    }

    /** Anything else that should not happen; the details hold the stack trace. */
    public static RunError internal(String what, Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return new RunError(what, messageOf(t) + "\n\n" + w, "This is a bug in Edgewise; please report the details.");
    }

    static String messageOf(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && (root.getMessage() == null || root instanceof java.util.concurrent.ExecutionException)) {
            root = root.getCause();
        }
        String m = root.getMessage();
        String text = m == null || m.isBlank() ? root.getClass().getSimpleName() : m;
        if (root instanceof EdgewiseException ee) {
            return text + " [" + ee.code() + "]";
        }
        return text;
    }
}
