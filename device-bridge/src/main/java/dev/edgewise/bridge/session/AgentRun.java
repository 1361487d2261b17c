package dev.edgewise.bridge.session;

import dev.edgewise.bridge.agent.AgentClient;
import dev.edgewise.bridge.proto.Envelope;
import dev.edgewise.bridge.proto.ErrorCode;
import dev.edgewise.bridge.proto.Result;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One run on an {@link AgentSession}: turns the agent's messages into {@link RunEvent}s (in order, on the
 * session's reader thread) and ends with exactly one {@link RunResult}, whatever happens.
 */
final class AgentRun implements RunHandle {
    private final AgentSession session;
    private final long runId;
    private final RunOptions options;
    private final String planSha256;
    private final List<RunEvent> events = new ArrayList<>();
    private final List<Consumer<RunEvent>> listeners = new ArrayList<>();
    private final CompletableFuture<RunResult> result = new CompletableFuture<>();
    private final CompletableFuture<Boolean> planLoaded = new CompletableFuture<>();
    private final List<Double> iterations = new ArrayList<>();
    private final List<RunEvent> samples = new ArrayList<>();
    private List<String> layerNames = List.of();
    private double[] layerSums;
    private int layerCount;
    private boolean cancelRequested;
    private boolean runSent;
    private boolean done;
    private RunEvent.Failed announced;

    AgentRun(AgentSession session, long runId, RunOptions options, String planSha256) {
        this.session = session;
        this.runId = runId;
        this.options = options;
        this.planSha256 = planSha256;
    }

    long runId() {
        return runId;
    }

    RunOptions options() {
        return options;
    }

    String planSha256() {
        return planSha256;
    }

    @Override
    public synchronized void onEvent(Consumer<RunEvent> listener) {
        events.forEach(listener);
        listeners.add(listener);
    }

    @Override
    public CompletableFuture<RunResult> result() {
        return result;
    }

    @Override
    public void cancel() {
        boolean sendNow;
        synchronized (this) {
            if (done || cancelRequested) {
                return;
            }
            cancelRequested = true;
            sendNow = runSent;
        }
        if (sendNow) {
            session.sendCancel(runId);
        }
    }

    synchronized boolean cancelRequested() {
        return cancelRequested;
    }

    /** The Run went out; true when a cancel came before, so the caller sends the Cancel now. */
    synchronized boolean markRunSent() {
        runSent = true;
        return cancelRequested;
    }

    /** Host side of the upload: chunks written so far. */
    void uploaded(int chunks, int total) {
        emit(new RunEvent.Progress("uploading plan", chunks, total));
    }

    /** True once the agent loaded the plan; false when the run ended first. */
    boolean awaitPlanLoaded() {
        return planLoaded.join();
    }

    void awaitDone() {
        result.join();
    }

    synchronized void cancelledBeforeStart() {
        finish(RunStatus.CANCELLED, Optional.empty(), null);
    }

    /**
     * First half of a fatal failure found by the session: the Failed event goes out now and later agent
     * messages are ignored; {@link #fail} completes the result once the connection is cleaned up.
     */
    synchronized void announceFailure(RunEvent.FailureKind kind, String message) {
        if (done || announced != null) {
            return;
        }
        announced = new RunEvent.Failed(kind, message, true);
        emit(announced);
    }

    /** A fatal failure (agent exited, silent, link lost, closed): ends the run FAILED with what was measured. */
    synchronized void fail(RunEvent.FailureKind kind, String message) {
        if (done) {
            return;
        }
        RunEvent.Failed failed = announced;
        if (failed == null) {
            failed = new RunEvent.Failed(kind, message, true);
            emit(failed);
        }
        finish(RunStatus.FAILED, Optional.of(failed), null);
    }

