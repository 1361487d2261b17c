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
            throw new UserInputException(output + ": cannot write: " + e.getMessage());
        }
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
        if (!Files.isWritable(dir)) {
            throw new UserInputException(output + ": cannot write " + option + ": folder " + dir + " is not writable");
        }
        if (Files.isDirectory(output)) {
            throw new UserInputException(output + ": cannot write " + option + ": it is a folder");
        }
        if (Files.exists(output) && !Files.isWritable(output)) {
            throw new UserInputException(output + ": cannot write " + option + ": permission denied");
        }
    }
}
