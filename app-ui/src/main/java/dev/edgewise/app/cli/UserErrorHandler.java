package dev.edgewise.app.cli;

import dev.edgewise.core.ir.EdgewiseException;
import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * User errors (a bad file, a bad option) print one line and exit with 2; anything else is a bug
 * and exits with 1. Stack traces only with --verbose.
 */
final class UserErrorHandler implements CommandLine.IExecutionExceptionHandler {
    static final int USER_ERROR = 2;
    static final int FAILURE = 1;

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean verbose = parsed.hasMatchedOption("--verbose")
            || (parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--verbose"));
        if (ex instanceof EdgewiseException e && e.code().isUserError()) {
            err.println("edgewise: " + e.getMessage());
            if (verbose) {
                e.printStackTrace(err);
            }
            return USER_ERROR;
        }
        if (ex instanceof UserInputException u) {
            err.println("edgewise: " + u.getMessage());
            return USER_ERROR;
        }
        err.println("edgewise: internal error: " + ex + (verbose ? "" : " (run with --verbose for details)"));
        if (verbose) {
            ex.printStackTrace(err);
        }
        return FAILURE;
    }

    static int onBadParameters(CommandLine.ParameterException ex, String[] args) {
        PrintWriter err = ex.getCommandLine().getErr();
        err.println("edgewise: " + ex.getMessage());
        err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
        return USER_ERROR;
    }

    /** An error in what the user typed that is not about a model (e.g. an unwritable output path). */
    static final class UserInputException extends RuntimeException {
        UserInputException(String message) {
            super(message);
        }
    }
}
