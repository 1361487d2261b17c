package dev.edgewise.app.gui.optimize;

import dev.edgewise.app.gui.BundledSamples;
import dev.edgewise.core.eval.OrtModel;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Default calibration and evaluation data for a model: the digits CSVs of the samples for models
 * that take one 8x8 digit (64 input values), nothing otherwise (the user chooses). Called on a
 * background thread: the bundled variant copies the files out of the samples jar.
 */
public interface SampleData {
    /** Calibration and evaluation files, or empty when no sample data fits the model. */
    record Defaults(Path calibration, Path evaluation) {
    }

    Optional<Defaults> forModel(Graph g) throws IOException;

    /** The digits data when {@code g} takes one 8x8 digit. */
    static boolean takesADigit(Graph g) {
        try {
            return g.inputs().size() == 1 && OrtModel.inputElements(g) == 64;
        } catch (EdgewiseException e) {
            return false;
        }
    }

    /** The data shipped in the samples jar, copied to the cache folder. */
    static SampleData bundled(BundledSamples samples) {
        return g -> takesADigit(g)
            ? Optional.of(new Defaults(samples.extractData("digits_calib.csv"), samples.extractData("digits_test.csv")))
            : Optional.empty();
    }

    /** A samples/data folder on disk (tests, and running from a checkout). */
    static SampleData folder(Path dataDir) {
        return g -> {
            Path calib = dataDir.resolve("digits_calib.csv");
            Path test = dataDir.resolve("digits_test.csv");
            return takesADigit(g) && Files.isRegularFile(calib) && Files.isRegularFile(test)
                ? Optional.of(new Defaults(calib, test)) : Optional.empty();
        };
    }
}
