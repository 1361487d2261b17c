package dev.edgewise.bridge.ssh;

import dev.edgewise.bridge.remote.ShellWords;
import dev.edgewise.bridge.transport.DeviceConnection;
import dev.edgewise.bridge.transport.DeviceDescriptor;
import dev.edgewise.bridge.transport.DeviceKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

/**
 * An open SSH board: SFTP into the work folder (created if missing), exec channels for commands,
 * and on close the processes killed, the pushed files and the folder (when empty) removed, the
 * session and client stopped.
 */
final class SshDeviceConnection implements DeviceConnection {
    static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    private final SshDeviceConfig config;
    private final SshClient client;
    private final ClientSession session;
    private final List<String> created = new CopyOnWriteArrayList<>();
    private final List<SshRemoteProcess> processes = new CopyOnWriteArrayList<>();
    private final AtomicInteger counter = new AtomicInteger();
    private volatile DeviceDescriptor device;
    private SftpClient sftp;
    private boolean createdWorkDir;
    private volatile String abi;
    private volatile boolean closed;

    private SshDeviceConnection(SshDeviceConfig config, SshClient client, ClientSession session) {
        this.config = config;
        this.client = client;
        this.session = session;
    }

    static SshDeviceConnection open(SshDeviceConfig config, SshClient client, ClientSession session) throws IOException {
        SshDeviceConnection c = new SshDeviceConnection(config, client, session);
        String[] facts = (c.run("uname -n; uname -sr; uname -m") + "\n\n\n").split("\n", -1);
        Map<String, String> details = new LinkedHashMap<>();
        details.put("hostname", facts[0].trim());
        details.put("kernel", facts[1].trim());
        c.abi = facts[2].trim();
        String name = config.name().isEmpty() ? facts[0].trim() : config.name();
        c.device = new DeviceDescriptor(config.id(), DeviceKind.SSH, name, c.abi, details);
        return c;
    }

    @Override
    public DeviceDescriptor device() {
        return device != null ? device : new DeviceDescriptor(config.id(), DeviceKind.SSH, config.id(), "", Map.of());
    }

    ClientSession session() {
        return session;
    }

    @Override
    public String abi() throws IOException {
        if (abi == null || abi.isEmpty()) {
            abi = run("uname -m").trim();
            if (abi.isEmpty()) {
                throw new IOException(config.id() + ": `uname -m` printed nothing");
            }
        }
        return abi;
    }

    @Override
    public String workDir() {
        return config.workDir();
    }

    @Override
    public synchronized String push(byte[] content, String name, boolean executable) throws IOException {
        ensureOpen();
        String path = ShellWords.child(config.workDir(), ShellWords.checkFileName(name));
        try {
            SftpClient s = sftp();
            created.add(path);
            try (OutputStream out = s.write(path)) {
                out.write(content);
            }
            s.setStat(path, new SftpClient.Attributes().perms(executable ? 0755 : 0644));
        } catch (IOException e) {
            throw new IOException(config.id() + ": SFTP push of " + name + " (" + content.length + " bytes) to " + path + " failed: "
                + e.getMessage(), e);
        }
        return path;
    }

    private SftpClient sftp() throws IOException {
        if (sftp == null) {
            sftp = SftpClientFactory.instance().createSftpClient(session);
            String dir = config.workDir();
            try {
                sftp.stat(dir);
            } catch (IOException missing) {
                String partial = "";
                for (String part : dir.substring(1).split("/")) {
                    partial += "/" + part;
                    try {
                        sftp.stat(partial);
                    } catch (IOException absent) {
                        sftp.mkdir(partial);
                        createdWorkDir = true;
                    }
                }
            }
        }
        return sftp;
    }

    @Override
    public SshRemoteProcess exec(List<String> argv) throws IOException {
        ensureOpen();
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command for " + config.id());
        }
        String pid = ShellWords.child(config.workDir(), ".ew-" + ProcessHandle.current().pid() + "-" + counter.incrementAndGet() + ".pid");
        created.add(pid);
        // The shell records its pid and then becomes the command, so kill() can reach it even when the
        // board's sshd leaves it running after the channel closes; the exit status comes back over SSH.
        String command = "mkdir -p " + ShellWords.quote(config.workDir()) + " && echo $$ >" + ShellWords.quote(pid)
            + " && exec " + ShellWords.join(argv);
        ChannelExec channel = session.createExecChannel(command);
        try {
            channel.open().verify(COMMAND_TIMEOUT);
        } catch (IOException e) {
            channel.close(true);
            throw new IOException(config.id() + ": cannot start " + argv.get(0) + " (" + e.getMessage() + ")", e);
        }
        SshRemoteProcess p = new SshRemoteProcess(this, channel, pid, String.join(" ", argv));
        processes.add(p);
        return p;
    }

    /** Runs a short command and returns its stdout; throws with stderr when it exits non-zero. */
    String run(String command) throws IOException {
        ensureOpen();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ChannelExec ch = session.createExecChannel(command)) {
            ch.setOut(out);
            ch.setErr(err);
            ch.open().verify(COMMAND_TIMEOUT);
            var events = ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), COMMAND_TIMEOUT);
            if (events.contains(ClientChannelEvent.TIMEOUT)) {
                throw new IOException(config.id() + ": '" + command + "' did not finish within " + COMMAND_TIMEOUT.toSeconds() + " s");
            }
            Integer status = ch.getExitStatus();
            if (status != null && status != 0) {
                throw new IOException(config.id() + ": '" + command + "' exited with " + status + ": "
                    + err.toString(StandardCharsets.UTF_8).trim());
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    String runQuietly(String command) {
        if (closed || !session.isOpen()) {
            return "";
        }
        try {
            return run(command);
        } catch (IOException e) {
            return "";
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException(config.id() + ": connection already closed");
        }
        if (!session.isOpen()) {
            throw new IOException(config.id() + ": SSH connection lost");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        processes.forEach(SshRemoteProcess::kill);
        if (session.isOpen()) {
            List<String> quoted = new ArrayList<>();
            created.forEach(p -> quoted.add(ShellWords.quote(p)));
            String rmdir = createdWorkDir ? "; rmdir " + ShellWords.quote(config.workDir()) + " 2>/dev/null" : "";
            runQuietly("rm -f " + String.join(" ", quoted) + rmdir + "; true");
        }
        closed = true;
        try {
            if (sftp != null) {
                sftp.close();
            }
        } catch (IOException e) {
            // the session goes next anyway
        }
        session.close(true);
        client.stop();
    }
}
