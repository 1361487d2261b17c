package dev.edgewise.bridge.ssh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.edgewise.bridge.remote.UserConfigFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The SSH boards the user configured, from {@code devices.json} in the config folder:
 * <pre>{"ssh": [{"id": "ssh:pi@192.168.1.20:22", "name": "Raspberry Pi 4", "identity": "~/.ssh/id_ecdsa",
 *            "password": null, "knownHosts": "~/.ssh/known_hosts", "workDir": "/tmp/edgewise-pi"}]}</pre>
 * System properties {@code edgewise.ssh.identity}, {@code edgewise.ssh.password} and
 * {@code edgewise.ssh.knownHosts} give defaults for ids not in the file (and for fields it omits).
 */
public record SshSettings(Path source, List<SshDeviceConfig> devices, Duration connectTimeout, Duration authTimeout) {
    public static final String FILE_NAME = "devices.json";

    public SshSettings {
        devices = List.copyOf(devices);
    }

    public static SshSettings load() throws IOException {
        return load(UserConfigFolder.location().resolve(FILE_NAME));
    }

    public static SshSettings load(Path file) throws IOException {
        List<SshDeviceConfig> devices = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            JsonNode root;
            try {
                root = new ObjectMapper().readTree(file.toFile());
            } catch (IOException e) {
                throw new IOException(file + ": not valid JSON (" + e.getMessage() + ")", e);
            }
            for (JsonNode n : root.path("ssh")) {
                String id = n.path("id").asText("");
                if (id.isEmpty()) {
                    throw new IOException(file + ": an \"ssh\" entry has no \"id\"");
                }
                devices.add(config(id, text(n, "name"), text(n, "identity"), text(n, "password"), text(n, "knownHosts"), text(n, "workDir")));
            }
        }
        return new SshSettings(file, devices, Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    /** The configured entry for {@code id}, or one from the system-property defaults. */
    public SshDeviceConfig forId(String id) throws IOException {
        for (SshDeviceConfig c : devices) {
            if (c.id().equals(id)) {
                return c;
            }
        }
        return config(id, null, null, null, null, null);
    }

    public SshSettings withDevices(List<SshDeviceConfig> list) {
        return new SshSettings(source, list, connectTimeout, authTimeout);
    }

    private static SshDeviceConfig config(String id, String name, String identity, String password, String knownHosts,
                                          String workDir) throws IOException {
        SshDeviceConfig.Address a = SshDeviceConfig.parse(id);
        String key = identity != null ? identity : System.getProperty("edgewise.ssh.identity", defaultIdentity());
        String pass = password != null ? password : System.getProperty("edgewise.ssh.password");
        String hosts = knownHosts != null ? knownHosts : System.getProperty("edgewise.ssh.knownHosts", "~/.ssh/known_hosts");
        String dir = workDir != null ? workDir : "/tmp/edgewise-" + a.user();
        return new SshDeviceConfig(id, name, key == null ? null : home(key), pass, home(hosts), dir);
    }

    private static String defaultIdentity() {
        for (String n : new String[] {"id_ecdsa", "id_rsa", "id_ed25519"}) {
            Path p = Path.of(System.getProperty("user.home"), ".ssh", n);
            if (Files.isRegularFile(p)) {
                return p.toString();
            }
        }
        return null;
    }

    private static Path home(String path) {
        return path.startsWith("~/") ? Path.of(System.getProperty("user.home"), path.substring(2)) : Path.of(path);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
