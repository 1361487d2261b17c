package dev.edgewise.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.Graph;
import dev.edgewise.core.optimize.OptimizationSettings;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.spi.ModelImporters;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image-folder datasets: the digits test CSV written as PNGs must give back the same inputs and accuracy. */
class ImageFolderTest {
    private static final Path SAMPLES = Path.of(System.getProperty("edgewise.samples", "../samples"));
    /** CSV values are k/16 (k = 0..16); pixel 15k fits a byte and 1/240 maps it back exactly. */
    private static final ImagePreprocessing DIGITS = new ImagePreprocessing(1.0 / 240, null, null, "rgb");

    /** Writes each CSV row as an 8x8 grey PNG under its label's subfolder. */
    static void writeDigitPngs(Dataset csv, Path root) throws Exception {
        for (int i = 0; i < csv.size(); i++) {
            BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
            float[] v = csv.samples().get(i);
            for (int p = 0; p < 64; p++) {
                img.getRaster().setSample(p % 8, p / 8, 0, Math.round(v[p] * 240));
            }
            Path dir = Files.createDirectories(root.resolve(Integer.toString(csv.labels()[i])));
            ImageIO.write(img, "png", dir.resolve(String.format("%04d.png", i)).toFile());
        }
    }

    @Test
    void digitPngFolderReproducesTheCsvInputsAndAccuracy(@TempDir Path dir) throws Exception {
        Graph g = ModelImporters.fromClasspath().load(SAMPLES.resolve("models/digits_cnn.onnx"), ImportOptions.DEFAULT);
        Dataset csv = Dataset.load(SAMPLES.resolve("data/digits_test.csv"), OrtModel.inputElements(g));
        writeDigitPngs(csv, dir);

        Dataset images = Dataset.load(dir, OrtModel.inputShape(g), DIGITS);

        assertThat(images.size()).isEqualTo(csv.size());
        assertThat(images.hasLabels()).isTrue();
        // files are read class by class, so compare as multisets of (label, sample)
        java.util.List<String> a = new java.util.ArrayList<>();
        java.util.List<String> b = new java.util.ArrayList<>();
        for (int i = 0; i < csv.size(); i++) {
            a.add(csv.labels()[i] + ":" + java.util.Arrays.toString(csv.samples().get(i)));
            b.add(images.labels()[i] + ":" + java.util.Arrays.toString(images.samples().get(i)));
        }
        assertThat(b).containsExactlyInAnyOrderElementsOf(a);
        double csvAccuracy = Evaluation.accuracy(g, csv);
        assertThat(Evaluation.accuracy(g, images)).isEqualTo(csvAccuracy);
        assertThat(csvAccuracy).isGreaterThan(0.95);
    }

    @Test
    void flatFolderIsUnlabelledAndNonNumericClassNamesAreSortedIndexes(@TempDir Path dir) throws Exception {
        writeGrey(dir.resolve("flat/b.png"), 10);
        writeGrey(dir.resolve("flat/a.bmp"), 20);
        Files.writeString(dir.resolve("flat/notes.txt"), "not an image, ignored");
        Dataset flat = ImageFolder.read(dir.resolve("flat"), new long[] {1, 1, 2, 2}, new ImagePreprocessing(1, null, null, null));
        assertThat(flat.hasLabels()).isFalse();
        assertThat(flat.samples().get(0)).containsExactly(20, 20, 20, 20); // sorted by name: a.bmp first

        writeGrey(dir.resolve("named/zebra/x.png"), 1);
        writeGrey(dir.resolve("named/apple/y.png"), 2);
        Dataset named = ImageFolder.read(dir.resolve("named"), new long[] {1, 1, 2, 2}, ImagePreprocessing.DEFAULT);
        assertThat(named.labels()).containsExactly(0, 1);
        assertThat(named.samples().get(0)[0]).isEqualTo(2 / 255f);
    }

