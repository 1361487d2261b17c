package dev.edgewise.core.optimize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgewise.core.eval.Evaluation;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.onnx.OnnxExporter;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.spi.ModelImporters;
import dev.edgewise.core.testing.Digits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsReproducibilityTest {

    @Test
    void savedSettingsReproduceTheSameBytesWithoutCalibrationData(@TempDir Path dir) throws Exception {
        Graph g = Digits.cnn();
        var s = OptimizationSettings.none().withPrune(0.6, Map.of("/classifier/classifier.1/Gemm", 0.9),
                List.of("/features/features.0/Conv"))
            .withQuantize("int8", Map.of("/classifier/classifier.3/Gemm", "fp16"))
            .withCalibration("percentile", 99.9, null, null, null);
        var first = Optimizer.optimize(g, s, Digits.calibration(), m -> { });
        Path model = dir.resolve("opt.onnx");
        OnnxExporter.write(first.graph(), model);
        Path json = dir.resolve("opt.settings.json");
        Files.writeString(json, first.settings().toJson());

        var again = Optimizer.optimize(g, OptimizationSettings.read(json), null, m -> { });
        assertThat(OnnxExporter.toBytes(again.graph())).isEqualTo(Files.readAllBytes(model));

        // the written file loads back and runs in ONNX Runtime with the same predictions
        Graph reloaded = ModelImporters.fromClasspath().load(model, ImportOptions.DEFAULT);
        var data = Digits.test().first(50);
        assertThat(Evaluation.predictions(reloaded, data)).containsExactly(Evaluation.predictions(first.graph(), data));
    }

    @Test
    void unknownLayerNamesAndMissingCalibrationAreClearErrors() throws Exception {
        Graph g = Digits.cnn();
        var bad = OptimizationSettings.none().withQuantize("int8", Map.of("conv99", "float"));
        assertThatThrownBy(() -> Optimizer.optimize(g, bad, null, m -> { })).isInstanceOf(EdgewiseException.class)
            .hasMessageContaining("no weight layer named 'conv99'");
        var noData = OptimizationSettings.none().withQuantize("int8", null);
        assertThatThrownBy(() -> Optimizer.optimize(g, noData, null, m -> { }))
            .hasMessageContaining("needs calibration data");
        assertThatThrownBy(() -> OptimizationSettings.fromJson("{\"version\": 7}", "x.json"))
            .hasMessageContaining("settings version 7");
    }
}
