package dev.edgewise.app.gui;

import dev.edgewise.app.gui.compare.CompareViewModel;
import dev.edgewise.app.gui.optimize.OptimizeViewModel;
import java.util.function.Consumer;

/** Feeds the open model to the Optimize panel and the panel's results to the Compare panel. */
final class OptimizeWiring {
    private OptimizeWiring() {
    }

    static void connect(MainViewModel main, OptimizeViewModel optimize, CompareViewModel compare, Consumer<String> showError) {
        main.analysisProperty().addListener((o, a, analysis) -> {
            if (analysis == null && main.graphProperty().get() == optimize.original()) {
                return; // the same model analysed again (new dimension bindings): keep the settings
            }
            if (analysis == null) {
                optimize.setModel(null, null, null);
            } else {
                optimize.setModel(main.modelFileProperty().get(), main.graphProperty().get(), analysis);
            }
        });
        Runnable update = () -> compare.show(optimize.evaluationCurrentProperty().get()
            ? optimize.evaluationProperty().get() : optimize.previewProperty().get());
        optimize.previewProperty().addListener((o, a, b) -> update.run());
        optimize.evaluationProperty().addListener((o, a, b) -> update.run());
        optimize.evaluationCurrentProperty().addListener((o, a, b) -> update.run());
        String[] lastShown = {null};
        optimize.lastErrorProperty().addListener((o, a, error) -> {
            // the same problem comes back on every slider move; one dialog per distinct message is enough
            if (error != null && !error.equals(lastShown[0])) {
                lastShown[0] = error;
                showError.accept(error);
            }
        });
    }
}
