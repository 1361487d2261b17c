package dev.edgewise.bridge.session;

import dev.edgewise.bridge.agent.AgentClient;
import dev.edgewise.bridge.proto.Bye;
import dev.edgewise.bridge.proto.Cancel;
import dev.edgewise.bridge.proto.DeviceInfo;
import dev.edgewise.bridge.proto.Envelope;
import dev.edgewise.bridge.transport.AgentBinaries;
import dev.edgewise.bridge.transport.DeviceConnection;
import dev.edgewise.bridge.transport.DeviceDescriptor;
import dev.edgewise.bridge.transport.RemoteProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link DeviceSession} over any {@link DeviceConnection}: pushes the agent for the device's ABI,
 * starts it, and speaks the bridge protocol over the remote process's stdin/stdout.
 *
 * <p>Threads (all named so tests can check none outlives the session): "edgewise-reader-ID" reads
 * every agent message; "edgewise-watchdog-ID" ends a run whose agent went silent; "edgewise-run-ID-N"
 * uploads the plan and sends Run. Timeouts are in docs/sessions.md.
 */
public final class AgentSession implements DeviceSession {
    /** From starting the agent to its DeviceInfo (qemu start-up and a slow link included). */
    public static final Duration HANDSHAKE_LIMIT = Duration.ofSeconds(20);
    /** Longest a single message write may block (1 MiB chunk: at least ~70 KB/s). */
    public static final Duration SEND_LIMIT = Duration.ofSeconds(15);
    /**
     * Silence allowed while the agent is busy: it sends Progress at least every 0.25 s while handling
     * a message, so 1.5 s of nothing means it is stopped, hung or cut off. Grows with the gaps seen on
     * the link (see {@link #silenceLimitNanos()}), never beyond {@link #SILENCE_CAP}.
     */
    public static final Duration SILENCE_LIMIT = Duration.ofMillis(1500);
    public static final Duration SILENCE_CAP = Duration.ofSeconds(10);
    /** How often the agent sends Progress while busy (its --heartbeat-ms). */
    public static final int HEARTBEAT_MILLIS = 250;
    /** Silence limit multiple of the largest gap between agent messages seen while it was busy. */
    static final int GAP_FACTOR = 3;
    private static final long TICK_MILLIS = 50;

    private final DeviceConnection connection;
    private final RemoteProcess process;
    private final AgentClient client;
    private final DeviceDescriptor device;
    private final String shortId;
    private final Thread reader;
    private final Thread watchdog;
    private final BlockingQueue<Object> handshakeReplies = new LinkedBlockingQueue<>();
    private final ReentrantLock sendLock = new ReentrantLock();
    private final AtomicLong runCounter = new AtomicLong();
    private final long silenceBaseNanos;

    private volatile DeviceInfo deviceInfo;
    private volatile AgentRun current;
    private volatile Thread driver;
    private volatile long lastMessageNanos = System.nanoTime();
    private volatile long watchSinceNanos;
    private volatile long watchLimitNanos; // 0: not waiting for the agent
    private volatile long largestGapNanos;
    private volatile boolean watchIsSilence;
    private volatile String brokenReason;
    private volatile boolean closing;
    private String loadedPlanSha;

    private AgentSession(DeviceConnection connection, RemoteProcess process, Duration silenceBase) {
        this.connection = connection;
        this.process = process;
        this.device = connection.device();
        this.shortId = device.id().replaceAll("[^A-Za-z0-9_.:@-]", "_");
        this.silenceBaseNanos = silenceBase.toNanos();
        this.client = AgentClient.over(process.stdout(), process.stdin(), "edgewise-agent on " + device.id(),
            device.kind() == dev.edgewise.bridge.transport.DeviceKind.EMULATED, process::kill);
        this.reader = new Thread(this::readLoop, "edgewise-reader-" + shortId);
        this.watchdog = new Thread(this::watchLoop, "edgewise-watchdog-" + shortId);
        reader.setDaemon(true);
        watchdog.setDaemon(true);
    }

    /** Pushes and starts the agent on {@code connection} (owned by the session from now on) and says Hello. */
    public static AgentSession open(DeviceConnection connection, List<String> agentArguments) throws IOException {
        return open(connection, agentArguments, SILENCE_LIMIT);
    }

