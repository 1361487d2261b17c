package dev.edgewise.core.testing;

import dev.edgewise.core.eval.Dataset;
import dev.edgewise.core.eval.OrtModel;
import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.spi.ModelImporters;

/** The trained digits sample models and their labelled data, loaded once per test JVM. */
public final class Digits {
    private static Graph cnn;
    private static Dataset test;
    private static Dataset calib;

    private Digits() {
    }

    public static synchronized Graph cnn() throws EdgewiseException {
        if (cnn == null) {
            cnn = load("digits_cnn.onnx");
        }
        return cnn;
    }

    public static Graph load(String name) throws EdgewiseException {
        return ModelImporters.fromClasspath().load(Samples.model(name), ImportOptions.DEFAULT);
    }

    public static synchronized Dataset test() throws EdgewiseException {
        if (test == null) {
            test = Dataset.load(Samples.dir().resolve("data/digits_test.csv"), OrtModel.inputElements(cnn()));
        }
        return test;
    }

    public static synchronized Dataset calibration() throws EdgewiseException {
        if (calib == null) {
            calib = Dataset.load(Samples.dir().resolve("data/digits_calib.csv"), OrtModel.inputElements(cnn()));
        }
        return calib;
    }
}
