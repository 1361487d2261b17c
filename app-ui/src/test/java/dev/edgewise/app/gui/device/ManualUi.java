package dev.edgewise.app.gui.device;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;

/**
 * A UI thread and a timer the test drives: tasks posted to the "UI" wait until {@link #pump()},
 * delayed tasks wait until {@link #advance(long)} moves the fake clock past their time.
 */
final class ManualUi implements Executor, Coalescer.Scheduler {
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final List<Delayed> delayed = new ArrayList<>();
    private long now = 1_000_000_000L;
    final List<Long> scheduledDelays = new ArrayList<>();

    private record Delayed(long at, Runnable task) {
    }

    @Override
    public void execute(Runnable command) {
        queue.add(command);
    }

    @Override
    public synchronized void schedule(Runnable task, long delayNanos) {
        scheduledDelays.add(delayNanos);
        delayed.add(new Delayed(now + delayNanos, task));
    }

    synchronized long now() {
        return now;
    }

    /** Runs posted UI tasks until none are left; returns how many ran. */
    int pump() {
        int n = 0;
        for (Runnable r; (r = queue.poll()) != null; ) {
            r.run();
            n++;
        }
        return n;
    }

    /** Moves the clock, runs the delayed tasks that became due, then pumps the UI queue. */
    void advance(long nanos) {
        List<Runnable> due = new ArrayList<>();
        synchronized (this) {
            now += nanos;
            delayed.removeIf(d -> {
                if (d.at() <= now) {
                    due.add(d.task());
                    return true;
                }
                return false;
            });
        }
        due.forEach(Runnable::run);
        pump();
    }

    synchronized int pendingDelayed() {
        return delayed.size();
    }
}
