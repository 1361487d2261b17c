package dev.edgewise.app.gui.tools;

import dev.edgewise.app.gui.MainView;
import dev.edgewise.app.gui.MainViewModel;
import dev.edgewise.app.gui.ModelService;
import dev.edgewise.app.gui.Theme;
import dev.edgewise.app.gui.charts.ChartsViewModel;
import dev.edgewise.app.gui.device.DeviceFeature;
import dev.edgewise.app.gui.device.DeviceService;
import dev.edgewise.app.gui.prefs.RecentFiles;
import dev.edgewise.app.gui.prefs.Settings;
import dev.edgewise.app.gui.task.UiTaskExecutor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;
import javafx.application.Platform;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;

/** The main window assembled outside {@code EdgewiseApplication}, for screenshot and benchmark tools. */
public final class FxHarness {
    public final Stage stage;
    public final Scene scene;
    public final MainView view;
    public final MainViewModel vm;
    public final ChartsViewModel charts;
    public final UiTaskExecutor tasks;
    public final ObjectProperty<Theme> theme;
    public final DeviceFeature device;

    private FxHarness(ModelService service, DeviceService devices, double width, double height) {
        tasks = new UiTaskExecutor(2);
        theme = new SimpleObjectProperty<>(Theme.LIGHT);
        vm = new MainViewModel(service, tasks, new RecentFiles(Settings.inMemory(), 10));
        charts = new ChartsViewModel();
        view = new MainView(vm, charts, tasks, theme, () -> { });
        device = DeviceFeature.install(view, vm, devices, tasks, Settings.inMemory());
        scene = new Scene(view.root(), width, height);
        scene.getStylesheets().setAll(theme.get().stylesheets());
        theme.addListener((o, a, b) -> scene.getStylesheets().setAll(b.stylesheets()));
        view.installShortcuts(scene);
        stage = new Stage();
        stage.setScene(scene);
        stage.setTitle("Edgewise");
        stage.show();
    }

    public static void startToolkit() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await();
        Platform.setImplicitExit(false);
    }

    public static FxHarness open(ModelService service, double width, double height) throws Exception {
        return open(service, DeviceService.standard(), width, height);
    }

    public static FxHarness open(ModelService service, DeviceService devices, double width, double height)
        throws Exception {
        return onFx(() -> new FxHarness(service, devices, width, height));
    }

    public static <T> T onFx(Callable<T> c) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                f.complete(c.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f.get(60, TimeUnit.SECONDS);
    }

    public static void runFx(Runnable r) throws Exception {
        onFx(() -> {
            r.run();
            return null;
        });
    }

    /** Polls (on the FX thread) until the condition holds; fails after the timeout. */
    public static void waitFor(String what, BooleanSupplier condition, long timeoutMillis) throws Exception {
        long end = System.currentTimeMillis() + timeoutMillis;
        while (!onFx(condition::getAsBoolean)) {
            if (System.currentTimeMillis() > end) {
                throw new IllegalStateException("timed out after " + timeoutMillis + " ms waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    /** Lets pending layout passes and runLater redraws happen. */
    public static void settle() throws Exception {
        for (int i = 0; i < 4; i++) {
            runFx(() -> { });
            Thread.sleep(40);
        }
    }

    public void snapshot(Path file) throws Exception {
        Files.createDirectories(file.getParent());
        BufferedImage img = onFx(() -> {
            WritableImage fx = scene.snapshot(null);
            return SwingFXUtils.fromFXImage(fx, null);
        });
        BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        rgb.getGraphics().drawImage(img, 0, 0, null);
        if (!ImageIO.write(rgb, "png", file.toFile())) {
            throw new IOException("no PNG writer for " + file);
        }
    }

    public void close() throws Exception {
        runFx(() -> {
            stage.hide();
            device.close();
            tasks.close();
        });
    }
}
