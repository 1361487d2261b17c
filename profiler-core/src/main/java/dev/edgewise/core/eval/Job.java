package dev.edgewise.core.eval;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A long computation on a background thread with progress reports and cooperative cancel, for
 * the CLI and the GUI alike. The work polls {@link Context#checkCancelled()} between steps.
 */
public final class Job<T> {
    /** The computation; it reports progress and checks for cancel through the context. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Context context) throws Exception;
    }

    /** Receives progress on the job's thread (or a worker's); GUIs hop to their own thread. */
    @FunctionalInterface
    public interface ProgressListener {
        void progress(int done, int total, String message);
    }

    public interface Context {
        void progress(int done, int total, String message);

        boolean isCancelled();

        default void checkCancelled() {
            if (isCancelled()) {
                throw new CancellationException("cancelled");
            }
        }
    }

    private final AtomicBoolean cancelled = new AtomicBoolean();
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private final Thread thread;

    private Job(String name, Work<T> work, ProgressListener listener) {
        Context ctx = new Context() {
            @Override
            public void progress(int done, int total, String message) {
                listener.progress(done, total, message);
            }

            @Override
            public boolean isCancelled() {
                return cancelled.get();
            }
        };
        thread = new Thread(() -> {
            try {
                result.complete(work.run(ctx));
            } catch (Throwable t) {
                result.completeExceptionally(cancelled.get() ? new CancellationException("cancelled") : t);
            }
        }, "edgewise-job-" + name);
        thread.setDaemon(true);
    }

    public static <T> Job<T> start(String name, Work<T> work, ProgressListener listener) {
        Job<T> j = new Job<>(name, work, listener == null ? (d, t, m) -> { } : listener);
        j.thread.start();
        return j;
    }

    public void cancel() {
        cancelled.set(true);
    }

    public boolean isCancelled() {
        return cancelled.get();
    }

    public CompletableFuture<T> future() {
        return result;
    }

    /** Waits for the result; rethrows the work's failure (CancellationException when cancelled). */
    public T await() throws Exception {
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }
}
