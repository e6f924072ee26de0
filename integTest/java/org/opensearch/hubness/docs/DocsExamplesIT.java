package org.opensearch.hubness.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.hubness.it.LocalCluster;

/**
 * Runs every example request of the user docs, in order, against the test cluster: the user guide first (it creates
 * the indices and the bank the reference's examples use), then the API reference. Each must answer 2xx, or the status
 * its block documents; searches with a hubness rescore must return rescored hits (score >= 1).
 */
class DocsExamplesIT {

    static final List<String> PAGES = List.of("docs/user-guide.md", "docs/api.md");
    static final List<String> INDICES = List.of("images", "captions-bank");
    static final List<String> BANKS = List.of("captions-v1", "posted-v1", "broken");
    static final List<String> PIPELINES = List.of("hubness-images", "broken-pipeline");

    private static final LocalCluster cluster = LocalCluster.fromSystemProperties();

    @BeforeAll
    @AfterAll
    static void clean() {
        for (String bank : BANKS) cluster.delete("/_plugins/_hubness/banks/" + bank);
        for (String index : INDICES) cluster.delete("/" + index);
        for (String pipeline : PIPELINES) cluster.delete("/_search/pipeline/" + pipeline);
        // the user guide's admin switch for ext.hubness (and MMR): off again for the ITs that share the cluster
        cluster.put(
                "/_cluster/settings",
                "{\"persistent\": {\"cluster.search.enabled_system_generated_factories\": null}}");
    }

    static Path page(String relative) {
        return Path.of(System.getProperty("hubness.project.dir", ".")).resolve(relative);
    }

    @Test
    void everyDocumentedRequestRunsAsDocumented() throws Exception {
        List<DocExamples.Example> all = new ArrayList<>();
        for (String p : PAGES) {
            DocExamples page = DocExamples.parse(page(p));
            assertFalse(
                    page.examples().isEmpty(), p + " has no runnable examples; is the marker still ```bash example?");
            all.addAll(page.examples());
        }
        assertTrue(all.size() >= 20, "expected the docs' ~25 examples, found " + all.size() + ": " + all);
        HubnessPipelines pipelines = new HubnessPipelines();
        for (DocExamples.Example e : all) {
            LocalCluster.Response r = runAsPasted(e);
            if (e.expectedStatus() > 0) {
                assertEquals(
                        e.expectedStatus(),
                        r.status(),
                        e + " is documented to answer " + e.expectedStatus() + ": " + r.body());
                JsonNode reason = r.json().path("error").path("reason");
                assertFalse(reason.asText().isBlank(), e + ": an error example must answer a reason: " + r.body());
                continue;
            }
            assertEquals(2, r.status() / 100, e + " answered " + r.status() + ": " + r.body());
            pipelines.record(e);
            if (pipelines.rescores(e)) {
                JsonNode hits = r.json().path("hits").path("hits");
                assertTrue(hits.size() > 0, e + ": no hits: " + r.body());
                for (JsonNode hit : hits) {
                    assertTrue(
                            hit.path("_score").asDouble() >= 1,
                            e + ": hit " + hit.path("_id") + " was not rescored: " + r.body());
                }
                if (e.body().contains("\"explain\": true")) {
                    assertTrue(
                            hits.get(0)
                                    .path("_explanation")
                                    .path("description")
                                    .asText()
                                    .startsWith("hubness rescore"),
                            e + ": explain does not explain the hubness score: " + r.body());
                }
            }
            if (e.method().equals("PUT") && e.path().startsWith("/_plugins/_hubness/banks/")) {
                assertEquals("ready", r.json().path("state").asText(), e + ": the bank did not build: " + r.body());
            }
        }
    }

    /**
     * Which searches of the examples a {@code hubness} search processor rescores: those through a pipeline that one of
     * the examples stored with a hubness processor, named by {@code search_pipeline=} or as the index's default.
     */
    private static final class HubnessPipelines {
        private final java.util.Set<String> withHubness = new java.util.HashSet<>();
        private final java.util.Map<String, String> defaultOf = new java.util.HashMap<>();

        void record(DocExamples.Example e) throws Exception {
            if (!e.method().equals("PUT") || e.body() == null) return;
            if (e.path().startsWith("/_search/pipeline/") && e.body().contains("\"hubness\"")) {
                withHubness.add(e.path().substring("/_search/pipeline/".length()));
            }
            JsonNode setting = LocalCluster.JSON.readTree(e.body()).path("index.search.default_pipeline");
            if (e.path().endsWith("/_settings") && !setting.isMissingNode()) {
                defaultOf.put(
                        e.path().substring(1, e.path().indexOf('/', 1)), setting.isNull() ? null : setting.asText());
            }
        }

        boolean rescores(DocExamples.Example e) {
            String path = e.path();
            int q = path.indexOf('?');
            String route = q < 0 ? path : path.substring(0, q);
            if (!route.endsWith("/_search") || e.body() == null) return false;
            if (e.body().contains("\"hubness\"")) return true;
            java.util.regex.Matcher named = java.util.regex.Pattern.compile("[?&]search_pipeline=([^&]+)")
                    .matcher(path);
            String pipeline = named.find() ? named.group(1) : defaultOf.get(route.substring(1, route.indexOf('/', 1)));
            return pipeline != null
                    && withHubness.contains(pipeline)
                    && e.body().contains("\"knn\"");
        }
    }

    /**
     * Runs the example's curl command through bash, as a reader pasting it would, only pointed at the test cluster
     * instead of localhost:9200 and with the HTTP status appended to the output.
     */
    private static LocalCluster.Response runAsPasted(DocExamples.Example e) throws Exception {
        String pasted = e.command().replace("http://localhost:9200", cluster.baseUrl());
        assertTrue(pasted.startsWith("curl -s "), e + ": " + pasted);
        // curl's -w prints the status after the body, on a line of its own
        String command = "curl -s -w '\\n%{http_code}' " + pasted.substring("curl -s ".length());
        Process p = new ProcessBuilder("bash", "-c", command)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), e + ": curl failed: " + out);
        int cut = out.lastIndexOf('\n');
        return new LocalCluster.Response(
                e.toString(), Integer.parseInt(out.substring(cut + 1).trim()), out.substring(0, cut));
    }
}
