package dev.edgewise.core.optimize;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.edgewise.core.eval.ImagePreprocessing;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything that decides an optimization, saved as JSON next to the optimized model. Applying
 * the saved file to the original model reproduces the optimized model byte for byte: the
 * calibrated activation ranges are stored, so no calibration data is needed the second time.
 *
 * @param pruneSparsity      global unstructured sparsity, or null
 * @param layerSparsity      per-layer sparsity overriding the global one
 * @param excludeFromPruning layer names or categories ("conv", "linear") left dense
 * @param quantize           float (none), fp16, int8-weights or int8, for every weight layer
 * @param layerPrecision     per-layer override of {@code quantize} (e.g. keep one layer float)
 * @param activationRanges   calibrated [min, max] per activation tensor (filled by calibration)
 * @param structuredFraction fraction of each prunable Conv's filters removed (structured), or null
 * @param structuredNorm     "l1" or "l2": the filter norm that ranks filters
 * @param imagePreprocessing how image-folder samples were scaled and normalised (null: no image data)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record OptimizationSettings(int version, String sourceModelSha256, Double pruneSparsity,
                                   Map<String, Double> layerSparsity, List<String> excludeFromPruning,
                                   String quantize, Map<String, String> layerPrecision, String calibrationMethod,
                                   Double calibrationPercentile, String calibrationData, Integer calibrationSamples,
                                   Map<String, double[]> activationRanges, Double structuredFraction,
                                   String structuredNorm, ImagePreprocessing imagePreprocessing) {
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    public OptimizationSettings {
        layerSparsity = new TreeMap<>(layerSparsity == null ? Map.of() : layerSparsity);
        excludeFromPruning = List.copyOf(excludeFromPruning == null ? List.of() : excludeFromPruning);
        quantize = quantize == null ? "float" : Precision.parse(quantize).id();
        layerPrecision = new TreeMap<>(layerPrecision == null ? Map.of() : layerPrecision);
        calibrationMethod = calibrationMethod == null ? "minmax" : calibrationMethod;
        activationRanges = activationRanges == null ? null : new TreeMap<>(activationRanges);
        if (structuredFraction != null && !(structuredFraction > 0 && structuredFraction < 1)) {
            throw new IllegalArgumentException("structured pruning fraction must be in (0, 1), got " + structuredFraction);
        }
    }

    public static OptimizationSettings none() {
        return new OptimizationSettings(VERSION, null, null, null, null, "float", null, null, null, null, null, null, null, null, null);
    }

    public OptimizationSettings withStructured(Double fraction, String norm) {
        return new OptimizationSettings(version, sourceModelSha256, pruneSparsity, layerSparsity, excludeFromPruning, quantize,
            layerPrecision, calibrationMethod, calibrationPercentile, calibrationData, calibrationSamples, activationRanges,
            fraction, norm, imagePreprocessing);
    }

    public OptimizationSettings withPrune(Double sparsity, Map<String, Double> perLayer, List<String> exclude) {
        return new OptimizationSettings(version, sourceModelSha256, sparsity, perLayer, exclude, quantize, layerPrecision,
            calibrationMethod, calibrationPercentile, calibrationData, calibrationSamples, activationRanges,
            structuredFraction, structuredNorm, imagePreprocessing);
    }

    public OptimizationSettings withQuantize(String mode, Map<String, String> perLayer) {
        return new OptimizationSettings(version, sourceModelSha256, pruneSparsity, layerSparsity, excludeFromPruning, mode,
            perLayer, calibrationMethod, calibrationPercentile, calibrationData, calibrationSamples, activationRanges,
            structuredFraction, structuredNorm, imagePreprocessing);
    }

    public OptimizationSettings withCalibration(String method, Double percentile, String data, Integer samples,
                                                Map<String, double[]> ranges) {
        return new OptimizationSettings(version, sourceModelSha256, pruneSparsity, layerSparsity, excludeFromPruning,
            quantize, layerPrecision, method, percentile, data, samples, ranges, structuredFraction, structuredNorm,
            imagePreprocessing);
    }

    public OptimizationSettings withSource(String sha256) {
        return new OptimizationSettings(version, sha256, pruneSparsity, layerSparsity, excludeFromPruning, quantize,
            layerPrecision, calibrationMethod, calibrationPercentile, calibrationData, calibrationSamples, activationRanges,
            structuredFraction, structuredNorm, imagePreprocessing);
    }

    public OptimizationSettings withImagePreprocessing(ImagePreprocessing images) {
        return new OptimizationSettings(version, sourceModelSha256, pruneSparsity, layerSparsity, excludeFromPruning, quantize,
            layerPrecision, calibrationMethod, calibrationPercentile, calibrationData, calibrationSamples, activationRanges,
            structuredFraction, structuredNorm, images);
    }

    public boolean prunes() {
        return pruneSparsity != null || !layerSparsity.isEmpty();
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException("settings cannot be written as JSON", e);
        }
    }

    public static OptimizationSettings fromJson(String json, String where) throws EdgewiseException {
        try {
            OptimizationSettings s = JSON.readValue(json, OptimizationSettings.class);
            if (s.version() != VERSION) {
                throw new EdgewiseException(ErrorCode.UNSUPPORTED, where + ": settings version " + s.version()
                    + " is not supported (this build reads version " + VERSION + ")");
            }
            return s;
        } catch (IOException | IllegalArgumentException e) {
            throw new EdgewiseException(ErrorCode.INVALID_ARGUMENT, where + ": not valid optimization settings: "
                + e.getMessage(), e);
        }
    }

    public static OptimizationSettings read(Path file) throws EdgewiseException {
        try {
            return fromJson(java.nio.file.Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new EdgewiseException(ErrorCode.FILE_NOT_FOUND, file + ": cannot read settings: " + e.getMessage(), e);
        }
    }
}
