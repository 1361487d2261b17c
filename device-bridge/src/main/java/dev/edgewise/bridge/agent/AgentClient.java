package dev.edgewise.bridge.agent;

import com.google.protobuf.ByteString;
import dev.edgewise.bridge.proto.Autotune;
import dev.edgewise.bridge.proto.AutotuneDone;
import dev.edgewise.bridge.proto.AutotuneResult;
import dev.edgewise.bridge.proto.Bye;
import dev.edgewise.bridge.proto.DeviceInfo;
import dev.edgewise.bridge.proto.Envelope;
import dev.edgewise.bridge.proto.Hello;
import dev.edgewise.bridge.proto.LoadPlan;
import dev.edgewise.bridge.proto.ProtocolVersion;
import dev.edgewise.bridge.proto.Run;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A session with {@code edgewise-agent} over its stdin/stdout (device-bridge/docs/bridge-protocol.md):
 * start the process (directly, or under an emulator such as {@code qemu-aarch64 -cpu max}), Hello,
 * upload a plan in chunks, run or autotune, Bye. Messages are length-delimited {@link Envelope}s.
 * Or over a loopback TCP connection guarded by a session token ({@link #connect}, {@link LoopbackAgent}).
 */
public final class AgentClient implements AutoCloseable {
    /** Largest LoadPlan chunk the agent accepts (EW_MAX_CHUNK in agent.h). */
    public static final int CHUNK_BYTES = 1 << 20;

    private final Process process;           // null when the client runs over streams it did not start
    private final AutoCloseable streamCloser; // closes a stream link (null for a started Process)
    private final OutputStream toAgent;
    private final InputStream fromAgent;
    private final String description;
    private final boolean emulated;
    private DeviceInfo deviceInfo;

    /** What a Run produced: every streamed message in order, and the final Result (or Error). */
    public record RunOutcome(List<Envelope> messages, Envelope last) {
        public boolean succeeded() {
            return last.hasResult();
        }
    }

    /** What an Autotune produced: one result per (layer, candidate kernel), then the closing message. */
    public record AutotuneOutcome(List<AutotuneResult> results, AutotuneDone done) {
    }

    private AgentClient(Process process, String description, boolean emulated) {
        this.process = process;
        this.streamCloser = null;
        this.toAgent = new BufferedOutputStream(process.getOutputStream());
        this.fromAgent = new BufferedInputStream(process.getInputStream());
        this.description = description;
        this.emulated = emulated;
    }

    private AgentClient(Process process, Socket socket, String description, boolean emulated) throws IOException {
        this.process = process;
        this.streamCloser = socket;
        this.toAgent = new BufferedOutputStream(socket.getOutputStream());
        this.fromAgent = new BufferedInputStream(socket.getInputStream());
        this.description = description;
        this.emulated = emulated;
    }

    /**
     * A session over a loopback TCP port on which {@code process} (an {@code edgewise-agent --listen},
     * or whatever forwards to one, such as {@code adb forward}) accepts one connection; Hello carries
     * {@code token}, the session token the agent was given. See {@link LoopbackAgent} for starting one.
     */
    public static AgentClient connect(Process process, InetSocketAddress address, String token, String description,
                                      boolean emulated) throws IOException {
        if (!address.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("agent sessions run over loopback only, not " + address);
        }
        Socket s = new Socket();
        try {
            s.connect(address, 30_000);
            s.setTcpNoDelay(true);
            AgentClient c = new AgentClient(process, s, description + " via " + address, emulated);
            c.handshake(token);
            return c;
        } catch (IOException | RuntimeException e) {
            s.close(); // the process stays the caller's: it may still be exiting with the reason
            throw e;
        }
    }

    private AgentClient(InputStream fromAgent, OutputStream toAgent, String description, boolean emulated,
                        AutoCloseable closer) {
        this.process = null;
        this.streamCloser = closer;
        this.toAgent = new BufferedOutputStream(toAgent);
        this.fromAgent = new BufferedInputStream(fromAgent);
        this.description = description;
        this.emulated = emulated;
    }

    /**
     * A client over an agent already started elsewhere (a device's remote process, a socket), without
     * the handshake: call {@link #hello()} next, or send {@link #helloEnvelope()} and read the answer
     * yourself. {@code closer} releases the link (kills the remote process) on {@link #close()}.
     */
    public static AgentClient over(InputStream fromAgent, OutputStream toAgent, String description, boolean emulated,
                                   AutoCloseable closer) {
        return new AgentClient(fromAgent, toAgent, description, emulated, closer);
    }

    /** The Hello this client sends first. */
    public static Envelope helloEnvelope() {
        return Envelope.newBuilder().setHello(Hello.newBuilder()
            .setProtocolVersion(ProtocolVersion.PROTOCOL_V1_VALUE).setHostVersion("edgewise-java")).build();
    }

    /** Says Hello and reads DeviceInfo (blocking); throws with the agent's answer otherwise. */
    public DeviceInfo hello() throws IOException {
        send(helloEnvelope());
        return acceptHelloAnswer(receive());
    }

    /** Checks the answer to Hello and records the DeviceInfo (emulated flag set as this client knows it). */
    public DeviceInfo acceptHelloAnswer(Envelope first) throws IOException {
        if (!first.hasDeviceInfo()) {
            throw new IOException("edgewise-agent (" + description + ") answered Hello with " + describe(first));
        }
        deviceInfo = first.getDeviceInfo().toBuilder().setEmulated(emulated).build();
        return deviceInfo;
    }

    /**
     * Starts {@code command} (the agent binary, possibly behind an emulator) and says Hello.
     * {@code emulated} is recorded in the DeviceInfo so no timing of it passes for a device figure.
     */
    public static AgentClient start(List<String> command, boolean emulated) throws IOException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        AgentClient c = new AgentClient(p, String.join(" ", command), emulated);
        try {
            c.hello();
            return c;
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private void handshake(String token) throws IOException {
        Envelope hello = helloEnvelope();
        send(hello.toBuilder().setHello(hello.getHello().toBuilder().setSessionToken(token)).build());
        acceptHelloAnswer(receive());
    }

    public DeviceInfo deviceInfo() {
        return deviceInfo;
    }

    public boolean emulated() {
        return emulated;
    }

    /** Uploads a plan in chunks of at most {@link #CHUNK_BYTES}; throws with the agent's Error if refused. */
    public void loadPlan(byte[] plan) throws IOException {
        loadPlan(plan, CHUNK_BYTES);
    }

    public void loadPlan(byte[] plan, int chunkBytes) throws IOException {
        sendPlan(plan, chunkBytes);
        Envelope answer = receive();
        while (isHeartbeatWhileLoading(answer)) {
            answer = receive();
        }
        if (!answer.hasProgress()) {
            throw new IOException("edgewise-agent (" + description + ") refused the plan: " + describe(answer));
        }
    }

    /** Stage of the Progress the agent answers a complete, accepted plan with. */
    public static final String PLAN_LOADED = "plan loaded";

    /** A Progress the agent sends while still loading (a heartbeat), not the final "plan loaded". */
    public static boolean isHeartbeatWhileLoading(Envelope e) {
        return e.hasProgress() && !PLAN_LOADED.equals(e.getProgress().getStage());
    }

    /** Sends the LoadPlan chunks without waiting for the answer (Progress "plan loaded" or an Error). */
    public void sendPlan(byte[] plan, int chunkBytes) throws IOException {
        sendPlan(plan, chunkBytes, (sent, total) -> { });
    }

    /** Chunks sent so far and in all, after each chunk (a session's watchdog and progress use it). */
    @FunctionalInterface
    public interface ChunkListener {
        void sent(int chunks, int total) throws IOException;
    }

    /** As {@link #sendPlan(byte[], int)}, calling {@code afterChunk} after every chunk is written. */
    public void sendPlan(byte[] plan, int chunkBytes, ChunkListener afterChunk) throws IOException {
        if (plan.length == 0 || chunkBytes <= 0 || chunkBytes > CHUNK_BYTES) {
            throw new IllegalArgumentException("plan of " + plan.length + " bytes, chunk size " + chunkBytes);
        }
        ByteString sha = ByteString.copyFrom(sha256(plan));
        int total = (plan.length + chunkBytes - 1) / chunkBytes;
        for (int i = 0; i < total; i++) {
            int off = i * chunkBytes;
            int len = Math.min(chunkBytes, plan.length - off);
            send(Envelope.newBuilder().setLoadPlan(LoadPlan.newBuilder().setIndex(i).setTotal(total)
                .setTotalBytes(plan.length).setSha256(sha).setData(ByteString.copyFrom(plan, off, len))).build());
            afterChunk.sent(i + 1, total);
        }
    }

    /** Sends Run and reads until its Result or an Error, handing each message to {@code onMessage}. */
    public RunOutcome run(Run request, Consumer<Envelope> onMessage) throws IOException {
        send(Envelope.newBuilder().setRun(request).build());
        List<Envelope> seen = new ArrayList<>();
        while (true) {
            Envelope e = receive();
            seen.add(e);
            onMessage.accept(e);
            if (e.hasResult() || e.hasError()) {
                return new RunOutcome(seen, e);
            }
        }
    }

    /**
     * Sends Autotune and reads its AutotuneResults up to AutotuneDone, handing every message to
     * {@code onMessage}; an Error instead throws with the agent's message.
     */
    public AutotuneOutcome autotune(Autotune request, Consumer<Envelope> onMessage) throws IOException {
        send(Envelope.newBuilder().setAutotune(request).build());
        List<AutotuneResult> results = new ArrayList<>();
        while (true) {
            Envelope e = receive();
            onMessage.accept(e);
            if (e.hasAutotuneResult()) {
                results.add(e.getAutotuneResult());
            } else if (e.hasAutotuneDone()) {
                return new AutotuneOutcome(List.copyOf(results), e.getAutotuneDone());
            } else if (e.hasError()) {
                throw new IOException("edgewise-agent (" + description + ") refused Autotune: " + describe(e));
            }
        }
    }

    public void send(Envelope e) throws IOException {
        e.writeDelimitedTo(toAgent);
        toAgent.flush();
    }

    public Envelope receive() throws IOException {
        Envelope e = Envelope.parseDelimitedFrom(fromAgent);
        if (e == null) {
            throw new IOException("edgewise-agent (" + description + ") closed its output" + exitNote());
        }
        return e;
    }

    private String exitNote() {
        if (process == null) {
            return "";
        }
        try {
            if (process.waitFor(2, TimeUnit.SECONDS)) {
                return " and exited with " + process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "";
    }

    public static String describe(Envelope e) {
        if (e.hasError()) {
            return "Error " + e.getError().getCode() + ": " + e.getError().getMessage();
        }
        return e.getBodyCase().toString();
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** Says Bye and waits for the agent to exit; returns its exit code. */
    public int bye() throws IOException, InterruptedException {
        send(Envelope.newBuilder().setBye(Bye.getDefaultInstance()).build());
        toAgent.close();
        if (process == null) {
            return 0; // over streams: the owner of the link waits for the exit
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("edgewise-agent (" + description + ") did not exit after Bye");
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
        if (streamCloser != null) {
            try {
                streamCloser.close();
            } catch (Exception e) {
                // the link is being torn down; nothing more to release here
            }
        }
    }
}
