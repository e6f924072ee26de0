package org.opensearch.hubness.rescore;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.opensearch.common.settings.Setting;
import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.pipeline.HubnessExtProcessor;
import org.opensearch.hubness.pipeline.HubnessProcessorFactory;
import org.opensearch.hubness.pipeline.HubnessRequestProcessor;
import org.opensearch.hubness.pipeline.HubnessSearchExt;
import org.opensearch.hubness.rest.HubnessRestHandlers;
import org.opensearch.hubness.settings.HubnessSettings;
import org.opensearch.rest.RestHandler;

/** docs/api.md documents every REST route, every rescore parameter, every method and every setting. */
class ApiDocsCompletenessTests {

    private static String apiDoc() throws Exception {
        return Files.readString(Path.of("docs/api.md"));
    }

    @Test
    void everyRouteIsDocumented() throws Exception {
        String doc = apiDoc();
        for (RestHandler handler : HubnessRestHandlers.all(() -> 1L)) {
            for (RestHandler.Route route : handler.routes()) {
                String line = "`" + route.getMethod().name() + " " + route.getPath() + "`";
                assertTrue(doc.contains(line), "docs/api.md does not document " + line);
            }
        }
    }

    @Test
    void everyRescoreParameterAndMethodIsDocumented() throws Exception {
        String doc = apiDoc();
        for (String p : HubnessRescoreParser.PARAMETERS) {
            assertTrue(
                    doc.contains("| `" + p + "` |"), "docs/api.md has no table row for rescore parameter [" + p + "]");
        }
        for (Method m : Method.values()) {
            assertTrue(
                    doc.contains("`" + m.externalName() + "`"),
                    "docs/api.md does not name method [" + m.externalName() + "]");
        }
    }

    /** The processor's section: every rescore parameter it takes, its own and OpenSearch's processor options. */
    @Test
    void everyProcessorParameterIsDocumented() throws Exception {
        String doc = apiDoc();
        String heading = "## The `" + HubnessRequestProcessor.TYPE + "` search request processor";
        int start = doc.indexOf(heading);
        assertTrue(start >= 0, "docs/api.md has no section [" + heading + "]");
        int end = doc.indexOf("\n## ", start + heading.length());
        String section = end < 0 ? doc.substring(start) : doc.substring(start, end);
        java.util.List<String> expected = new java.util.ArrayList<>(HubnessRescoreParser.PARAMETERS);
        expected.removeAll(HubnessProcessorFactory.FROM_THE_QUERY);
        expected.addAll(java.util.List.of(HubnessProcessorFactory.WINDOW_SIZE, "tag", "description", "ignore_failure"));
        for (String p : expected) {
            assertTrue(
                    section.contains("| `" + p + "` |"),
                    "the processor section of docs/api.md has no row for [" + p + "]");
        }
        for (String p : HubnessProcessorFactory.FROM_THE_QUERY) {
            assertTrue(section.contains("`" + p + "`"), "the processor section must say where [" + p + "] comes from");
        }
        for (HubnessRequestProcessor.Unchanged reason : HubnessRequestProcessor.Unchanged.values()) {
            assertTrue(
                    section.contains("| `" + reason.code + "` |"),
                    "the processor section has no row for reason [" + reason.code + "]");
        }
        assertTrue(
                section.contains("`" + HubnessRequestProcessor.HEADER + "`"),
                "the processor section does not name its header");
    }

    /** The ext's section: every parameter it takes, the factory an admin enables, and where the query's values come from. */
    @Test
    void everyExtParameterIsDocumented() throws Exception {
        String doc = apiDoc();
        String heading = "## The `ext.hubness` search extension";
        int start = doc.indexOf(heading);
        assertTrue(start >= 0, "docs/api.md has no section [" + heading + "]");
        int end = doc.indexOf("\n## ", start + heading.length());
        String section = end < 0 ? doc.substring(start) : doc.substring(start, end);
        for (String p : HubnessSearchExt.PARAMETERS) {
            assertTrue(
                    section.contains("| `" + p + "` |"), "the ext section of docs/api.md has no row for [" + p + "]");
        }
        for (String p : HubnessProcessorFactory.FROM_THE_QUERY) {
            assertTrue(section.contains("`" + p + "`"), "the ext section must say where [" + p + "] comes from");
        }
        assertTrue(section.contains("`" + HubnessExtProcessor.FACTORY + "`"), "the ext section names its factory");
    }

    @Test
    void everySettingIsDocumented() throws Exception {
        String doc = apiDoc();
        for (Setting<?> s : HubnessSettings.all()) {
            assertTrue(
                    doc.contains("| `" + s.getKey() + "` |"),
                    "docs/api.md has no table row for setting [" + s.getKey() + "]");
        }
    }
}
