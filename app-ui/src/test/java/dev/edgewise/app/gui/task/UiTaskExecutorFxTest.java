package dev.edgewise.app.gui.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javafx.application.Platform;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.util.WaitForAsyncUtils;

@ExtendWith(ApplicationExtension.class)
class UiTaskExecutorFxTest {
    private final UiTaskExecutor executor = new UiTaskExecutor(2);

    @AfterEach
    void close() {
        executor.close();
    }

    @Test
    void resultArrivesOnTheFxThreadAndProgressIsPublished(FxRobot robot) throws Exception {
        AtomicReference<String> thread = new AtomicReference<>();
        AtomicReference<Integer> result = new AtomicReference<>();
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        robot.interact(() -> executor.submit("Counting", p -> {
            p.update("half way", 0.5);
            running.countDown();
            proceed.await(5, TimeUnit.SECONDS);
            return 42;
        }, v -> {
            thread.set(Thread.currentThread().getName());
            result.set(v);
        }, e -> { }));
        assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> executor.progressProperty().get() == 0.5);
        assertThat(executor.messageProperty().get()).isEqualTo("half way");
        assertThat(executor.busyProperty().get()).isTrue();
        proceed.countDown();
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> result.get() != null);
        assertThat(result.get()).isEqualTo(42);
        assertThat(thread.get()).isEqualTo("JavaFX Application Thread");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(executor.busyProperty().get()).isFalse();
        assertThat(executor.messageProperty().get()).isEmpty();
    }

    @Test
    void cancelStopsTheWorkAndNeitherCallbackRuns(FxRobot robot) throws Exception {
        AtomicBoolean called = new AtomicBoolean();
        AtomicBoolean sawCancel = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        robot.interact(() -> executor.submit("Spinning", p -> {
            started.countDown();
            while (!p.cancelled()) {
                Thread.onSpinWait();
            }
            sawCancel.set(true);
            return 0;
        }, v -> called.set(true), e -> called.set(true)));
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        robot.interact(executor::cancelAll);
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, sawCancel::get);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(called).isFalse();
        assertThat(executor.runningCount()).isZero();
        assertThat(executor.busyProperty().get()).isFalse();
    }

    @Test
    void failuresReachTheFailureCallback(FxRobot robot) throws Exception {
        AtomicReference<Throwable> error = new AtomicReference<>();
        robot.interact(() -> executor.submit("Failing", p -> {
            throw new java.io.IOException("disk on fire: model.onnx");
        }, v -> { }, error::set));
        WaitForAsyncUtils.waitFor(5, TimeUnit.SECONDS, () -> error.get() != null);
        assertThat(error.get()).hasMessage("disk on fire: model.onnx");
        assertThat(Platform.isFxApplicationThread()).isFalse();
    }
}
