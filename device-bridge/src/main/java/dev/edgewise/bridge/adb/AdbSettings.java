package dev.edgewise.bridge.adb;

import dev.edgewise.bridge.remote.UserConfigFolder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Where the ADB transport looks and what it uses.
 *
 * @param serverHost      adb server address (USB devices and "adb connect" devices are reached through it)
 * @param serverPort      adb server port (5037 unless ADB_SERVER_SOCKET / ANDROID_ADB_SERVER_PORT say otherwise)
 * @param keyFolder       holds adbkey / adbkey.pub, the key pair for direct TCP connections
 * @param workDir         device folder for pushed files
 * @param connectTimeout  TCP connect and smart-socket replies
 * @param authTimeout     how long a direct connection waits for the user to allow this computer's key
 */
public record AdbSettings(String serverHost, int serverPort, Path keyFolder, String workDir, Duration connectTimeout,
                          Duration authTimeout) {
    public static final String DEFAULT_WORK_DIR = "/data/local/tmp/edgewise";
    /** System property: adb server as HOST:PORT. */
    public static final String SERVER_PROPERTY = "edgewise.adb.server";
    /** System property: device work folder. */
    public static final String WORK_DIR_PROPERTY = "edgewise.adb.workdir";

    public AdbSettings {
        Objects.requireNonNull(serverHost, "serverHost");
        Objects.requireNonNull(keyFolder, "keyFolder");
        if (workDir == null || !workDir.startsWith("/")) {
            throw new IllegalArgumentException("ADB work folder must be an absolute device path, got " + workDir);
        }
        workDir = workDir.endsWith("/") && workDir.length() > 1 ? workDir.substring(0, workDir.length() - 1) : workDir;
    }

    /** Defaults, overridden by the system properties above, then by adb's own environment variables. */
    public static AdbSettings fromEnvironment() {
        return fromEnvironment(System.getenv(), UserConfigFolder.location());
    }

    static AdbSettings fromEnvironment(Map<String, String> env, Path configFolder) {
        String host = "127.0.0.1";
        int port = 5037;
        String socket = env.get("ADB_SERVER_SOCKET"); // adb's own variable: tcp:HOST:PORT or tcp:PORT
        if (socket != null && socket.startsWith("tcp:")) {
            String[] parts = socket.substring(4).split(":");
            host = parts.length == 2 ? parts[0] : host;
            port = Integer.parseInt(parts[parts.length - 1]);
        } else if (env.get("ANDROID_ADB_SERVER_PORT") != null) {
            port = Integer.parseInt(env.get("ANDROID_ADB_SERVER_PORT"));
        }
        String server = System.getProperty(SERVER_PROPERTY);
        if (server != null && server.contains(":")) {
            host = server.substring(0, server.lastIndexOf(':'));
            port = Integer.parseInt(server.substring(server.lastIndexOf(':') + 1));
        }
        return new AdbSettings(host, port, configFolder, System.getProperty(WORK_DIR_PROPERTY, DEFAULT_WORK_DIR),
            Duration.ofSeconds(3), Duration.ofSeconds(30));
    }

    public AdbSettings withServer(String host, int port) {
        return new AdbSettings(host, port, keyFolder, workDir, connectTimeout, authTimeout);
    }

    public AdbSettings withAuthTimeout(Duration timeout) {
        return new AdbSettings(serverHost, serverPort, keyFolder, workDir, connectTimeout, timeout);
    }
}
