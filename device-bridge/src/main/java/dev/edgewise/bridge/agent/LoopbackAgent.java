package dev.edgewise.bridge.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts {@code edgewise-agent --listen 127.0.0.1:0} with a fresh session token and connects to it
 * (bridge-protocol.md, "Loopback TCP"). The token travels in the agent's environment
 * ({@value #TOKEN_ENV}), not on its command line where other users could read it in {@code ps}.
 */
public final class LoopbackAgent {
    /** The environment variable the agent reads its session token from. */
    public static final String TOKEN_ENV = "EDGEWISE_AGENT_TOKEN";
    private static final Pattern LISTENING = Pattern.compile("^edgewise-agent listening on (127\\.[0-9.]+|\\[::1\\]):(\\d+)$");
    private static final SecureRandom RANDOM = new SecureRandom();

    private LoopbackAgent() {
    }

    /** 32 bytes from SecureRandom, as 64 hex characters. */
    public static String newToken() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /**
     * Starts {@code command} (the agent binary, possibly behind an emulator) with {@code --listen
     * 127.0.0.1:0}, reads the port it printed, connects and says Hello with the token.
     */
    public static AgentClient start(List<String> command, boolean emulated) throws IOException {
        String token = newToken();
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(List.of("--listen", "127.0.0.1:0"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put(TOKEN_ENV, token);
        Process p = pb.start();
        try {
            p.getOutputStream().close(); // the session is on the socket; stdin is not read
            int port = readPort(p.getInputStream(), String.join(" ", cmd));
            return AgentClient.connect(p, new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), token,
                String.join(" ", command), emulated);
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /**
     * The port of the agent's one stdout line {@code edgewise-agent listening on 127.0.0.1:PORT}. The
     * agent prints it before accepting, or exits (closing stdout) when it cannot listen.
     */
    static int readPort(InputStream agentStdout, String command) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(agentStdout, StandardCharsets.UTF_8));
        String line = r.readLine();
        if (line == null) {
            throw new IOException("edgewise-agent (" + command + ") exited without listening (see its stderr)");
        }
        Matcher m = LISTENING.matcher(line.strip());
        if (!m.matches()) {
            throw new IOException("edgewise-agent (" + command + ") printed \"" + line + "\", expected \"edgewise-agent listening on 127.0.0.1:PORT\"");
        }
        return Integer.parseInt(m.group(2));
    }
}
