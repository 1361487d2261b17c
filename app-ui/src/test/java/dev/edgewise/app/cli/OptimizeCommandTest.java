package dev.edgewise.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code edgewise optimize} and {@code edgewise sensitivity} as a user runs them. */
class OptimizeCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return EdgewiseCommand.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    private static String sample(String rel) {
        return Path.of(System.getProperty("edgewise.samples", "../samples")).resolve(rel).toString();
    }

    @Test
    void pruneAndInt8WritesModelSettingsAndReportAndTheSettingsReproduceTheBytes(@TempDir Path dir) throws Exception {
        Path opt = dir.resolve("cnn.onnx");
        Path report = dir.resolve("cnn.md");
        int rc = run("optimize", sample("models/digits_cnn.onnx"), "--prune", "0.5", "--exclude", "conv",
            "--quantize", "int8", "--keep-float", "/classifier/classifier.3/Gemm",
            "--calibration", sample("data/digits_calib.csv"), "--eval", sample("data/digits_test.csv"),
            "-o", opt.toString(), "--report", report.toString());
        assertThat(rc).as(err.toString()).isZero();
        String text = out.toString();
        assertThat(text).contains("Weight bytes", "Accuracy", "99.78%", "estimated", "measured (ONNX Runtime)");
        assertThat(err.toString()).contains("[optimize] calibrating (minmax) on 100 samples");
        Path settings = dir.resolve("cnn.onnx.settings.json");
        assertThat(Files.readString(settings)).contains("\"pruneSparsity\" : 0.5", "activationRanges", "\"quantize\" : \"int8\"");
        assertThat(Files.readString(report)).containsIgnoringCase("optimization");

        Path again = dir.resolve("again.onnx");
        assertThat(run("optimize", sample("models/digits_cnn.onnx"), "--settings", settings.toString(),
            "-o", again.toString())).isZero();
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(opt));
    }

    @Test
    void userErrorsExitWith2AndNameTheProblem(@TempDir Path dir) {
        String model = sample("models/digits_cnn.onnx");
        String o = dir.resolve("x.onnx").toString();
        assertThat(run("optimize", model, "--quantize", "int4", "-o", o)).isEqualTo(2);
        assertThat(err.toString()).contains("unknown precision 'int4'");
        assertThat(run("optimize", model, "--quantize", "int8", "-o", o)).isEqualTo(2);
        assertThat(err.toString()).contains("needs calibration data");
        assertThat(run("optimize", model, "--prune", "1.5", "-o", o)).isEqualTo(2);
        assertThat(err.toString()).contains("must be in [0, 1)");
        assertThat(run("optimize", model, "--quantize", "int8", "--calibration", sample("data/README.md"), "-o", o)).isEqualTo(2);
        assertThat(err.toString()).contains("unknown data format");
        assertThat(Files.exists(Path.of(o))).isFalse();
    }

    @Test
    void structuredPruningCutsDenseMacs(@TempDir Path dir) {
        assertThat(run("optimize", sample("models/resnet_tiny.onnx"), "--prune-structured", "0.5", "--structured-norm", "l2",
            "-o", dir.resolve("r.onnx").toString())).as(err.toString()).isZero();
        String line = out.toString().lines().filter(l -> l.startsWith("MACs (dense)")).findFirst().orElseThrow();
        assertThat(line).matches("MACs \\(dense\\)\\s+[\\d,]+\\s+[\\d,]+\\s+-\\d+\\.\\d%.*");
        assertThat(run("optimize", sample("models/resnet_tiny.onnx"), "--prune-structured", "1.2",
            "-o", dir.resolve("r.onnx").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("must be in (0, 1)");
    }

    @Test
    void perLayerErrorShowsWherePrecisionIsLost(@TempDir Path dir) {
        assertThat(run("optimize", sample("models/digits_mlp.onnx"), "--quantize", "int8-weights", "--eval",
            sample("data/digits_test.csv"), "--per-layer", "-o", dir.resolve("m.onnx").toString())).as(err.toString()).isZero();
        List<String> rows = out.toString().lines().filter(l -> l.contains(" Gemm ")).toList();
        assertThat(rows).hasSize(3);
        for (String r : rows) {
            double sqnr = Double.parseDouble(r.trim().split("\\s+")[2]);
            assertThat(sqnr).isBetween(15.0, 80.0); // int8 weights: real but small error
        }
    }

    @Test
    void randomCalibrationWarnsLoudly(@TempDir Path dir) {
        assertThat(run("optimize", sample("models/digits_mlp.onnx"), "--quantize", "int8", "--random-calibration", "20",
            "-o", dir.resolve("m.onnx").toString())).isZero();
        assertThat(err.toString()).contains("RANDOM inputs", "meaningless");
    }

    @Test
    void sensitivityRanksLayersAndSavesUsableSettings(@TempDir Path dir) throws Exception {
        Path s = dir.resolve("rec.json");
        int rc = run("sensitivity", sample("models/digits_mlp.onnx"), "--data", sample("data/digits_test.csv"),
            "--levels", "0.5,0.9", "--budget", "1", "--save-settings", s.toString());
        assertThat(rc).as(err.toString()).isZero();
        assertThat(out.toString()).contains("baseline accuracy: 98.22%", "rank", "budget 1.00 points");
        assertThat(err.toString()).contains("[sensitivity]");
        assertThat(run("optimize", sample("models/digits_mlp.onnx"), "--settings", s.toString(),
            "--calibration", sample("data/digits_calib.csv"), "--eval", sample("data/digits_test.csv"),
            "-o", dir.resolve("m.onnx").toString())).isZero();
    }

    /** CSV rows (values k/16) as 8x8 grey PNGs of pixel 15k: {@code --image-scale 1/240} reads them back exactly. */
    private static void writeDigitPngs(Path csv, Path root, boolean perLabel, int limit) throws Exception {
        List<String> rows = Files.readAllLines(csv).stream().filter(l -> !l.isBlank()).limit(limit).toList();
        for (int i = 0; i < rows.size(); i++) {
            String[] f = rows.get(i).split(",");
            int off = f.length - 64;
            java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
            for (int p = 0; p < 64; p++) {
                img.getRaster().setSample(p % 8, p / 8, 0, Math.round(Float.parseFloat(f[p + off]) * 240));
            }
            Path dir = Files.createDirectories(perLabel ? root.resolve(f[0]) : root);
            javax.imageio.ImageIO.write(img, "png", dir.resolve(String.format("%04d.png", i)).toFile());
        }
    }

    @Test
    void imageFoldersCalibrateAndEvaluateLikeTheCsvAndTheScaleIsSaved(@TempDir Path dir) throws Exception {
        Path test = dir.resolve("test");
        Path calib = dir.resolve("calib");
        writeDigitPngs(Path.of(sample("data/digits_test.csv")), test, true, Integer.MAX_VALUE);
        writeDigitPngs(Path.of(sample("data/digits_calib.csv")), calib, false, Integer.MAX_VALUE);
        String model = sample("models/digits_cnn.onnx");
        Path fromCsv = dir.resolve("csv.onnx");
        assertThat(run("optimize", model, "--quantize", "int8", "--calibration", sample("data/digits_calib.csv"),
            "--eval", sample("data/digits_test.csv"), "-o", fromCsv.toString())).as(err.toString()).isZero();
        String csvAccuracy = accuracyLine(out.toString());
        out.getBuffer().setLength(0);

        Path fromPng = dir.resolve("png.onnx");
        assertThat(run("optimize", model, "--quantize", "int8", "--calibration", calib.toString(), "--eval", test.toString(),
            "--image-scale", "1/240", "-o", fromPng.toString())).as(err.toString()).isZero();
        assertThat(accuracyLine(out.toString())).isEqualTo(csvAccuracy).contains("99.78%");
        assertThat(Files.readAllBytes(fromPng)).isEqualTo(Files.readAllBytes(fromCsv)); // same calibrated ranges
        String json = Files.readString(dir.resolve("png.onnx.settings.json"));
        assertThat(json).contains("imagePreprocessing", "\"scale\" : " + (1.0 / 240), "\"order\" : \"rgb\"");
        out.getBuffer().setLength(0);

        // the saved scale is applied again without --image-scale
        assertThat(run("optimize", model, "--settings", dir.resolve("png.onnx.settings.json").toString(),
            "--eval", test.toString(), "-o", dir.resolve("again.onnx").toString())).as(err.toString()).isZero();
        assertThat(accuracyLine(out.toString())).isEqualTo(csvAccuracy);
        out.getBuffer().setLength(0);

        assertThat(run("sensitivity", model, "--data", test.toString(), "--image-scale", "1/240", "--levels", "0.5",
            "--no-int8")).as(err.toString()).isZero();
        assertThat(out.toString()).contains("baseline accuracy: 99.78%");
    }

    @Test
    void emptyImageFolderIsAUserErrorNamingIt(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectories(dir.resolve("nothing-here"));
        assertThat(run("optimize", sample("models/digits_cnn.onnx"), "--prune", "0.5", "--eval", empty.toString(),
            "-o", dir.resolve("x.onnx").toString())).isNotZero();
        assertThat(err.toString()).contains("nothing-here", "no images");
    }

    private static String accuracyLine(String text) {
        return text.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).contains("accuracy")).findFirst().orElse("(none)");
    }
}
