package dev.edgewise.bridge.transport;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * The edgewise-agent builds packaged in this jar (dev/edgewise/bridge/agent/{x86_64,aarch64}/), chosen
 * by the ABI a device reports. Android's "arm64-v8a" and Linux's "aarch64"/"arm64" share one static
 * aarch64 build; 32-bit ARM and other ABIs are refused: the runtime's kernels are AArch64 NEON.
 */
public final class AgentBinaries {
    /** Build folders inside the jar. */
    public static final String X86_64 = "x86_64";
    public static final String AARCH64 = "aarch64";

    private static final String RESOURCE_ROOT = "/dev/edgewise/bridge/agent/";

    private AgentBinaries() {
    }

    /**
     * The agent build for {@code abi} ("x86_64", "amd64", "aarch64", "arm64", "arm64-v8a"); throws naming
     * the ABI and the supported ones otherwise.
     */
    public static String archFor(String abi) throws IOException {
        String a = abi == null ? "" : abi.trim().toLowerCase(Locale.ROOT);
        switch (a) {
            case "x86_64", "amd64", "x86-64" -> {
                return X86_64;
            }
            case "aarch64", "arm64", "arm64-v8a", "armv8", "armv8l" -> {
                return AARCH64;
            }
            default -> throw new IOException("no edgewise-agent for ABI '" + abi + "': Edgewise ships builds for "
                + "x86_64 and aarch64 (arm64-v8a) only; 32-bit ARM (armeabi-v7a) and other ABIs are not supported");
        }
    }

    /** Jar resource path of the agent for {@code abi}. */
    public static String resourceFor(String abi) throws IOException {
        return RESOURCE_ROOT + archFor(abi) + "/edgewise-agent";
    }

    /** The agent executable's bytes for {@code abi}; throws when this jar was built without it. */
    public static byte[] agentFor(String abi) throws IOException {
        String resource = resourceFor(abi);
        try (InputStream in = AgentBinaries.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("this Edgewise build has no agent binary " + resource + " for ABI '" + abi
                    + "' (built with -Dedgewise.agent.skip=true?); rebuild device-bridge with its agent");
            }
            return in.readAllBytes();
        }
    }
}
