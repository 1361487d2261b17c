package dev.edgewise.bridge.remote;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** POSIX shell quoting for command lines sent to a device (adb exec:, ssh exec run them through sh -c). */
public final class ShellWords {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./=:,+@%-]+");
    private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_.+-]{1,128}");

    private ShellWords() {
    }

    /** The word unchanged when it needs no quoting, else single-quoted. */
    public static String quote(String word) {
        if (!word.isEmpty() && SAFE.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }

    public static String join(List<String> argv) {
        return argv.stream().map(ShellWords::quote).collect(Collectors.joining(" "));
    }

    /** Rejects names that could escape the work folder or need quoting ("../x", "a/b", "", "."). */
    public static String checkFileName(String name) {
        if (!FILE_NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("file name '" + name + "' for the device: use letters, digits, '.', '_', '+', '-' only");
        }
        return name;
    }

    /** Joins a device folder and a file name with exactly one '/'. */
    public static String child(String folder, String name) {
        return (folder.endsWith("/") ? folder : folder + "/") + name;
    }
}