    @Test
    void rgbChannelsOrderMeanStdAndGreyConversion(@TempDir Path dir) throws Exception {
        BufferedImage img = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, (200 << 16) | (100 << 8) | 50);
        Path f = dir.resolve("c.png");
        ImageIO.write(img, "png", f.toFile());
        ImagePreprocessing rgb = new ImagePreprocessing(0.01, new double[] {1, 0.5, 0}, new double[] {2, 1, 0.5}, "rgb");
        assertThat(ImageFolder.sample(f, 3, 1, 1, rgb)).containsExactly((2 - 1) / 2f, (1 - 0.5f) / 1f, (0.5f - 0) / 0.5f);
        ImagePreprocessing bgr = new ImagePreprocessing(1, null, null, "bgr");
        assertThat(ImageFolder.sample(f, 3, 1, 1, bgr)).containsExactly(50, 100, 200);
        assertThat(ImageFolder.sample(f, 1, 1, 1, bgr)[0]).isCloseTo(0.299f * 200 + 0.587f * 100 + 0.114f * 50,
            org.assertj.core.data.Offset.offset(1e-3f));
    }

    @Test
    void bilinearResizeUsesHalfPixelCentres() {
        float[] up = ImageFolder.Bilinear.resize(new float[] {0, 100}, 2, 1, 4, 1);
        assertThat(up).containsExactly(0, 25, 75, 100);
        float[] down = ImageFolder.Bilinear.resize(new float[] {0, 10, 20, 30}, 4, 1, 2, 1);
        assertThat(down).containsExactly(5, 25);
    }

    @Test
    void unreadableImagesAndEmptyFoldersNameTheFileOrFolder(@TempDir Path dir) throws Exception {
        long[] shape = {1, 1, 8, 8};
        Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> ImageFolder.read(dir.resolve("empty"), shape, ImagePreprocessing.DEFAULT))
            .isInstanceOf(EdgewiseException.class).hasMessageContaining("empty").hasMessageContaining("no images");

        Files.createDirectories(dir.resolve("classes/0"));
        writeGrey(dir.resolve("classes/1/a.png"), 3);
        assertThatThrownBy(() -> ImageFolder.read(dir.resolve("classes"), shape, ImagePreprocessing.DEFAULT))
            .hasMessageContaining("classes" + java.io.File.separator + "0").hasMessageContaining("class folder has no images");

        Files.writeString(Files.createDirectories(dir.resolve("bad")).resolve("broken.png"), "this is not a PNG");
        assertThatThrownBy(() -> ImageFolder.read(dir.resolve("bad"), shape, ImagePreprocessing.DEFAULT))
            .hasMessageContaining("broken.png").hasMessageContaining("not a readable");

        assertThatThrownBy(() -> ImageFolder.read(dir.resolve("classes"), new long[] {1, 64}, ImagePreprocessing.DEFAULT))
            .hasMessageContaining("NCHW with 1 or 3 channels");
    }

    @Test
    void preprocessingIsStoredInTheSettingsJson() throws Exception {
        ImagePreprocessing p = new ImagePreprocessing(ImagePreprocessing.parseNumber("1/255"),
            ImagePreprocessing.parseList("0.485,0.456,0.406"), ImagePreprocessing.parseList("0.229,0.224,0.225"), "BGR");
        OptimizationSettings s = OptimizationSettings.none().withImagePreprocessing(p);
        String json = s.toJson();
        assertThat(json).contains("imagePreprocessing", "\"order\" : \"bgr\"");
        assertThat(OptimizationSettings.fromJson(json, "test").imagePreprocessing()).isEqualTo(p);
        assertThat(OptimizationSettings.none().toJson()).doesNotContain("imagePreprocessing");
        assertThatThrownBy(() -> new ImagePreprocessing(1, null, new double[] {0}, null)).hasMessageContaining("std");
    }

    private static void writeGrey(Path file, int value) throws Exception {
        Files.createDirectories(file.getParent());
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 4; i++) {
            img.getRaster().setSample(i % 2, i / 2, 0, value);
        }
        String fmt = file.toString().endsWith(".bmp") ? "bmp" : "png";
        assertThat(ImageIO.write(img, fmt, file.toFile())).isTrue();
    }
}
