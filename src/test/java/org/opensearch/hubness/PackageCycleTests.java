/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No import circle between the plugin's packages: the compiled classes' constant pools (every referenced class is
 * named there, imported or fully qualified) give each package the plugin packages it uses, and no package reaches
 * itself through another. The transport actions call into {@code build/}; the build calls them through
 * {@code build/BuildCalls}, never by their types.
 */
class PackageCycleTests {

    private static final Path CLASSES = Path.of("target", "classes", "org", "opensearch", "hubness");
    private static final Pattern PLUGIN_CLASS = Pattern.compile("org/opensearch/hubness/((?:\\w+/)*)[\\w$]+");

    @Test
    void noPackageReachesItselfThroughAnother() throws IOException {
        Map<String, Set<String>> uses = packageGraph();
        assertTrue(
                uses.getOrDefault("transport", Set.of()).contains("build"),
                "the scan sees transport/ use build/; it would pass vacuously: " + uses);
        List<String> circles = new ArrayList<>();
        for (String from : uses.keySet()) {
            for (String to : uses.get(from)) {
                if (from.compareTo(to) < 0 && reaches(uses, to, from)) circles.add(from + " <-> " + to);
            }
        }
        assertEquals(List.of(), circles, "plugin packages that depend on each other (directly or through others)");
    }

    /** Each plugin package (relative to org/opensearch/hubness, "" for the root) to the other ones it refers to. */
    private static Map<String, Set<String>> packageGraph() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(CLASSES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String from = pkg(CLASSES.relativize(f.getParent()).toString().replace('\\', '/'));
                Set<String> to = uses.computeIfAbsent(from, k -> new TreeSet<>());
                // class names in the constant pool are plain ASCII; ISO-8859-1 maps every byte to one char
                Matcher m = PLUGIN_CLASS.matcher(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
                while (m.find()) {
                    String used = pkg(m.group(1));
                    if (!used.equals(from)) to.add(used);
                }
            }
        }
        return uses;
    }

    private static String pkg(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static boolean reaches(Map<String, Set<String>> uses, String from, String target) {
        Set<String> seen = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(from));
        while (!todo.isEmpty()) {
            String p = todo.pop();
            if (p.equals(target)) return true;
            if (seen.add(p)) todo.addAll(uses.getOrDefault(p, Set.of()));
        }
        return false;
    }
}
