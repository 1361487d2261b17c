package dev.edgewise.bridge.testdevice;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;

/**
 * The {@code sync:} service (AOSP adb/SYNC.TXT): 8-byte requests (4-char id, LE length) for STAT,
 * SEND (path,mode, then DATA chunks of at most 64 KiB and DONE with the mtime; answered OKAY or
 * FAIL), RECV, LIST and QUIT. Device paths are mapped into the {@link DeviceSandbox}.
 */
final class AdbSyncService {
    static final int MAX_PATH = 1024;
    static final int MAX_DATA = 64 * 1024;
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;

    private final DeviceSandbox sandbox;
    private final AdbDaemonStream stream;
    private final DataInputStream in;
    private final OutputStream out;

    AdbSyncService(DeviceSandbox sandbox, AdbDaemonStream stream) {
        this.sandbox = sandbox;
        this.stream = stream;
        this.in = new DataInputStream(stream.in);
        this.out = stream.out;
    }

    void serve() {
        try {
            while (true) {
                String id = readId();
                int length = readLength();
                switch (id) {
                    case "STAT" -> stat(readPath(length));
                    case "SEND" -> send(readPath(length));
                    case "RECV" -> recv(readPath(length));
                    case "LIST" -> list(readPath(length));
                    case "QUIT" -> {
                        return;
                    }
                    default -> {
                        fail("unknown sync request " + id);
                        return;
                    }
                }
            }
        } catch (EOFException e) {
            // the host closed the stream between requests
        } catch (IOException e) {
            fail(e.getMessage());
        } finally {
            stream.closeFromDevice();
        }
    }

    private void stat(String path) throws IOException {
        Path p = sandbox.hostPath(path);
        int mode = 0;
        int size = 0;
        int mtime = 0;
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
            mode = (Integer) a.get("mode");
            size = (int) Math.min(Integer.MAX_VALUE, (Long) a.get("size"));
            mtime = (int) (((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).toMillis() / 1000);
        }
        out.write(packet("STAT", mode, size, mtime));
    }

    private void send(String spec) throws IOException {
        int comma = spec.lastIndexOf(',');
        if (comma < 0) {
            throw new IOException("SEND without ',mode': " + spec);
        }
        Path target = sandbox.hostPath(spec.substring(0, comma));
        int mode = Integer.parseInt(spec.substring(comma + 1));
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        int mtime;
        while (true) {
            String id = readId();
            int length = readLength();
            if (id.equals("DONE")) {
                mtime = length;
                break;
            }
            if (!id.equals("DATA")) {
                throw new IOException("expected DATA or DONE in SEND, got " + id);
            }
            if (length < 0 || length > MAX_DATA) {
                throw new IOException("DATA chunk of " + Integer.toUnsignedString(length) + " bytes over " + MAX_DATA);
            }
            data.write(in.readNBytes(length));
        }
        if ((mode & S_IFMT) != 0 && (mode & S_IFMT) != S_IFREG) {
            fail("only regular files can be pushed here, mode " + Integer.toOctalString(mode));
            return;
        }
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), ".sync", "");
        Files.write(tmp, data.toByteArray());
        Files.setPosixFilePermissions(tmp, permissions(mode & 0777));
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.setLastModifiedTime(target, java.nio.file.attribute.FileTime.fromMillis(Integer.toUnsignedLong(mtime) * 1000));
        out.write(packet("OKAY", 0));
    }

    private void recv(String path) throws IOException {
        Path p = sandbox.hostPath(path);
        if (!Files.isRegularFile(p)) {
            fail("open failed: No such file or directory");
            return;
        }
        try (InputStream file = Files.newInputStream(p)) {
            byte[] buf = new byte[MAX_DATA];
            int n;
            while ((n = file.readNBytes(buf, 0, buf.length)) > 0) {
                ByteArrayOutputStream chunk = new ByteArrayOutputStream();
                chunk.write(packet("DATA", n));
                chunk.write(buf, 0, n);
                out.write(chunk.toByteArray());
            }
        }
        out.write(packet("DONE", 0));
    }

    private void list(String path) throws IOException {
        Path dir = sandbox.hostPath(path);
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path e : entries) {
                    byte[] name = e.getFileName().toString().getBytes(StandardCharsets.UTF_8);
                    int mode = Files.isDirectory(e) ? S_IFDIR | 0755 : S_IFREG | 0644;
                    ByteArrayOutputStream dent = new ByteArrayOutputStream();
                    dent.write(packet("DENT", mode, (int) Files.size(e), (int) (Files.getLastModifiedTime(e).toMillis() / 1000), name.length));
                    dent.write(name);
                    out.write(dent.toByteArray());
                }
            }
        }
        out.write(packet("DONE", 0, 0, 0, 0));
    }

    private void fail(String message) {
        try {
            byte[] m = message.getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            b.write(packet("FAIL", m.length));
            b.write(m);
            out.write(b.toByteArray());
        } catch (IOException e) {
            // the host is gone
        }
    }

    private String readId() throws IOException {
        byte[] id = new byte[4];
        in.readFully(id);
        return new String(id, StandardCharsets.US_ASCII);
    }

    private int readLength() throws IOException {
        byte[] b = new byte[4];
        in.readFully(b);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private String readPath(int length) throws IOException {
        if (length < 0 || length > MAX_PATH) {
            throw new IOException("path of " + Integer.toUnsignedString(length) + " bytes over " + MAX_PATH);
        }
        return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static byte[] packet(String id, int... words) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * words.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(id.getBytes(StandardCharsets.US_ASCII));
        for (int w : words) {
            b.putInt(w);
        }
        return b.array();
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = java.util.EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE};
        for (int i = 0; i < 9; i++) {
            if ((mode & (0400 >> i)) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }
}
