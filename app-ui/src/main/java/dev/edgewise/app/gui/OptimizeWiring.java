package dev.edgewise.app.gui;

import dev.edgewise.app.gui.compare.CompareViewModel;
import dev.edgewise.app.gui.optimize.OptimizeViewModel;
import dev.edgewise.core.analysis.Provenance;
import dev.edgewise.core.eval.Evaluation;
import dev.edgewise.viewer.metric.LayerMetric;
import dev.edgewise.viewer.metric.MetricUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/** Feeds the open model to the Optimize panel and the panel's results to the Compare panel. */
final class OptimizeWiring {
    static final String QUANTIZATION_ERROR = "quantization-error";

    private OptimizeWiring() {
    }

    /**
     * Noise-to-signal ratio of each layer's output (10^(-SQNR/10)), so the worst layers get the hot
     * end of the colour scale; a layer whose output is exact has no value.
     */
    static LayerMetric quantizationError(Evaluation.Result e) {
        Map<String, Double> values = new LinkedHashMap<>();
        for (Evaluation.LayerError l : e.layers()) {
            if (Double.isFinite(l.sqnrDb()) && !values.containsKey(l.layer())) {
                values.put(l.layer(), Math.pow(10, -l.sqnrDb() / 10));
            }
        }
        return new LayerMetric(QUANTIZATION_ERROR, "Optimization error (noise/signal)", MetricUnit.PLAIN,
            Provenance.MEASURED, "ONNX Runtime, " + e.samples() + " samples, optimized vs baseline outputs", values);
    }

    static void connect(MainViewModel main, OptimizeViewModel optimize, CompareViewModel compare, Consumer<String> showError) {
        main.analysisProperty().addListener((o, a, analysis) -> {
            if (analysis == null && main.graphProperty().get() == optimize.original()) {
                return; // the same model analysed again (new dimension bindings): keep the settings
            }
            // device figures belong to the model they were measured on
            compare.setMeasured(CompareViewModel.Side.BASELINE, null);
            compare.setMeasured(CompareViewModel.Side.OPTIMIZED, null);
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
        optimize.evaluationProperty().addListener((o, a, r) -> {
            if (r != null && r.evaluation() != null) {
                main.offerMetric(quantizationError(r.evaluation()), false);
            }
        });
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
