package dev.edgewise.bridge.testdevice;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.KeySetPublickeyAuthenticator;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * An in-process Apache MINA sshd on loopback standing for an ARM board: password and public-key
 * authentication, SFTP into the {@link DeviceSandbox}, and exec requests run by the sandbox (the
 * aarch64 agent under qemu). {@link #dropSessions()} cuts every connection mid-whatever.
 */
public final class TestSshServer implements AutoCloseable {
    private final SshServer server;
    private final KeyPair hostKey;
    private final List<Process> processes = new CopyOnWriteArrayList<>();

    public TestSshServer(DeviceSandbox sandbox, KeyPair hostKey, String user, String password, Set<PublicKey> allowedKeys)
            throws IOException {
        this.hostKey = hostKey;
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPasswordAuthenticator((u, p, s) -> u.equals(user) && p.equals(password));
        server.setPublickeyAuthenticator(new KeySetPublickeyAuthenticator("test-keys", allowedKeys));
        server.setFileSystemFactory(new VirtualFileSystemFactory(sandbox.root()));
        server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        server.setCommandFactory((channel, command) -> new SandboxCommand(sandbox, command, processes));
        server.start();
    }

    public int port() {
        return server.getPort();
    }

    /** The known_hosts line for this server ("[127.0.0.1]:PORT TYPE BASE64"). */
    public String knownHostsLine() {
        return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(hostKey.getPublic());
    }

    public Path writeKnownHosts(Path file) throws IOException {
        return Files.writeString(file, knownHostsLine() + "\n");
    }

    public long liveProcesses() {
        return processes.stream().filter(Process::isAlive).count();
    }

    /** Closes every client session at once (the board reboots, the network drops). */
    public void dropSessions() {
        for (Session s : server.getActiveSessions()) {
            s.close(true);
        }
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
        processes.forEach(TestAdbDaemon::killTree);
    }

    /** One exec request: {@code sh -c} in the sandbox, stdout/stderr apart as sshd keeps them. */
    private static final class SandboxCommand implements Command {
        private final DeviceSandbox sandbox;
        private final String command;
        private final List<Process> processes;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;
        private volatile Process process;

        SandboxCommand(DeviceSandbox sandbox, String command, List<Process> processes) {
            this.sandbox = sandbox;
            this.command = command;
            this.processes = processes;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) throws IOException {
            Process p = sandbox.start(command, false);
            process = p;
            processes.add(p);
            daemon("ssh-stdin", () -> copy(in, p.getOutputStream(), true));
            Thread stderr = daemon("ssh-stderr", () -> copy(p.getErrorStream(), err, false));
            daemon("ssh-stdout", () -> {
                copy(p.getInputStream(), out, false);
                try {
                    stderr.join();
                    exit.onExit(p.waitFor());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }

        @Override
        public void destroy(ChannelSession channel) {
            Process p = process;
            if (p != null) {
                TestAdbDaemon.killTree(p);
            }
        }

        private static Thread daemon(String name, Runnable r) {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            t.start();
            return t;
        }

        private static void copy(InputStream from, OutputStream to, boolean closeTarget) {
            byte[] buf = new byte[64 * 1024];
            try {
                int n;
                while ((n = from.read(buf)) >= 0) {
                    to.write(buf, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                // one side closed: the copy is over
            } finally {
                if (closeTarget) {
                    try {
                        to.close();
                    } catch (IOException e) {
                        // already closed
                    }
                }
            }
        }
    }
}