    /** One agent message (reader thread). Messages of another run (a late answer) are ignored. */
    synchronized void onEnvelope(Envelope e) {
        if (done || announced != null || (runIdOf(e) != 0 && runIdOf(e) != runId)) {
            return;
        }
        switch (e.getBodyCase()) {
            case PROGRESS -> {
                var p = e.getProgress();
                emit(new RunEvent.Progress(p.getStage(), p.getDone(), p.getTotal()));
                if (AgentClient.PLAN_LOADED.equals(p.getStage())) {
                    planLoaded.complete(true);
                }
            }
            case ITERATION_TIMING -> {
                iterations.add(e.getIterationTiming().getSeconds());
                emit(new RunEvent.IterationTimed(e.getIterationTiming().getIteration(), e.getIterationTiming().getSeconds()));
            }
            case LAYER_TIMINGS -> layers(e.getLayerTimings());
            case POWER_SAMPLE -> sample(new RunEvent.PowerSampled(e.getPowerSample().getTSeconds(),
                e.getPowerSample().getSource(), e.getPowerSample().getWatts()));
            case THERMAL_SAMPLE -> sample(new RunEvent.ThermalSampled(e.getThermalSample().getTSeconds(),
                e.getThermalSample().getZone(), e.getThermalSample().getCelsius()));
            case FREQUENCY_SAMPLE -> sample(new RunEvent.FrequencySampled(e.getFrequencySample().getTSeconds(),
                e.getFrequencySample().getCpu(), e.getFrequencySample().getKhz(), e.getFrequencySample().getGovernor()));
            case RESULT -> finish(e.getResult().getCancelled() ? RunStatus.CANCELLED : RunStatus.COMPLETED,
                Optional.empty(), e.getResult());
            case ERROR -> error(e.getError());
            default -> emit(new RunEvent.Failed(RunEvent.FailureKind.AGENT_ERROR, "unexpected "
                + AgentClient.describe(e) + " from the agent during run " + runId, false));
        }
    }

    private static long runIdOf(Envelope e) {
        return switch (e.getBodyCase()) {
            case PROGRESS -> e.getProgress().getRunId();
            case ITERATION_TIMING -> e.getIterationTiming().getRunId();
            case LAYER_TIMINGS -> e.getLayerTimings().getRunId();
            case RESULT -> e.getResult().getRunId();
            case ERROR -> e.getError().getRunId();
            case POWER_SAMPLE -> e.getPowerSample().getRunId();
            case THERMAL_SAMPLE -> e.getThermalSample().getRunId();
            case FREQUENCY_SAMPLE -> e.getFrequencySample().getRunId();
            default -> 0;
        };
    }

    private void layers(dev.edgewise.bridge.proto.LayerTimings lt) {
        if (lt.getLayersCount() > 0) {
            layerNames = List.copyOf(lt.getLayersList());
        }
        layerSums = RunResults.add(layerSums, lt.getSecondsList());
        layerCount++;
        emit(new RunEvent.LayersTimed(lt.getIteration(), layerNames, lt.getSecondsList()));
    }

    private void sample(RunEvent event) {
        samples.add(event);
        emit(event);
    }

    /** "Busy" answers to a stray message leave the run going; every other Error during a run ends it. */
    private void error(dev.edgewise.bridge.proto.Error err) {
        String text = "edgewise-agent on " + session.device().id() + ": " + err.getCode() + ": " + err.getMessage();
        boolean runGoesOn = runSent && err.getCode() == ErrorCode.BAD_SEQUENCE && !err.getFatal();
        RunEvent.Failed failed = new RunEvent.Failed(RunEvent.FailureKind.AGENT_ERROR, text, !runGoesOn);
        emit(failed);
        if (!runGoesOn) {
            finish(RunStatus.FAILED, Optional.of(failed), null);
        }
    }

    private void emit(RunEvent event) {
        synchronized (this) {
            events.add(event);
            for (Consumer<RunEvent> l : listeners) {
                try {
                    l.accept(event);
                } catch (RuntimeException e) {
                    // a broken listener must not stop the run or the other listeners
                }
            }
        }
    }

    private void finish(RunStatus status, Optional<RunEvent.Failed> failure, Result agentResult) {
        if (done) {
            return;
        }
        done = true;
        planLoaded.complete(false);
        Optional<TimingStatistics> latency = agentResult != null && agentResult.hasStats()
            ? RunResults.statistics(agentResult.getStats()) : RunResults.statistics(iterations);
        Optional<EnergyMeasurement> energy = agentResult != null && agentResult.hasEnergy()
            ? Optional.of(RunResults.energy(agentResult.getEnergy())) : Optional.empty();
        Map<String, RunResult.OutputTensor> outputs = new LinkedHashMap<>();
        if (agentResult != null) {
            agentResult.getOutputsList().forEach(t -> {
                RunResult.OutputTensor o = RunResults.output(t);
                outputs.put(o.name(), o);
            });
        }
        int threads = agentResult != null && agentResult.getThreads() > 0 ? agentResult.getThreads() : options.threads();
        RunProvenance provenance = RunResults.provenance(session.device(), session.deviceInfo(), planSha256, threads,
            options.cpus());
        result.complete(new RunResult(status, failure, latency, iterations,
            RunResults.layerMeans(layerNames, layerSums, layerCount), energy, samples, outputs, provenance));
    }
}
