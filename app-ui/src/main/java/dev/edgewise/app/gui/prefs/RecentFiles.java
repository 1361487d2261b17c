package dev.edgewise.app.gui.prefs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Most recently opened model files, newest first, without duplicates, at most {@code max}. */
public final class RecentFiles {
    private static final String KEY = "recent.files";
    private final Settings settings;
    private final int max;

    public RecentFiles(Settings settings, int max) {
        this.settings = settings;
        this.max = max;
    }

    public List<Path> list() {
        List<Path> out = new ArrayList<>();
        for (String line : settings.get(KEY, "").split("\n")) {
            if (!line.isBlank()) {
                out.add(Path.of(line));
            }
        }
        return out;
    }

    /** Moves the file to the top; paths are stored absolute so the list survives a changed working folder. */
    public List<Path> add(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        List<Path> l = list();
        l.remove(abs);
        l.add(0, abs);
        while (l.size() > max) {
            l.remove(l.size() - 1);
        }
        store(l);
        return l;
    }

    public List<Path> remove(Path file) {
        List<Path> l = list();
        l.remove(file.toAbsolutePath().normalize());
        store(l);
        return l;
    }

    private void store(List<Path> l) {
        settings.put(KEY, String.join("\n", l.stream().map(Path::toString).toList()));
        settings.flush();
    }
}
