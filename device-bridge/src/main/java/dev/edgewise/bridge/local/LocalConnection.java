package dev.edgewise.bridge.local;

import dev.edgewise.bridge.transport.DeviceConnection;
import dev.edgewise.bridge.transport.DeviceDescriptor;
import dev.edgewise.bridge.transport.RemoteProcess;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A connection to this computer: files go to a private temporary folder (rwx for the owner only,
 * removed on close) and commands run as local processes, optionally behind a prefix such as
 * {@code qemu-aarch64 -cpu cortex-a76}.
 */
final class LocalConnection implements DeviceConnection {
    private final DeviceDescriptor device;
    private final String abi;
    private final List<String> commandPrefix;
    private final Path workDir;
    private final List<LocalProcess> processes = new ArrayList<>();
    private boolean closed;

    LocalConnection(DeviceDescriptor device, String abi, List<String> commandPrefix) throws IOException {
        this.device = device;
        this.abi = abi;
        this.commandPrefix = List.copyOf(commandPrefix);
        this.workDir = Files.createTempDirectory("edgewise-" + device.scheme() + "-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    @Override
    public DeviceDescriptor device() {
        return device;
    }

    @Override
    public String abi() {
        return abi;
    }

    @Override
    public String workDir() {
        return workDir.toString();
    }

    @Override
    public synchronized String push(byte[] content, String name, boolean executable) throws IOException {
        checkOpen();
        Path target = workDir.resolve(name).normalize();
        if (!target.getParent().equals(workDir)) {
            throw new IOException("cannot push '" + name + "' to " + device.id() + ": names must be plain file names");
        }
        Files.deleteIfExists(target);
        Files.createFile(target, PosixFilePermissions.asFileAttribute(
            PosixFilePermissions.fromString(executable ? "rwx------" : "rw-------")));
        Files.write(target, content, StandardOpenOption.TRUNCATE_EXISTING);
        return target.toString();
    }

    @Override
    public synchronized RemoteProcess exec(List<String> argv) throws IOException {
        checkOpen();
        List<String> command = new ArrayList<>(commandPrefix);
        command.addAll(argv);
        LocalProcess p = LocalProcess.start(command);
        processes.add(p);
        return p;
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("connection to " + device.id() + " is closed");
        }
    }

    /** Returns once every process is gone and the folder removed, also when another thread is closing. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        processes.forEach(LocalProcess::kill);
        deleteTree(workDir);
    }

    private static void deleteTree(Path root) {
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // a temp folder left behind is harmless; close() must not throw
        }
    }
}
