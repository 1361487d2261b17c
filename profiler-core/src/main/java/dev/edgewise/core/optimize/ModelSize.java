package dev.edgewise.core.optimize;

import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.ir.TensorData;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How big a model's parameters are, counted two ways:
 * {@code weightBytes}: the weight (kernel) tensors of Conv/Gemm/MatMul layers, each stored dense
 * or as CSR (whichever is smaller, {@link LayerStats#csrBytes}) at its value width, plus the
 * per-channel quantization scales they need; {@code otherBytes}: every other initializer as the
 * ONNX file stores it (biases, batch-norm parameters, activation scales and zero points).
 */
public record ModelSize(long weightBytes, long otherBytes) {
    public long totalBytes() {
        return weightBytes + otherBytes;
    }

    /** Sizes of {@code g}, given the per-layer stats of the pass that produced it (dense float when empty). */
    public static ModelSize of(Graph original, Graph g, List<LayerStats> layers) {
        Set<String> weightTensors = new HashSet<>();
        long weights = 0;
        for (WeightLayer l : WeightLayer.find(original)) {
            for (String suffix : List.of("", "_int8", "_scale", "_fp16")) {
                weightTensors.add(l.weight() + suffix);
            }
        }
        if (layers.isEmpty()) {
            for (WeightLayer l : WeightLayer.find(original)) {
                weights += original.initializer(l.weight()).byteSize();
            }
        } else {
            weights = layers.stream().mapToLong(LayerStats::storedBytes).sum();
        }
        long other = 0;
        for (TensorData t : g.initializers().values()) {
            if (!weightTensors.contains(t.name())) {
                other += t.byteSize();
            }
        }
        return new ModelSize(weights, other);
    }
}
