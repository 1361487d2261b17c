package dev.edgewise.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgewise.core.ir.EdgewiseException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Builds real plugin jars (compiled at test time) and drops them, good and broken, into a folder. */
class PluginLoaderTest {
    private static final String SERVICE = "META-INF/services/" + ModelImporter.class.getName();

    @TempDir
    Path tmp;

    private static String importerSource(String pkg, String cls, String id, String ctorBody, String sniffBody) {
        return "package " + pkg + ";\n"
            + "import dev.edgewise.core.ir.*; import dev.edgewise.core.spi.*; import java.nio.file.Path; import java.util.List;\n"
            + "public class " + cls + " implements ModelImporter {\n"
            + "  public " + cls + "() { " + ctorBody + " }\n"
            + "  public String id() { return \"" + id + "\"; }\n"
            + "  public String formatName() { return \"Format " + id + "\"; }\n"
            + "  public List<String> fileExtensions() { return List.of(\"" + id + "\"); }\n"
            + "  public boolean sniff(Path f) { " + sniffBody + " }\n"
            + "  public Graph load(Path f, ImportOptions o) { throw new IllegalStateException(\"boom in \" + f); }\n"
            + "}\n";
    }

    /** Compiles the sources against profiler-core and writes a jar with the given service lines. */
    private Path buildJar(String jarName, Map<String, String> sources, String serviceLines, String version)
            throws IOException {
        Path src = Files.createTempDirectory(tmp, "src");
        Path out = Files.createTempDirectory(tmp, "classes");
        List<String> files = new java.util.ArrayList<>();
        for (var e : sources.entrySet()) {
            Path f = src.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
            files.add(f.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String cp = Path.of(ModelImporter.class.getProtectionDomain().getCodeSource().getLocation().getPath()).toString();
        List<String> args = new java.util.ArrayList<>(List.of("-d", out.toString(), "-cp", cp));
        args.addAll(files);
        assertThat(javac.run(null, null, null, args.toArray(String[]::new))).isZero();
        Manifest mf = new Manifest();
        mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (version != null) {
            mf.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        }
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        Path jar = dir.resolve(jarName);
        try (JarOutputStream jos = new JarOutputStream(Files.newOutputStream(jar), mf);
             Stream<Path> walk = Files.walk(out)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                jos.putNextEntry(new JarEntry(out.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, jos);
                jos.closeEntry();
            }
            jos.putNextEntry(new JarEntry(SERVICE));
            jos.write(serviceLines.getBytes(StandardCharsets.UTF_8));
            jos.closeEntry();
        }
        return jar;
    }

    @Test
    void loadsGoodJarWithVersionAndSkipsBrokenOnesNamingThem() throws Exception {
        Path good = buildJar("a-good.jar", Map.of("p.good.GoodImporter",
            importerSource("p.good", "GoodImporter", "good", "", "return f.toString().endsWith(\".good\");")),
            "p.good.GoodImporter\n", "1.2.3");
        Path missing = buildJar("b-missing.jar", Map.of("p.miss.Present",
            importerSource("p.miss", "Present", "present", "", "return false;")),
            "p.miss.Present\np.miss.DoesNotExist\n", "0.1");
        Path throwing = buildJar("c-throws.jar", Map.of("p.thr.Thrower",
            importerSource("p.thr", "Thrower", "thrower", "throw new IllegalStateException(\"no licence\");", "return false;")),
            "p.thr.Thrower\n", null);
        Path dup = buildJar("d-dup.jar", Map.of("p.dup.Dup",
            importerSource("p.dup", "Dup", "onnx", "", "return false;")), "p.dup.Dup\n", null);
        Path corrupt = tmp.resolve("plugins/e-corrupt.jar");
        Files.write(corrupt, "this is not a zip file at all".getBytes(StandardCharsets.UTF_8));
        Path truncated = tmp.resolve("plugins/f-truncated.jar");
        byte[] goodBytes = Files.readAllBytes(good);
        Files.write(truncated, java.util.Arrays.copyOf(goodBytes, goodBytes.length / 2));

        PluginLoader.Result r = PluginLoader.load(getClass().getClassLoader(), tmp.resolve("plugins"));

        assertThat(r.plugins()).extracting(PluginLoader.PluginInfo::id).contains("onnx", "good", "present")
            .doesNotContain("thrower");
        PluginLoader.PluginInfo goodInfo = r.plugins().stream().filter(p -> p.id().equals("good")).findFirst().orElseThrow();
        assertThat(goodInfo.version()).isEqualTo("1.2.3");
        assertThat(goodInfo.formatName()).isEqualTo("Format good");
        assertThat(goodInfo.extensions()).containsExactly("good");
        assertThat(goodInfo.source()).isEqualTo(good.toString());
        assertThat(goodInfo.fromPluginFolder()).isTrue();
        PluginLoader.PluginInfo onnx = r.plugins().stream().filter(p -> p.id().equals("onnx")).findFirst().orElseThrow();
        assertThat(onnx.fromPluginFolder()).isFalse();

        assertThat(r.problems()).anySatisfy(p -> {
            assertThat(p.jar()).isEqualTo(missing);
            assertThat(p.message()).contains("p.miss.DoesNotExist");
        });
        assertThat(r.problems()).anySatisfy(p -> {
            assertThat(p.jar()).isEqualTo(throwing);
            assertThat(p.message()).contains("no licence");
        });
        assertThat(r.problems()).anySatisfy(p -> {
            assertThat(p.jar()).isEqualTo(dup);
            assertThat(p.message()).contains("'onnx'").contains("already provided by classpath");
        });
        assertThat(r.problems()).anySatisfy(p -> {
            assertThat(p.jar()).isEqualTo(corrupt);
            assertThat(p.message()).contains("corrupt zip");
        });
        assertThat(r.problems()).anySatisfy(p -> assertThat(p.jar()).isEqualTo(truncated));
        assertThat(r.importers().problems()).hasSameSizeAs(r.problems());
        assertThat(r.importers().all()).hasSameSizeAs(r.plugins());
    }

    @Test
    void pluginFailureAtLoadBecomesPluginErrorNamingTheJar() throws Exception {
        Path good = buildJar("good.jar", Map.of("p.g.G", importerSource("p.g", "G", "gg", "", "return true;")),
            "p.g.G\n", null);
        PluginLoader.Result r = PluginLoader.load(getClass().getClassLoader(), good.getParent());
        Path model = tmp.resolve("m.gg");
        Files.writeString(model, "x");
        ModelImporter imp = r.importers().all().stream().filter(i -> i.id().equals("gg")).findFirst().orElseThrow();
        assertThatThrownBy(() -> imp.load(model, ImportOptions.DEFAULT))
            .isInstanceOf(EdgewiseException.class)
            .hasMessageContaining(good.toString()).hasMessageContaining("boom in");
    }

    @Test
    void missingFolderIsNotAProblemButAFileInsteadOfAFolderIs() throws IOException {
        PluginLoader.Result none = PluginLoader.load(getClass().getClassLoader(), tmp.resolve("nowhere"));
        assertThat(none.problems()).isEmpty();
        assertThat(none.plugins()).extracting(PluginLoader.PluginInfo::id).contains("onnx");
        Path file = tmp.resolve("plugins-file");
        try (OutputStream o = Files.newOutputStream(file)) {
            o.write(1);
        }
        PluginLoader.Result bad = PluginLoader.load(getClass().getClassLoader(), file);
        assertThat(bad.problems()).singleElement().satisfies(p -> assertThat(p.jar()).isEqualTo(file));
    }

    @Test
    void pluginDirPropertyOverridesDefault() {
        String old = System.getProperty(PluginLoader.DIR_PROPERTY);
        try {
            System.setProperty(PluginLoader.DIR_PROPERTY, tmp.toString());
            assertThat(PluginLoader.defaultPluginDir()).isEqualTo(tmp);
            System.clearProperty(PluginLoader.DIR_PROPERTY);
            assertThat(PluginLoader.defaultPluginDir().toString()).endsWith("edgewise/plugins");
        } finally {
            if (old != null) {
                System.setProperty(PluginLoader.DIR_PROPERTY, old);
            }
        }
    }
}
