package dev.edgewise.app.gui.task;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.concurrent.Task;

/**
 * Wraps background work in JavaFX {@link Task}s on a small pool of daemon threads, publishes the
 * newest running task's message and progress for the status bar, cancels on request and stops
 * everything at shutdown. Must be used from the FX thread.
 */
public final class UiTaskExecutor implements TaskRunner, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(UiTaskExecutor.class.getName());

    private final ExecutorService pool;
    private final ObservableList<Task<?>> running = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
    private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", 0);
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy", false);

    public UiTaskExecutor(int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory f = r -> {
            Thread t = new Thread(r, "edgewise-task-" + n.incrementAndGet());
            t.setDaemon(true);
            t.setPriority(Thread.NORM_PRIORITY - 1);
            return t;
        };
        this.pool = Executors.newFixedThreadPool(threads, f);
        running.addListener((javafx.collections.ListChangeListener<Task<?>>) c -> follow());
    }

    @Override
    public <T> Handle submit(String title, Work<T> work, Consumer<T> onSuccess, Consumer<Throwable> onFailure) {
        Task<T> task = new Task<>() {
            @Override
            protected T call() throws Exception {
                updateMessage(title);
                return work.run(new Progress() {
                    @Override
                    public void update(String msg, double fraction) {
                        updateMessage(msg);
                        if (fraction >= 0) {
                            updateProgress(fraction, 1.0);
                        }
                    }

                    @Override
                    public boolean cancelled() {
                        return isCancelled();
                    }
                });
            }
        };
        task.setOnSucceeded(e -> {
            running.remove(task);
            onSuccess.accept(task.getValue());
        });
        task.setOnFailed(e -> {
            running.remove(task);
            Throwable t = task.getException();
            LOG.log(Level.FINE, title + " failed", t);
            onFailure.accept(t);
        });
        task.setOnCancelled(e -> running.remove(task));
        running.add(task);
        pool.execute(task);
        return () -> task.cancel(true);
    }

    private void follow() {
        message.unbind();
        progress.unbind();
        busy.set(!running.isEmpty());
        if (running.isEmpty()) {
            message.set("");
            progress.set(0);
            return;
        }
        Task<?> newest = running.get(running.size() - 1);
        message.bind(newest.messageProperty());
        progress.bind(newest.progressProperty());
    }

    public void cancelAll() {
        for (Task<?> t : java.util.List.copyOf(running)) {
            t.cancel(true);
        }
    }

    public ReadOnlyStringProperty messageProperty() {
        return message.getReadOnlyProperty();
    }

    /** Progress of the newest task, -1 when indeterminate. */
    public ReadOnlyDoubleProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public int runningCount() {
        return running.size();
    }

    /** Cancels running work and waits briefly for the threads to stop. */
    @Override
    public void close() {
        if (Platform.isFxApplicationThread()) {
            cancelAll();
        }
        pool.shutdownNow();
        try {
            if (!pool.awaitTermination(2, TimeUnit.SECONDS)) {
                LOG.warning("background tasks did not stop within 2 s; exiting anyway (threads are daemons)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
