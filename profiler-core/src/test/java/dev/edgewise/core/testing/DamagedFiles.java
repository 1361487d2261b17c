package dev.edgewise.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.spi.ImportOptions;
import dev.edgewise.core.spi.ModelImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Damaged copies of a good file must load or fail with an EdgewiseException naming the file, nothing else. */
public final class DamagedFiles {
    private DamagedFiles() {
    }

    /** Loads the damaged file (at the given path). */
    public interface Loader {
        void load(Path damaged) throws EdgewiseException;
    }

    public static int check(ModelImporter importer, byte[] good, Path dir, String name, ImportOptions options) throws Exception {
        return check(p -> importer.load(p, options), good, dir, name);
    }

    public static int check(Loader loader, byte[] good, Path dir, String name) throws Exception {
        Random rnd = new Random(42);
        List<byte[]> variants = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            variants.add(Arrays.copyOf(good, (int) ((long) good.length * i / 41)));
        }
        for (int i = 0; i < 120; i++) {
            byte[] b = good.clone();
            int flips = 1 + rnd.nextInt(3);
            for (int k = 0; k < flips; k++) {
                b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
            }
            variants.add(b);
        }
        int failures = 0;
        for (int i = 0; i < variants.size(); i++) {
            Path f = dir.resolve(name);
            Files.write(f, variants.get(i));
            try {
                loader.load(f);
            } catch (EdgewiseException e) {
                failures++;
                assertThat(e.getMessage()).as("variant " + i).contains(f.getFileName().toString());
            } catch (Throwable t) {
                throw new AssertionError("variant " + i + " of " + name + " (" + variants.get(i).length
                    + " bytes) threw " + t, t);
            }
        }
        return failures;
    }
}
