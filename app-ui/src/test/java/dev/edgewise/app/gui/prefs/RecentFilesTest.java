package dev.edgewise.app.gui.prefs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RecentFilesTest {
    @Test
    void newestFirstWithoutDuplicatesCappedAtMax() {
        RecentFiles r = new RecentFiles(Settings.inMemory(), 3);
        Path a = Path.of("/m/a.onnx");
        Path b = Path.of("/m/b.onnx");
        r.add(a);
        r.add(b);
        r.add(Path.of("/m/c.onnx"));
        r.add(a);
        assertThat(r.list()).containsExactly(a, Path.of("/m/c.onnx"), b);
        r.add(Path.of("/m/d.onnx"));
        assertThat(r.list()).hasSize(3).doesNotContain(b);
        r.remove(a);
        assertThat(r.list()).containsExactly(Path.of("/m/d.onnx"), Path.of("/m/c.onnx"));
    }

    @Test
    void relativePathsAreStoredAbsolute() {
        RecentFiles r = new RecentFiles(Settings.inMemory(), 3);
        r.add(Path.of("x/../model.onnx"));
        assertThat(r.list().get(0)).isAbsolute().hasFileName("model.onnx");
        assertThat(r.list().get(0).toString()).doesNotContain("..");
    }
}
