package dev.edgewise.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyReaderTest {

    @Test
    void readsVersion1Float32AndVersion2Float64(@TempDir Path dir) throws Exception {
        Path f32 = dir.resolve("a.npy");
        Files.write(f32, npy(1, "<f4", "(2, 3)", new double[] {1, 2, 3, 4, 5, 6}));
        Dataset a = Dataset.load(f32, 3);
        assertThat(a.size()).isEqualTo(2);
        assertThat(a.samples().get(1)).containsExactly(4, 5, 6);
        assertThat(a.hasLabels()).isFalse();

        Path f64 = dir.resolve("b.npy");
        Files.write(f64, npy(2, "<f8", "(1, 2, 2)", new double[] {0.5, -1.5, 2.25, 3}));
        assertThat(Dataset.load(f64, 4).samples().get(0)).containsExactly(0.5f, -1.5f, 2.25f, 3f);
    }

    @Test
    void rejectsWrongTypesOrderAndSizes(@TempDir Path dir) throws Exception {
        Path i = dir.resolve("i.npy");
        Files.write(i, npy(1, "<i4", "(2,)", new double[] {1, 2}));
        assertThatThrownBy(() -> Dataset.load(i, 2)).hasMessageContaining("'<i4' is not supported");
        Path odd = dir.resolve("odd.npy");
        Files.write(odd, npy(1, "<f4", "(5,)", new double[] {1, 2, 3, 4, 5}));
        assertThatThrownBy(() -> Dataset.load(odd, 2)).hasMessageContaining("not a whole number of samples of 2");
        Path junk = dir.resolve("junk.npy");
        Files.writeString(junk, "hello world, not numpy");
        assertThatThrownBy(() -> Dataset.load(junk, 2)).hasMessageContaining("bad magic");
    }

    @Test
    void csvWithAndWithoutLabels(@TempDir Path dir) throws Exception {
        Path labelled = dir.resolve("l.csv");
        Files.writeString(labelled, "3,0.5,1\n7,2,4\n");
        Dataset d = Dataset.load(labelled, 2);
        assertThat(d.labels()).containsExactly(3, 7);
        assertThat(d.samples().get(1)).containsExactly(2, 4);
        Path bad = dir.resolve("b.csv");
        Files.writeString(bad, "1,2,3,4\n");
        assertThatThrownBy(() -> Dataset.load(bad, 2)).hasMessageContaining("b.csv line 1: 4 values");
    }

    private static byte[] npy(int version, String descr, String shape, double[] values) {
        String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int prefix = version == 1 ? 10 : 12;
        int pad = 64 - (prefix + header.length() + 1) % 64;
        header = header + " ".repeat(pad % 64) + "\n";
        int width = descr.endsWith("8") ? 8 : 4;
        ByteBuffer b = ByteBuffer.allocate(prefix + header.length() + values.length * width).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        if (version == 1) {
            b.putShort((short) header.length());
        } else {
            b.putInt(header.length());
        }
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (double v : values) {
            if (descr.equals("<f8")) {
                b.putDouble(v);
            } else if (descr.equals("<f4")) {
                b.putFloat((float) v);
            } else {
                b.putInt((int) v);
            }
        }
        return b.array();
    }
}
