package dev.edgewise.app.gui.task;

import java.util.function.Consumer;

/**
 * Runs work off the FX thread and hands the result back on it. View models depend on this
 * interface only, so they are tested with a synchronous runner and no screen.
 */
public interface TaskRunner {

    /** Background work; must not touch UI objects. Checks {@link Progress#cancelled()} in long loops. */
    @FunctionalInterface
    interface Work<T> {
        T run(Progress progress) throws Exception;
    }

    interface Progress {
        void update(String message, double fraction);

        boolean cancelled();
    }

    @FunctionalInterface
    interface Handle {
        void cancel();
    }

    /**
     * Starts the work. Exactly one of the callbacks runs (on the UI thread) unless the task is
     * cancelled first, in which case neither does.
     */
    <T> Handle submit(String title, Work<T> work, Consumer<T> onSuccess, Consumer<Throwable> onFailure);
}
