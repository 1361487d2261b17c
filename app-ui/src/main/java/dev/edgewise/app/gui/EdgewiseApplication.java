package dev.edgewise.app.gui;

import dev.edgewise.app.gui.charts.ChartsViewModel;
import dev.edgewise.app.gui.device.DeviceFeature;
import dev.edgewise.app.gui.device.DeviceService;
import dev.edgewise.app.gui.prefs.RecentFiles;
import dev.edgewise.app.gui.prefs.Settings;
import dev.edgewise.app.gui.task.UiTaskExecutor;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javafx.application.Application;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.stage.Screen;
import javafx.stage.Stage;

/** The JavaFX application: wires services, view models and the main view, and remembers the window. */
public final class EdgewiseApplication extends Application {
    private UiTaskExecutor tasks;
    private Settings settings;
    private MainView view;
    private Stage stage;
    private DeviceFeature device;

    @Override
    public void start(Stage primaryStage) {
        this.stage = primaryStage;
        settings = Settings.userPreferences();
        tasks = new UiTaskExecutor(2);
        ObjectProperty<Theme> theme = new SimpleObjectProperty<>(Theme.parse(settings.get("theme", "light")));
        MainViewModel vm = new MainViewModel(ModelService.standard(), tasks, new RecentFiles(settings, 10));
        BundledSamples samples = BundledSamples.standard();
        view = new MainView(vm, new ChartsViewModel(), tasks, theme, () -> vm.openSample(samples));
        device = DeviceFeature.install(view, vm, DeviceService.standard(), tasks, settings);
        Scene scene = new Scene(view.root(), settings.getDouble("window.width", 1280),
            settings.getDouble("window.height", 820));
        scene.getStylesheets().setAll(theme.get().stylesheets());
        theme.addListener((o, a, b) -> {
            scene.getStylesheets().setAll(b.stylesheets());
            settings.put("theme", b.name().toLowerCase(java.util.Locale.ROOT));
        });
        view.installShortcuts(scene);
        stage.setTitle("Edgewise");
        stage.setScene(scene);
        restoreWindow();
        stage.titleProperty().bind(vm.modelFileProperty().map(p -> p.getFileName() + " — Edgewise").orElse("Edgewise"));
        stage.show();
        view.restoreDividers(settings.get("window.dividers", ""));

        Optional<Path> model = modelArgument(getParameters().getRaw());
        if (model.isPresent()) {
            vm.open(model.get());
        } else {
            vm.openSample(samples);
        }
    }

    /** Accepts {@code MODEL} or {@code --gui MODEL}; other options belong to the command line. */
    static Optional<Path> modelArgument(List<String> args) {
        for (String a : args) {
            if (!a.startsWith("-")) {
                return Optional.of(Path.of(a));
            }
        }
        return Optional.empty();
    }

    private void restoreWindow() {
        double x = settings.getDouble("window.x", Double.NaN);
        double y = settings.getDouble("window.y", Double.NaN);
        if (!Double.isNaN(x) && !Double.isNaN(y)
            && !Screen.getScreensForRectangle(new Rectangle2D(x, y, 100, 100)).isEmpty()) {
            stage.setX(x);
            stage.setY(y);
        }
        stage.setMaximized(Boolean.parseBoolean(settings.get("window.maximized", "false")));
    }

    @Override
    public void stop() {
        if (stage != null && settings != null) {
            settings.put("window.maximized", Boolean.toString(stage.isMaximized()));
            if (!stage.isMaximized()) {
                settings.putDouble("window.x", stage.getX());
                settings.putDouble("window.y", stage.getY());
                settings.putDouble("window.width", stage.getScene().getWidth());
                settings.putDouble("window.height", stage.getScene().getHeight());
            }
            settings.put("window.dividers", view.dividerState());
            settings.flush();
        }
        if (device != null) {
            device.close();
        }
        if (tasks != null) {
            tasks.close();
        }
    }
}
