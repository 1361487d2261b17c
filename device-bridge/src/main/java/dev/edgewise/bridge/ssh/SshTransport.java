package dev.edgewise.bridge.ssh;

import dev.edgewise.bridge.remote.UserConfigFolder;
import dev.edgewise.bridge.transport.DeviceConnection;
import dev.edgewise.bridge.transport.DeviceDescriptor;
import dev.edgewise.bridge.transport.DeviceKind;
import dev.edgewise.bridge.transport.Discovery;
import dev.edgewise.bridge.transport.Transport;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;

/**
 * ARM Linux boards over SSH (device-bridge/docs/transports.md), with the Apache MINA sshd client:
 * key or password authentication from devices.json, known_hosts checking, SFTP push, exec channels
 * whose stdin/stdout carry the agent protocol. Discovery lists the configured boards that answer.
 */
public final class SshTransport implements Transport {
    public static final String SCHEME = "ssh";
    /** Keepalives every 2 s, 3 missed = the board is gone (a pulled network cable never sends a FIN). */
    static final Duration HEARTBEAT = Duration.ofSeconds(2);

    private final SshSettings settings;
    /** Why devices.json could not be read (reported by discover and open), or null. */
    private final String settingsProblem;

    /** The boards of the user's devices.json; a broken file is reported, not thrown, so other transports still load. */
    public SshTransport() {
        SshSettings loaded;
        String problem = null;
        Path file = UserConfigFolder.location().resolve(SshSettings.FILE_NAME);
        try {
            loaded = SshSettings.load(file);
        } catch (IOException e) {
            loaded = new SshSettings(file, List.of(), Duration.ofSeconds(5), Duration.ofSeconds(10));
            problem = e.getMessage();
        }
        this.settings = loaded;
        this.settingsProblem = problem;
    }

    public SshTransport(SshSettings settings) {
        this.settings = settings;
        this.settingsProblem = null;
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public Discovery discover() {
        List<DeviceDescriptor> found = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        if (settingsProblem != null) {
            problems.add(settingsProblem);
        } else if (settings.devices().isEmpty()) {
            problems.add("no SSH boards configured in " + settings.source() + " (see device-bridge/docs/transports.md)");
        }
        for (SshDeviceConfig c : settings.devices()) {
            try {
                SshDeviceConfig.Address a = c.address();
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(a.host(), a.port()), 1000);
                }
                found.add(new DeviceDescriptor(c.id(), DeviceKind.SSH, c.name().isEmpty() ? a.host() : c.name(), "",
                    Map.of("address", a.host() + ":" + a.port(), "configured in", settings.source().toString())));
            } catch (IOException e) {
                problems.add(c.id() + " does not answer (" + e.getMessage() + ")");
            }
        }
        return new Discovery(SCHEME, found, problems);
    }

    @Override
    public DeviceConnection open(String deviceId) throws IOException {
        if (settingsProblem != null) {
            throw new IOException(deviceId + ": " + settingsProblem);
        }
        SshDeviceConfig config = settings.forId(deviceId);
        SshDeviceConfig.Address a = config.address();
        HostKeyCheck hostKeys = new HostKeyCheck(config.knownHosts());
        SshClient client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(hostKeys);
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, HEARTBEAT);
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, 3);
        client.start();
        ClientSession session = null;
        try {
            session = connect(client, config, a);
            authenticate(session, config, a, hostKeys);
            return SshDeviceConnection.open(config, client, session);
        } catch (IOException | RuntimeException e) {
            if (session != null) {
                session.close(true);
            }
            client.stop();
            String hostKeyProblem = hostKeys.problem(deviceId, a.host(), a.port());
            if (hostKeyProblem != null) {
                throw new IOException(hostKeyProblem, e);
            }
            throw e;
        }
    }

    private ClientSession connect(SshClient client, SshDeviceConfig c, SshDeviceConfig.Address a) throws IOException {
        try {
            return client.connect(a.user(), a.host(), a.port()).verify(settings.connectTimeout()).getSession();
        } catch (IOException e) {
            if (hasCause(e, ConnectException.class)) {
                throw new IOException(c.id() + ": connection refused by " + a.host() + ":" + a.port() + " (is sshd running on the board, on that port?)", e);
            }
            throw new IOException(c.id() + ": cannot reach " + a.host() + ":" + a.port() + " (" + e.getMessage() + ")", e);
        }
    }

    private void authenticate(ClientSession session, SshDeviceConfig c, SshDeviceConfig.Address a, HostKeyCheck hostKeys)
            throws IOException {
        List<String> tried = new ArrayList<>();
        if (c.identity() != null) {
            for (KeyPair kp : loadIdentity(c)) {
                session.addPublicKeyIdentity(kp);
            }
            tried.add("key " + c.identity());
        }
        if (c.password() != null) {
            session.addPasswordIdentity(c.password());
            tried.add("password");
        }
        if (tried.isEmpty()) {
            throw new IOException(c.id() + ": no key or password configured (set \"identity\" or \"password\" in " + settings.source() + ")");
        }
        try {
            session.auth().verify(settings.authTimeout());
        } catch (IOException e) {
            String hostKeyProblem = hostKeys.problem(c.id(), a.host(), a.port());
            if (hostKeyProblem != null) {
                throw new IOException(hostKeyProblem, e);
            }
            throw new IOException(c.id() + ": authentication failed for user " + a.user() + " (tried " + String.join(", ", tried)
                + "): check the key or password in " + settings.source() + " (" + e.getMessage() + ")", e);
        }
    }

    private static Iterable<KeyPair> loadIdentity(SshDeviceConfig c) throws IOException {
        try (InputStream in = Files.newInputStream(c.identity())) {
            Iterable<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(c.identity().toString()), in, null);
            if (keys == null) {
                throw new IOException(c.id() + ": no key found in " + c.identity());
            }
            return keys;
        } catch (java.security.GeneralSecurityException | RuntimeException e) {
            throw new IOException(c.id() + ": cannot read the key " + c.identity() + " (" + e.getMessage()
                + "; passphrase-protected and Ed25519 keys are not supported: use an unencrypted RSA or ECDSA key)", e);
        }
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
