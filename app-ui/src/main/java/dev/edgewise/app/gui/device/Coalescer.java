package dev.edgewise.app.gui.device;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Carries items from a producer thread (a device session's reader) to the UI thread in batches,
 * at most one batch per {@code minIntervalNanos}. The producer only appends to a lock-free queue
 * and, for the first item after a batch, schedules the next delivery: it never waits for the UI,
 * and the UI never waits for it. A run that streams thousands of samples per second costs the
 * FX thread at most ~30 redraws per second.
 */
public final class Coalescer<T> {
    /** Runs a task after a delay on some background thread (a ScheduledExecutorService in the app). */
    @FunctionalInterface
    public interface Scheduler {
        void schedule(Runnable task, long delayNanos);
    }

    private final long minIntervalNanos;
    private final LongSupplier clock;
    private final Scheduler scheduler;
    private final Executor ui;
    private final Consumer<List<T>> sink;
    private final Queue<T> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean pending = new AtomicBoolean();
    private volatile long lastFlush = Long.MIN_VALUE / 2;
    private long batches;

    public Coalescer(long minIntervalNanos, LongSupplier clock, Scheduler scheduler, Executor ui,
                     Consumer<List<T>> sink) {
        this.minIntervalNanos = minIntervalNanos;
        this.clock = clock;
        this.scheduler = scheduler;
        this.ui = ui;
        this.sink = sink;
    }

    /** Any thread; never blocks. */
    public void offer(T item) {
        queue.add(item);
        if (pending.compareAndSet(false, true)) {
            long wait = Math.max(0, lastFlush + minIntervalNanos - clock.getAsLong());
            Runnable deliver = () -> ui.execute(this::flush);
            if (wait == 0) {
                deliver.run();
            } else {
                scheduler.schedule(deliver, wait);
            }
        }
    }

    /**
     * UI thread: hands everything queued so far to the sink now (a run that ended must show its
     * last points before its result). Also what a scheduled delivery runs.
     */
    public void flush() {
        pending.set(false);
        lastFlush = clock.getAsLong();
        List<T> batch = new ArrayList<>();
        for (T item; (item = queue.poll()) != null; ) {
            batch.add(item);
        }
        if (!batch.isEmpty()) {
            batches++;
            sink.accept(batch);
        }
    }

    /** Batches delivered so far (UI thread). */
    public long batches() {
        return batches;
    }
}
