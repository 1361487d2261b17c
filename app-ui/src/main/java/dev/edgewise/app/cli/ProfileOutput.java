package dev.edgewise.app.cli;

import dev.edgewise.app.cli.UserErrorHandler.UserInputException;
import dev.edgewise.core.util.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where a command's main output goes: standard output, or a file replaced atomically. */
final class ProfileOutput {
    private ProfileOutput() {
    }

    static void emit(PrintWriter out, Path output, String text) {
        if (output == null) {
            out.print(text);
            out.flush();
            return;
        }
        try {
            AtomicFiles.writeString(output, text);
        } catch (IOException e) {
            throw new UserInputException(output + ": cannot write: " + reason(e));
        }
    }

    static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /**
     * Refuses an output whose folder is missing or read-only before a long run starts, so a typo
     * costs nothing. The write itself is still atomic and can still fail (disk full).
     */
    static void checkWritable(Path output, String option) {
        if (output == null) {
            return;
        }
        Path dir = output.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new UserInputException(output + ": cannot write " + option + ": folder " + dir + " does not exist");
        }
        if (Files.isDirectory(output)) {
            throw new UserInputException(output + ": cannot write " + option + ": it is a folder");
        }
        if (Files.exists(output) && !Files.isWritable(output)) {
            throw new UserInputException(output + ": cannot write " + option + ": permission denied");
        }
        try {
            // the only sure test: the atomic write will create its temporary file in this folder
            Files.delete(Files.createTempFile(dir, ".edgewise-probe.", ".part"));
        } catch (IOException e) {
            String why = reason(e);
            throw new UserInputException(output + ": cannot write " + option + ": cannot create a file in " + dir
                + (why.contains(dir.toString()) ? "" : " (" + why + ")"));
        }
    }
}
