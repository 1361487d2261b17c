package dev.edgewise.bridge.remote;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The user's Edgewise configuration folder: {@code $XDG_CONFIG_HOME/edgewise}, else
 * {@code ~/.config/edgewise}; the system property {@value #PROPERTY} overrides both (tests). It holds
 * secrets (the ADB key pair, SSH passwords in devices.json), so it is kept owner-only: 0700 for the
 * folder, 0600 for the files written there.
 */
public final class UserConfigFolder {
    public static final String PROPERTY = "edgewise.config.dir";
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");

    private UserConfigFolder() {
    }

    public static Path location() {
        String override = System.getProperty(PROPERTY);
        if (override != null && !override.isBlank()) {
            return Path.of(override);
        }
        String xdg = System.getenv("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "edgewise");
        }
        return Path.of(System.getProperty("user.home"), ".config", "edgewise");
    }

    /** Creates the folder if needed and (re)sets it to 0700; returns it. */
    public static Path ensurePrivate() throws IOException {
        return ensurePrivate(location());
    }

    /** Creates {@code dir} if needed and (re)sets it to 0700; returns it. */
    public static Path ensurePrivate(Path dir) throws IOException {
        if (!posix()) {
            return Files.createDirectories(dir);
        }
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        }
        Files.setPosixFilePermissions(dir, DIR_MODE);
        return dir;
    }

    /** Sets a file to 0600 (no-op where the file system has no POSIX modes). */
    public static void ownerOnly(Path file) throws IOException {
        if (posix()) {
            Files.setPosixFilePermissions(file, FILE_MODE);
        }
    }

    /** A new empty 0600 file in {@code dir}, for content that must never be readable by others, not even briefly. */
    public static Path privateTempFile(Path dir, String prefix) throws IOException {
        return posix() ? Files.createTempFile(dir, prefix, ".tmp", PosixFilePermissions.asFileAttribute(FILE_MODE))
            : Files.createTempFile(dir, prefix, ".tmp");
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
