package dev.edgewise.core.spi;

import dev.edgewise.core.ir.EdgewiseException;
import dev.edgewise.core.ir.EdgewiseException.ErrorCode;
import dev.edgewise.core.ir.Graph;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Finds every {@link ModelImporter}: those on the application's class path (built-in ONNX and the
 * bundled plugins) and those in jars dropped into the user's plugin folder. A broken jar (not a zip,
 * a provider class missing or throwing, a duplicate id) is reported with its path and skipped; loading
 * never fails because of a plugin.
 *
 * <p>The plugin folder is {@value #DIR_PROPERTY} when that system property is set, otherwise
 * {@code $XDG_CONFIG_HOME/edgewise/plugins}, otherwise {@code ~/.config/edgewise/plugins}.
 */
public final class PluginLoader {
    public static final String DIR_PROPERTY = "edgewise.plugins.dir";
    static final String CLASSPATH_SOURCE = "classpath";

    private PluginLoader() {
    }

    /** What one importer is and where it came from: everything a "plugins" listing shows. */
    public record PluginInfo(String id, String formatName, String version, List<String> extensions, String source) {
        public PluginInfo {
            extensions = List.copyOf(extensions);
        }

        public boolean fromPluginFolder() {
            return !CLASSPATH_SOURCE.equals(source);
        }
    }

    /** A plugin that was skipped: the jar (null for a class-path provider) and why. */
    public record Problem(Path jar, String message) {
        @Override
        public String toString() {
            return (jar == null ? "class path" : jar.toString()) + ": " + message;
        }
    }

    /** The importers found, one {@link PluginInfo} per importer (same order), and the problems met. */
    public record Result(ModelImporters importers, List<PluginInfo> plugins, List<Problem> problems, Path pluginDir) {
        public Result {
            plugins = List.copyOf(plugins);
            problems = List.copyOf(problems);
        }
    }

    /** The folder scanned for plugin jars in this process (it may not exist). */
    public static Path defaultPluginDir() {
        String prop = System.getProperty(DIR_PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String xdg = System.getenv("XDG_CONFIG_HOME");
        Path config = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".config");
        return config.resolve("edgewise").resolve("plugins");
    }

    /** Class path plus the default plugin folder. */
    public static Result load() {
        return load(PluginLoader.class.getClassLoader(), defaultPluginDir());
    }

    /** Importers visible to {@code parent}, then those in each {@code *.jar} of {@code pluginDir} (name order). */
    public static Result load(ClassLoader parent, Path pluginDir) {
        Map<String, ModelImporter> byId = new LinkedHashMap<>();
        Map<String, PluginInfo> infos = new LinkedHashMap<>();
        List<Problem> problems = new ArrayList<>();
        for (ModelImporter imp : providers(ServiceLoader.load(ModelImporter.class, parent), null, problems)) {
            register(imp, CLASSPATH_SOURCE, null, byId, infos, problems);
        }
        for (Path jar : jars(pluginDir, problems)) {
            loadJar(jar, parent, byId, infos, problems);
        }
        List<String> texts = problems.stream().map(Problem::toString).toList();
        return new Result(ModelImporters.of(new ArrayList<>(byId.values()), texts),
            new ArrayList<>(infos.values()), problems, pluginDir);
    }

    private static List<Path> jars(Path dir, List<Problem> problems) {
        if (dir == null || !Files.exists(dir)) {
            return List.of();
        }
        if (!Files.isDirectory(dir)) {
            problems.add(new Problem(dir, "plugin folder is not a folder; no plugins loaded from it"));
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar"))
                .filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            problems.add(new Problem(dir, "cannot list plugin folder: " + e.getMessage()));
            return List.of();
        }
    }

    private static void loadJar(Path jar, ClassLoader parent, Map<String, ModelImporter> byId,
                                Map<String, PluginInfo> infos, List<Problem> problems) {
        String zipProblem = checkZip(jar);
        if (zipProblem != null) {
            problems.add(new Problem(jar, zipProblem));
            return;
        }
        URLClassLoader loader;
        try {
            loader = new URLClassLoader("plugin:" + jar.getFileName(), new URL[] {jar.toUri().toURL()}, parent);
        } catch (MalformedURLException e) {
            problems.add(new Problem(jar, "cannot form a class path entry: " + e.getMessage()));
            return;
        }
        int before = byId.size();
        int problemsBefore = problems.size();
        for (ModelImporter imp : providers(ServiceLoader.load(ModelImporter.class, loader), jar, problems)) {
            // The loader also sees the class path; only providers defined by this jar belong to it.
            if (imp.getClass().getClassLoader() == loader) {
                register(new GuardedImporter(imp, jar), jar.toString(), jar, byId, infos, problems);
            }
        }
        if (byId.size() == before && problems.size() == problemsBefore) {
            problems.add(new Problem(jar, "no importer found (the jar has no usable META-INF/services/"
                + ModelImporter.class.getName() + " entry)"));
        }
    }

    /** Null when the jar opens as a zip, otherwise what is wrong with it. */
    private static String checkZip(Path jar) {
        try (ZipFile z = new ZipFile(jar.toFile())) {
            return z.size() == 0 ? "jar is empty (no entries)" : null;
        } catch (ZipException e) {
            return "not a valid jar (corrupt zip: " + e.getMessage() + ")";
        } catch (IOException e) {
            return "cannot read jar: " + e.getMessage();
        }
    }

    /** Instantiates providers one by one; a failing one is recorded and the rest still load. */
    private static List<ModelImporter> providers(ServiceLoader<ModelImporter> sl, Path jar, List<Problem> problems) {
        List<ModelImporter> out = new ArrayList<>();
        Iterator<ModelImporter> it = sl.iterator();
        for (int guard = 0; guard < 10_000; guard++) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                out.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                Problem p = new Problem(jar, "importer skipped: " + describe(e));
                if (!problems.contains(p)) {
                    problems.add(p);
                }
            }
        }
        return out;
    }

    private static void register(ModelImporter imp, String source, Path jar, Map<String, ModelImporter> byId,
                                 Map<String, PluginInfo> infos, List<Problem> problems) {
        PluginInfo info;
        try {
            info = new PluginInfo(imp.id(), imp.formatName(), imp.version(), imp.fileExtensions(), source);
        } catch (RuntimeException | LinkageError e) {
            problems.add(new Problem(jar, "importer " + imp.getClass().getName() + " skipped: it fails to describe"
                + " itself: " + describe(e)));
            return;
        }
        PluginInfo existing = infos.get(info.id());
        if (existing != null) {
            problems.add(new Problem(jar, "importer '" + info.id() + "' (" + imp.getClass().getName()
                + ") ignored: id already provided by " + existing.source()));
            return;
        }
        byId.put(info.id(), imp);
        infos.put(info.id(), info);
    }

    private static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder(e.getClass().getSimpleName() + ": " + e.getMessage());
        Throwable c = e.getCause();
        for (int depth = 0; c != null && depth < 3; depth++, c = c.getCause()) {
            sb.append("; caused by ").append(c.getClass().getSimpleName()).append(": ").append(c.getMessage());
        }
        return sb.toString();
    }

    /**
     * Wraps an importer from a dropped-in jar so that its failures (a class missing at run time, a
     * runtime exception) become a false sniff or an {@link EdgewiseException} naming the jar.
     */
    static final class GuardedImporter implements ModelImporter {
        private final ModelImporter delegate;
        private final Path jar;
        private final String id;
        private final String formatName;
        private final List<String> extensions;
        private final String version;

        GuardedImporter(ModelImporter delegate, Path jar) {
            this.delegate = delegate;
            this.jar = jar;
            this.id = delegate.id();
            this.formatName = delegate.formatName();
            this.extensions = List.copyOf(delegate.fileExtensions());
            this.version = delegate.version();
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public String formatName() {
            return formatName;
        }

        @Override
        public List<String> fileExtensions() {
            return extensions;
        }

        @Override
        public String version() {
            return version;
        }

        @Override
        public boolean sniff(Path file) {
            try {
                return delegate.sniff(file);
            } catch (RuntimeException | LinkageError e) {
                return false;
            }
        }

        @Override
        public Graph load(Path file, ImportOptions options) throws EdgewiseException {
            try {
                return delegate.load(file, options);
            } catch (RuntimeException | LinkageError e) {
                throw new EdgewiseException(ErrorCode.PLUGIN_ERROR, file + ": the " + formatName + " importer from "
                    + jar + " failed: " + describe(e), e);
            }
        }

        @Override
        public String toString() {
            return "plugin importer '" + id + "' from " + jar;
        }
    }
}
