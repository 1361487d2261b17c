package dev.edgewise.bridge.testdevice;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The "device" side of the test peers (ADB daemon, SSH server): a folder on this computer that stands
 * for the device's file system. Device paths under the mapped prefixes ({@code /data/local/tmp},
 * {@code /tmp/edgewise...}) live below {@link #root()}; commands run through {@code sh -c} with those
 * paths rewritten, a {@code getprop} that answers from the test's property table, and a {@code uname -m}
 * that reports the emulated machine. An aarch64 ELF started in command position runs under
 * {@code qemu-aarch64 -cpu max}, the way the device's kernel would run it natively.
 */
public final class DeviceSandbox {
    private static final List<String> MAPPED_PREFIXES = List.of("/data/local/tmp", "/tmp/edgewise");
    private static final Pattern MAPPED_PATH = Pattern.compile("(?<![\\w./-])(/data/local/tmp|/tmp/edgewise)");
    private static final int EM_AARCH64 = 183;
    private static final Set<String> COMMAND_SEPARATORS = Set.of(";", "&&", "||", "|", "&", "exec", "then", "do");

    private final Path root;
    private final Map<String, String> properties;
    private final String machine;

    public DeviceSandbox(Path root, Map<String, String> properties, String machine) throws IOException {
        this.root = root.toAbsolutePath();
        this.properties = new LinkedHashMap<>(properties);
        this.machine = machine;
        for (String prefix : MAPPED_PREFIXES) {
            Files.createDirectories(this.root.resolve(prefix.substring(1)));
        }
        writeTools();
    }

    /** A phone: arm64-v8a, a model name and serial that discovery must report. */
    public static DeviceSandbox android(Path root) throws IOException {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("ro.product.model", "Edgewise Test Phone");
        props.put("ro.product.manufacturer", "Edgewise");
        props.put("ro.product.name", "edgewise_test");
        props.put("ro.product.device", "edgewise");
        props.put("ro.product.cpu.abi", "arm64-v8a");
        props.put("ro.build.version.release", "14");
        props.put("ro.build.version.sdk", "34");
        props.put("ro.serialno", "EW0TEST0001");
        return new DeviceSandbox(root, props, "aarch64");
    }

    public Path root() {
        return root;
    }

    public Map<String, String> properties() {
        return Map.copyOf(properties);
    }

    /** Where a device path lives on this computer (unmapped paths are left as they are). */
    public Path hostPath(String devicePath) {
        for (String prefix : MAPPED_PREFIXES) {
            if (devicePath.startsWith(prefix)) {
                return root.resolve(devicePath.substring(1));
            }
        }
        return Path.of(devicePath);
    }

    /** Starts {@code sh -c command} as the device would; stderr merged when {@code mergeStderr}. */
    public Process start(String command, boolean mergeStderr) throws IOException {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", translate(command)).directory(root.toFile())
            .redirectErrorStream(mergeStderr);
        pb.environment().put("PATH", root.resolve("bin") + ":/usr/bin:/bin");
        pb.environment().put("EDGEWISE_SANDBOX", root.toString());
        return pb.start();
    }

    /** Rewrites device paths to sandbox paths and puts qemu in front of aarch64 executables. */
    String translate(String command) {
        // one pass, and only where a path starts: "/data/local/tmp/edgewise" must not be mapped twice
        String mapped = MAPPED_PATH.matcher(command).replaceAll(m -> Matcher.quoteReplacement(root + m.group(1)));
        List<String> out = new ArrayList<>();
        String previous = null;
        for (String token : mapped.split(" ", -1)) {
            boolean commandPosition = previous == null || COMMAND_SEPARATORS.contains(previous) || previous.endsWith(";");
            String bare = token.startsWith("'") && token.endsWith("'") && token.length() > 1 ? token.substring(1, token.length() - 1) : token;
            if (commandPosition && isExecutableAarch64(bare)) {
                out.add("qemu-aarch64 -cpu max");
            }
            out.add(token);
            if (!token.isEmpty()) {
                previous = token;
            }
        }
        return String.join(" ", out);
    }

    private static boolean isExecutableAarch64(String path) {
        if (!path.startsWith("/")) {
            return false;
        }
        Path p = Path.of(path);
        if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
            return false;
        }
        byte[] head = new byte[20];
        try (InputStream in = Files.newInputStream(p)) {
            if (in.readNBytes(head, 0, 20) < 20) {
                return false;
            }
        } catch (IOException e) {
            return false;
        }
        return head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F'
            && ((head[18] & 0xff) | (head[19] & 0xff) << 8) == EM_AARCH64;
    }

    private void writeTools() throws IOException {
        Path bin = Files.createDirectories(root.resolve("bin"));
        StringBuilder props = new StringBuilder();
        properties.forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
        Files.writeString(root.resolve("build.prop"), props);
        script(bin.resolve("getprop"), """
            #!/bin/sh
            # Android's getprop: all properties as [key]: [value], or one value (empty line when unset).
            props="$EDGEWISE_SANDBOX/build.prop"
            if [ $# -eq 0 ]; then
              while IFS='=' read -r k v; do echo "[$k]: [$v]"; done < "$props"
            else
              awk -v key="$1" 'index($0, key "=") == 1 { print substr($0, length(key) + 2); found = 1; exit }
                END { if (!found) print "" }' "$props"
            fi
            """);
        script(bin.resolve("uname"), """
            #!/bin/sh
            if [ "$1" = "-m" ]; then echo "%s"; else exec /bin/uname "$@"; fi
            """.formatted(machine));
    }

    private static void script(Path path, String text) throws IOException {
        Files.writeString(path, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
