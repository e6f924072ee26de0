package org.opensearch.hubness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * kernel/ and norm/ stay pure: no compiled class of theirs refers to OpenSearch, Lucene or the plugin's node-side
 * packages, so the offline evaluator (evaluator/) can compile them without a node. Reads the class files' constant
 * pools (every referenced class, field and method type is named there), so a fully qualified name in the code is
 * caught as well as an import.
 */
class PureCoreTests {

    private static final Path CLASSES = Path.of("target", "classes", "org", "opensearch", "hubness");
    /** Any OpenSearch or Lucene type, or a plugin package other than the two pure ones. */
    private static final Pattern IMPURE =
            Pattern.compile("org/apache/lucene/[\\w/$]+|org/opensearch/(?!hubness/(?:kernel|norm)/)[\\w/$]+");

    @Test
    void kernelAndNormReferToNeitherOpenSearchNorLucene() throws IOException {
        List<String> violations = new ArrayList<>();
        int scanned = 0;
        for (String pkg : List.of("kernel", "norm")) {
            try (Stream<Path> files = Files.list(CLASSES.resolve(pkg))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    scanned++;
                    for (String ref : impureReferences(f)) {
                        violations.add(pkg + "/" + f.getFileName() + " -> " + ref);
                    }
                }
            }
        }
        assertTrue(scanned > 10, "found only " + scanned + " classes under " + CLASSES.toAbsolutePath());
        assertEquals(List.of(), violations, "kernel/ and norm/ must not import OpenSearch or Lucene");
    }

    /** The scan does find such references where they are expected: in the rescorer, which runs inside a node. */
    @Test
    void theScanSeesANodeSideClassAsImpure() throws IOException {
        List<String> refs = impureReferences(CLASSES.resolve("rescore").resolve("HubnessRescorer.class"));
        assertFalse(
                refs.isEmpty(),
                "the scan found no OpenSearch/Lucene reference in the rescorer; it would pass vacuously");
        assertTrue(refs.stream().anyMatch(r -> r.startsWith("org/apache/lucene/")), refs.toString());
    }

    private static List<String> impureReferences(Path classFile) throws IOException {
        // class names in the constant pool are plain ASCII; ISO-8859-1 maps every byte to one char
        String bytes = new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1);
        List<String> found = new ArrayList<>();
        Matcher m = IMPURE.matcher(bytes);
        while (m.find()) {
            if (!found.contains(m.group())) {
                found.add(m.group());
            }
        }
        return found;
    }
}
