package org.opensearch.hubness.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * The plugin zip holds only what the plugin runs: its descriptor and jar (plus runtime dependencies, none today), and in
 * the jar no offline evaluator, no command-line entry point and no benchmark. Those live in evaluator/, benchmarks/ and
 * demo-data/, projects of their own. Reads the zip Maven built in this run (failsafe runs after package).
 */
class PluginZipContentsIT {

    /** Packages of the side projects; none of their classes may reach the plugin. */
    private static final List<String> FOREIGN_PACKAGES = List.of(
            "org/opensearch/hubness/eval/",
            "org/opensearch/hubness/benchmarks/",
            "org/opensearch/hubness/demodata/",
            "org/opensearch/hubness/demo/",
            "org/opensearch/hubness/bench/",
            "picocli/",
            "org/openjdk/jmh/");

    private static Path pluginZip() throws IOException {
        Path target = Path.of(System.getProperty("hubness.project.dir", ".")).resolve("target");
        try (Stream<Path> files = Files.list(target)) {
            List<Path> zips = files.filter(p -> p.getFileName().toString().matches("opensearch-hubness-.*\\.zip"))
                    .toList();
            assertEquals(1, zips.size(), "one plugin zip in " + target + ": " + zips);
            return zips.get(0);
        }
    }

    @Test
    void theZipHoldsTheDescriptorAndTheJarOnly() throws IOException {
        List<String> entries = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(pluginZip()))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                entries.add(e.getName());
            }
        }
        assertTrue(entries.contains("plugin-descriptor.properties"), entries.toString());
        for (String name : entries) {
            assertTrue(
                    name.equals("plugin-descriptor.properties") || name.endsWith(".jar"), "unexpected entry " + name);
            assertFalse(
                    name.contains("picocli")
                            || name.contains("jmh")
                            || name.contains("evaluator")
                            || name.contains("benchmarks")
                            || name.contains("langchain4j"),
                    "a side project's jar in the zip: " + name);
        }
    }

    @Test
    void thePluginJarHasNoEvaluatorCliOrBenchmarkClass() throws IOException, ReflectiveOperationException {
        Path jar = extractPluginJar();
        List<String> classes = new ArrayList<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                if (e.getName().endsWith(".class")) {
                    classes.add(e.getName());
                }
            }
        }
        assertTrue(
                classes.stream().anyMatch(c -> c.startsWith("org/opensearch/hubness/norm/")),
                "the jar holds the plugin: " + classes);
        for (String c : classes) {
            for (String foreign : FOREIGN_PACKAGES) {
                assertFalse(c.startsWith(foreign), c + " belongs to a side project, not the plugin");
            }
        }
        List<String> fixtures = testFixtureClasses();
        assertTrue(
                fixtures.contains("org/opensearch/hubness/norm/OfflineScorer.class"),
                "the offline scorer is a test fixture: " + fixtures);
        for (String fixture : fixtures) {
            assertFalse(
                    classes.contains(fixture),
                    fixture + " serves only the evaluator and the tests (src/testFixtures), not the plugin");
        }
        try (URLClassLoader loader = new JarFirstLoader(jar)) {
            for (String c : classes) {
                Class<?> type = Class.forName(
                        c.substring(0, c.length() - ".class".length()).replace('/', '.'), false, loader);
                assertEquals(loader, type.getClassLoader(), "read from the zip's jar, not the build's classes: " + c);
                assertFalse(
                        hasMainMethod(type),
                        c + " is a command-line entry point (public static void main); "
                                + "command-line tools live in evaluator/");
            }
        }
    }

    /** Every top-level class of src/testFixtures (the offline scorer, the metrics, the .npy reader), as jar entries. */
    private static List<String> testFixtureClasses() throws IOException {
        Path root = Path.of(System.getProperty("hubness.project.dir", ".")).resolve("src/testFixtures/java");
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .map(f -> root.relativize(f).toString().replace('\\', '/').replaceAll("\\.java$", ".class"))
                    .toList();
        }
    }

    /** The check above can fail: it recognises a command-line entry point. */
    @Test
    void aMainMethodIsRecognised() {
        assertTrue(hasMainMethod(ACommandLineTool.class));
        assertFalse(hasMainMethod(PluginZipContentsIT.class));
    }

    static final class ACommandLineTool {
        public static void main(String[] args) {}
    }

    private static boolean hasMainMethod(Class<?> type) {
        for (Method m : type.getDeclaredMethods()) {
            if (m.getName().equals("main")
                    && Modifier.isStatic(m.getModifiers())
                    && Modifier.isPublic(m.getModifiers())
                    && Arrays.equals(m.getParameterTypes(), new Class<?>[] {String[].class})) {
                return true;
            }
        }
        return false;
    }

    private static Path extractPluginJar() throws IOException {
        Path out = Files.createTempFile("hubness-plugin", ".jar");
        out.toFile().deleteOnExit();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(pluginZip()))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().startsWith("opensearch-hubness-") && e.getName().endsWith(".jar")) {
                    Files.copy(zip, out, StandardCopyOption.REPLACE_EXISTING);
                    return out;
                }
            }
        }
        throw new AssertionError("no opensearch-hubness jar in " + pluginZip());
    }

    /** Loads the plugin's own classes from the zip's jar (not from target/classes); OpenSearch and Lucene from the test classpath. */
    private static final class JarFirstLoader extends URLClassLoader {
        JarFirstLoader(Path jar) throws IOException {
            super(new URL[] {jar.toUri().toURL()}, PluginZipContentsIT.class.getClassLoader());
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith("org.opensearch.hubness.")) {
                synchronized (getClassLoadingLock(name)) {
                    Class<?> c = findLoadedClass(name);
                    if (c == null && findResource(name.replace('.', '/') + ".class") != null) {
                        c = findClass(name);
                    }
                    if (c != null) {
                        return c;
                    }
                }
            }
            return super.loadClass(name, resolve);
        }
    }
}
