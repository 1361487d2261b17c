package dev.edgewise.core.optimize;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;

/**
 * A small fixed pool sized to the machine's cores. The common ForkJoin pool has parallelism
 * cores-1 (one thread on a 2-core board or CI runner), which would serialise the passes.
 */
public final class Parallel {
    private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
    private static final ExecutorService POOL = Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new Thread(r, "edgewise-optimize");
        t.setDaemon(true);
        return t;
    });

    private Parallel() {
    }

    public static int threads() {
        return THREADS;
    }

    /**
     * Runs body(0..tasks-1) on the pool and waits; the calling thread takes a share too and waits
     * for finished items, not for pool threads, so nested calls from pool threads cannot deadlock.
     */
    public static void forEach(int tasks, IntConsumer body) {
        if (tasks <= 1 || THREADS == 1) {
            for (int i = 0; i < tasks; i++) {
                body.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(tasks);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < tasks; i = next.getAndIncrement()) {
                try {
                    if (failure.get() == null) {
                        body.accept(i);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    finished.countDown();
                }
            }
        };
        for (int t = 1; t < Math.min(THREADS, tasks); t++) {
            POOL.execute(worker);
        }
        worker.run();
        try {
            finished.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error er) {
            throw er;
        }
    }
}