    /** As {@link #open(DeviceConnection, List)} with another base silence limit (slow links, tests). */
    public static AgentSession open(DeviceConnection connection, List<String> agentArguments, Duration silenceBase)
        throws IOException {
        RemoteProcess p;
        try {
            byte[] agent = AgentBinaries.agentFor(connection.abi());
            String path = connection.push(agent, "edgewise-agent", true);
            List<String> argv = new ArrayList<>();
            argv.add(path);
            argv.add("--heartbeat-ms");
            argv.add(Integer.toString(HEARTBEAT_MILLIS));
            argv.addAll(agentArguments);
            p = connection.exec(argv);
        } catch (IOException e) {
            connection.close();
            throw new IOException("cannot start the agent on " + connection.device().id() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
        AgentSession s = new AgentSession(connection, p, silenceBase);
        s.start();
        return s;
    }

    private void start() throws IOException {
        reader.start();
        watchdog.start();
        try {
            watch(HANDSHAKE_LIMIT.toNanos(), false);
            send(AgentClient.helloEnvelope());
            Object answer = handshakeReplies.poll(HANDSHAKE_LIMIT.toSeconds() + 5, TimeUnit.SECONDS);
            while (answer instanceof Envelope e && e.hasProgress()) { // a heartbeat cannot answer Hello; skip it
                answer = handshakeReplies.poll(HANDSHAKE_LIMIT.toSeconds() + 5, TimeUnit.SECONDS);
            }
            unwatch();
            if (answer instanceof Envelope e) {
                deviceInfo = client.acceptHelloAnswer(e);
                return;
            }
            throw new IOException(answer == null ? "no answer to Hello" : answer.toString());
        } catch (IOException | InterruptedException | RuntimeException e) {
            String reason = brokenReason != null ? brokenReason : e.getMessage();
            close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("edgewise-agent on " + device.id() + " did not start: " + reason + stderrNote(), e);
        }
    }

    @Override
    public DeviceDescriptor device() {
        return device;
    }

    @Override
    public DeviceInfo deviceInfo() {
        return deviceInfo;
    }

    /** The connection the agent runs over (work folder, processes); closed with the session. */
    public DeviceConnection connection() {
        return connection;
    }

    /** The agent process (tests stop or kill it to check fault handling). */
    public RemoteProcess agentProcess() {
        return process;
    }

    /** Whether the agent or its link is gone (then every run fails at once). */
    public boolean isBroken() {
        return brokenReason != null;
    }

    @Override
    public synchronized RunHandle run(byte[] plan, RunOptions options) {
        if (current != null && !current.result().isDone()) {
            throw new IllegalStateException("a run is already in progress on " + device.id());
        }
        Map<String, Integer> inputIndex = options.inputs().isEmpty() ? Map.of() : RunRequests.inputPositions(plan);
        for (String name : options.inputs().keySet()) {
            if (!inputIndex.containsKey(name)) {
                throw new IllegalArgumentException("'" + name + "' is not an input of the plan; its inputs: "
                    + String.join(", ", inputIndex.keySet()));
            }
        }
        String sha = HexFormat.of().formatHex(AgentClient.sha256(plan));
        long runId = runCounter.incrementAndGet();
        AgentRun run = new AgentRun(this, runId, options, sha);
        if (brokenReason != null || closing) {
            run.fail(RunEvent.FailureKind.CONNECTION_LOST, "session with " + device.id() + " is closed"
                + (brokenReason != null ? ": " + brokenReason : ""));
            return run;
        }
        current = run;
        Thread t = new Thread(() -> drive(run, plan, inputIndex), "edgewise-run-" + shortId + "-" + runId);
        t.setDaemon(true);
        driver = t;
        t.start();
        return run;
    }

    /** Uploads the plan when it is not the loaded one, sends Run; the reader and watchdog do the rest. */
    private void drive(AgentRun run, byte[] plan, Map<String, Integer> inputIndex) {
        try {
            if (!run.planSha256().equals(loadedPlanSha)) {
                watch(SEND_LIMIT.toNanos(), false);
                sendLock.lock();
                try {
                    client.sendPlan(plan, AgentClient.CHUNK_BYTES, (sent, total) -> {
                        watchSinceNanos = System.nanoTime(); // each chunk gets SEND_LIMIT of its own
                        run.uploaded(sent, total);
                    });
                } finally {
                    sendLock.unlock();
                }
                watch(silenceLimitNanos(), true);
                if (!run.awaitPlanLoaded()) {
                    return; // failed, or cancelled while loading: the run has its result
                }
                loadedPlanSha = run.planSha256();
            }
            if (run.cancelRequested()) {
                run.cancelledBeforeStart();
                return;
            }
            watch(SEND_LIMIT.toNanos(), false);
            send(Envelope.newBuilder().setRun(RunRequests.build(run.runId(), run.options(), inputIndex)).build());
            watch(silenceLimitNanos(), true);
            if (run.markRunSent()) {
                sendCancel(run.runId());
            }
            run.awaitDone();
        } catch (IOException e) {
            linkFailed(e); // a write fails at once when the agent died: the exit check tells which
        } catch (RuntimeException e) {
            run.fail(RunEvent.FailureKind.INTERNAL, "run driver on " + device.id() + ": " + e);
        } finally {
            unwatch();
            synchronized (this) {
                if (current == run) {
                    current = null;
                }
            }
        }
    }


    /** Called by the run on cancel(); the Cancel is sent now when the Run is already out. */
    void sendCancel(long runId) {
        try {
            send(Envelope.newBuilder().setCancel(Cancel.newBuilder().setRunId(runId)).build());
        } catch (IOException e) {
            linkFailed(e);
        }
    }

    private void send(Envelope e) throws IOException {
        sendLock.lock();
        try {
            client.send(e);
        } finally {
            sendLock.unlock();
        }
    }

    private void watch(long limitNanos, boolean silence) {
        watchSinceNanos = System.nanoTime();
        watchIsSilence = silence;
        watchLimitNanos = limitNanos;
    }

    private void unwatch() {
        watchLimitNanos = 0;
    }

    /** max(base, GAP_FACTOR x largest gap seen while busy), capped at SILENCE_CAP. */
    long silenceLimitNanos() {
        return Math.min(SILENCE_CAP.toNanos(), Math.max(silenceBaseNanos, GAP_FACTOR * largestGapNanos));
    }

    private void readLoop() {
        while (true) {
            Envelope e;
            try {
                e = client.receive();
            } catch (IOException | RuntimeException ex) {
                streamEnded(ex);
                return;
            }
            long now = System.nanoTime();
            if (watchLimitNanos != 0 && watchIsSilence && lastMessageNanos > watchSinceNanos) {
                largestGapNanos = Math.max(largestGapNanos, now - lastMessageNanos);
            }
            lastMessageNanos = now;
            AgentRun run = current;
            if (deviceInfo == null) {
                handshakeReplies.add(e);
            } else if (run != null) {
                try {
                    run.onEnvelope(e);
                } catch (RuntimeException bug) {
                    run.fail(RunEvent.FailureKind.INTERNAL, "handling " + AgentClient.describe(e) + ": " + bug);
                }
            }
            if (watchLimitNanos != 0 && watchIsSilence) {
                watchLimitNanos = silenceLimitNanos();
            }
        }
    }

    private void streamEnded(Exception ex) {
        linkFailed(ex);
    }

    /** Reading or writing failed: AGENT_EXITED when the process is gone within 0.3 s, else CONNECTION_LOST. */
    private void linkFailed(Exception ex) {
        if (closing || brokenReason != null) {
            return;
        }
        OptionalInt exit = OptionalInt.empty();
        try {
            exit = process.waitFor(Duration.ofMillis(300));
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        if (exit.isPresent()) {
            broken(RunEvent.FailureKind.AGENT_EXITED, "edgewise-agent on " + device.id() + " exited with "
                + exitDescription(exit.getAsInt()) + stderrNote());
        } else {
            broken(RunEvent.FailureKind.CONNECTION_LOST, "connection to " + device.id() + " dropped ("
                + ex.getMessage() + ")");
        }
    }

    static String exitDescription(int code) {
        return code > 128 && code < 160 ? "code " + code + " (killed by signal " + (code - 128) + ")" : "code " + code;
    }

    private String stderrNote() {
        String tail = process.stderrTail();
        if (tail.isEmpty()) {
            return "";
        }
        String last = tail.length() > 400 ? tail.substring(tail.length() - 400) : tail;
        return "; its stderr ends: " + last.replace('\n', ' ');
    }

    private void watchLoop() {
        while (!closing && brokenReason == null) {
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long limit = watchLimitNanos;
            if (limit == 0) {
                continue;
            }
            long since = Math.max(watchSinceNanos, lastMessageNanos);
            long quiet = System.nanoTime() - since;
            if (quiet > limit && watchLimitNanos != 0) {
                String what = watchIsSilence ? "sent nothing for " : "did not take a message for ";
                broken(RunEvent.FailureKind.AGENT_SILENT, "edgewise-agent on " + device.id() + " " + what
                    + String.format("%.1f s (limit %.1f s; a busy agent sends Progress every 0.25 s)", quiet / 1e9,
                    limit / 1e9));
            }
        }
    }

    /** The agent or its link is gone: fail the current run, tell a waiting handshake, release everything. */
    private void broken(RunEvent.FailureKind kind, String message) {
        synchronized (this) {
            if (brokenReason != null || closing) {
                return;
            }
            brokenReason = message;
        }
        unwatch();
        handshakeReplies.add(message);
        AgentRun run = current;
        if (run != null) {
            run.announceFailure(kind, message); // the event now; the result once everything is released
        }
        connection.close();
        if (run != null) {
            run.fail(kind, message);
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closing) {
                return;
            }
            closing = true;
        }
        AgentRun run = current;
        if (run != null && run.result().isDone()) {
            run = null;
        }
        if (run != null) {
            run.fail(RunEvent.FailureKind.CONNECTION_LOST, "session with " + device.id() + " closed during the run");
        }
        if (brokenReason == null && run == null) {
            try {
                // a writer stuck on a stalled link holds the lock: then there is nobody to say Bye to
                if (sendLock.tryLock(200, TimeUnit.MILLISECONDS)) {
                    try {
                        client.send(Envelope.newBuilder().setBye(Bye.getDefaultInstance()).build());
                    } finally {
                        sendLock.unlock();
                    }
                    process.waitFor(Duration.ofSeconds(1));
                }
            } catch (IOException | RuntimeException e) {
                // the agent is going away anyway
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        connection.close();
        watchdog.interrupt();
        joinQuietly(watchdog);
        joinQuietly(reader);
        Thread d = driver;
        if (d != null) {
            joinQuietly(d);
        }
    }

    private static void joinQuietly(Thread t) {
        if (t == Thread.currentThread()) {
            return;
        }
        try {
            t.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
