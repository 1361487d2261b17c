package dev.edgewise.bridge.ssh;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How to reach one SSH board (device-bridge/docs/transports.md).
 *
 * @param id         "ssh:USER@HOST:PORT" (":PORT" optional, 22)
 * @param name       shown in device lists; empty = the board's hostname
 * @param identity   private key file (OpenSSH or PEM; RSA, ECDSA); null = no key authentication
 * @param password   password; null = no password authentication
 * @param knownHosts known_hosts file the board's host key must be in (never trusted silently)
 * @param workDir    board folder for pushed files
 */
public record SshDeviceConfig(String id, String name, Path identity, String password, Path knownHosts, String workDir) {
    public SshDeviceConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(knownHosts, "knownHosts");
        name = name == null ? "" : name;
        if (workDir == null || !workDir.startsWith("/")) {
            throw new IllegalArgumentException(id + ": work folder must be an absolute path, got " + workDir);
        }
    }

    /** The parts of an id: user, host, port. */
    public record Address(String user, String host, int port) {
    }

    public Address address() throws IOException {
        return parse(id);
    }

    public static Address parse(String id) throws IOException {
        String usage = "'" + id + "': expected ssh:USER@HOST or ssh:USER@HOST:PORT, e.g. ssh:pi@192.168.1.20:22";
        if (!id.startsWith(SshTransport.SCHEME + ":")) {
            throw new IOException(usage);
        }
        String rest = id.substring(SshTransport.SCHEME.length() + 1);
        int at = rest.indexOf('@');
        if (at <= 0 || at == rest.length() - 1) {
            throw new IOException(usage);
        }
        String user = rest.substring(0, at);
        String hostPort = rest.substring(at + 1);
        int port = 22;
        String host = hostPort;
        int colon = hostPort.lastIndexOf(':');
        if (colon > 0 && hostPort.indexOf(':') == colon) { // one colon: HOST:PORT (IPv6 needs [..])
            host = hostPort.substring(0, colon);
            port = parsePort(hostPort.substring(colon + 1), usage);
        } else if (hostPort.startsWith("[") && hostPort.contains("]:")) {
            host = hostPort.substring(1, hostPort.indexOf("]:"));
            port = parsePort(hostPort.substring(hostPort.indexOf("]:") + 2), usage);
        }
        return new Address(user, host, port);
    }

    private static int parsePort(String text, String usage) throws IOException {
        try {
            int p = Integer.parseInt(text);
            if (p > 0 && p < 65536) {
                return p;
            }
        } catch (NumberFormatException e) {
            // falls through to the usage message
        }
        throw new IOException(usage);
    }
}
