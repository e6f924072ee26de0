/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.common.SuppressForbidden;

/**
 * A build reads only sources its caller sees whole, on the 3-node cluster without the security plugin: a filtered
 * alias as a bank source or gallery is refused (403) and leaves no bank, on lucene and faiss fields alike, while an
 * alias without a filter builds from every document. Also what the admin API answers before any work: a bad body or a
 * _rebuild with a body, and the task result of a background build (a pointer to GET, no bank content).
 */
@SuppressForbidden(reason = "JSON text blocks filled by String#formatted with %s of strings only")
class BuildSourceVisibilityIT {

    private static final String BANKS = "/_plugins/_hubness/banks/";
    private static final String GALLERY = "visibility-gallery";
    private static final String LUCENE_SOURCE = "visibility-lucene";
    private static final String FAISS_SOURCE = "visibility-faiss";
    private static final int D = 4;
    private static final LocalCluster cluster = LocalCluster.fromSystemProperties();

    @BeforeAll
    static void indices() {
        VectorIndex.create(cluster, GALLERY, D, "cosinesimil", 2, 0);
        VectorIndex.load(cluster, GALLERY, vectors(12, 0.1f), D, i -> "g-" + i);
        VectorIndex.create(cluster, LUCENE_SOURCE, D, "cosinesimil", 2, 0);
        VectorIndex.createFaiss(cluster, FAISS_SOURCE, D, "cosinesimil", 2, 0);
        for (String source : List.of(LUCENE_SOURCE, FAISS_SOURCE)) {
            // 4 documents with a vector and a tag; the alias [source-public] selects 3 of them
            for (int i = 0; i < 4; i++) {
                cluster.put(
                                "/" + source + "/_doc/q-" + i,
                                "{\"embedding\": %s, \"tag\": \"%s\"}"
                                        .formatted(
                                                VectorIndex.vectorJson(vectors(4, 0.3f), i * D, D),
                                                i == 3 ? "secret" : "public"))
                        .ok();
            }
            cluster.post("/" + source + "/_refresh", null).ok();
            cluster.post("/_aliases", """
                {"actions": [
                  {"add": {"index": "%s", "alias": "%s-public", "filter": {"term": {"tag": "public"}}}},
                  {"add": {"index": "%s", "alias": "%s-all"}}]}""".formatted(source, source, source, source))
                    .ok();
        }
        cluster.post("/_aliases", """
            {"actions": [{"add": {"index": "%s", "alias": "%s-some", "filter": {"ids": {"values": ["g-0"]}}}}]}""".formatted(GALLERY, GALLERY)).ok();
    }

    @AfterAll
    static void drop() {
        for (String bank : List.of("vis-filtered", "vis-whole-lucene", "vis-whole-faiss", "vis-gallery", "vis-bad"))
            cluster.delete(BANKS + bank);
        for (String index : List.of(GALLERY, LUCENE_SOURCE, FAISS_SOURCE)) cluster.delete("/" + index);
    }

    @Test
    void aFilteredAliasAsABankSourceIsRefusedAndLeavesNoBank() {
        for (String source : List.of(LUCENE_SOURCE, FAISS_SOURCE)) {
            for (String wait : List.of("true", "false")) {
                LocalCluster.Response r = cluster.put(
                        BANKS + "vis-filtered?wait_for_completion=" + wait, definition(GALLERY, source + "-public"));
                assertEquals(403, r.status(), r.body());
                assertTrue(r.body().contains("filtered alias") && r.body().contains(source + "-public"), r.body());
                assertEquals(
                        404,
                        cluster.get(BANKS + "vis-filtered").status(),
                        "a refused PUT left a bank behind (" + source + ", wait " + wait + ")");
            }
        }
    }

    @Test
    void anAliasWithoutAFilterBuildsFromEveryDocument() {
        for (String source : List.of(LUCENE_SOURCE, FAISS_SOURCE)) {
            String bank = source.equals(LUCENE_SOURCE) ? "vis-whole-lucene" : "vis-whole-faiss";
            cluster.delete(BANKS + bank);
            JsonNode built = cluster.put(BANKS + bank, definition(GALLERY, source + "-all"))
                    .ok()
                    .json();
            assertEquals("ready", built.path("state").asText(), built.toString());
            assertEquals(4, built.path("build").path("query_bank_size").asInt(), built.toString());
            cluster.delete(BANKS + bank).ok();
        }
    }

    @Test
    void aFilteredAliasAsTheGalleryIsRefused() {
        LocalCluster.Response r = cluster.put(BANKS + "vis-gallery", definition(GALLERY + "-some", LUCENE_SOURCE));
        assertEquals(403, r.status(), r.body());
        assertTrue(r.body().contains("[gallery]"), r.body());
        assertEquals(404, cluster.get(BANKS + "vis-gallery").status());
    }

    @Test
    void aBadBodyIsA400AndLeavesNoBank() {
        for (String wait : List.of("true", "false")) {
            LocalCluster.Response notJson =
                    cluster.put(BANKS + "vis-bad?wait_for_completion=" + wait, "{\"gallery\": ");
            assertEquals(400, notJson.status(), notJson.body());
            LocalCluster.Response invalid = cluster.put(
                    BANKS + "vis-bad?wait_for_completion=" + wait,
                    definition(GALLERY, LUCENE_SOURCE).replace("{\"gallery\"", "{\"beta_query\": -1, \"gallery\""));
            assertEquals(400, invalid.status(), invalid.body());
            assertTrue(invalid.body().contains("beta_query"), invalid.body());
            assertEquals(404, cluster.get(BANKS + "vis-bad").status());
        }
    }

    @Test
    void aBackgroundBuildsTaskKeepsOnlyAPointerToTheBank() throws Exception {
        cluster.delete(BANKS + "vis-whole-lucene");
        JsonNode accepted = cluster.put(
                        BANKS + "vis-whole-lucene?wait_for_completion=false", definition(GALLERY, LUCENE_SOURCE))
                .ok()
                .json();
        LocalCluster.Response task =
                cluster.get("/_tasks/" + accepted.path("task").asText() + "?wait_for_completion=true&timeout=120s");
        JsonNode result = task.ok().json();
        assertTrue(result.path("completed").asBoolean(), task.body());
        assertEquals("vis-whole-lucene", result.path("response").path("bank").asText(), task.body());
        assertEquals(
                "GET /_plugins/_hubness/banks/vis-whole-lucene",
                result.path("response").path("outcome").asText(),
                task.body());
        for (String detail : List.of("definition", "state", "build", "sha256", LUCENE_SOURCE, "nodes"))
            assertFalse(task.body().contains("\"" + detail), detail + " in the task result: " + task.body());
        // the outcome is where the pointer says
        JsonNode bank = cluster.get(BANKS + "vis-whole-lucene").ok().json();
        assertEquals("ready", bank.path("state").asText(), bank.toString());

        // a rebuild takes no body: a 400 (after authorisation), and the bank is unchanged
        LocalCluster.Response withBody = cluster.post(BANKS + "vis-whole-lucene/_rebuild", "{\"beta_query\": 2}");
        assertEquals(400, withBody.status(), withBody.body());
        assertTrue(withBody.body().contains("takes no body"), withBody.body());
        assertEquals(
                1,
                cluster.get(BANKS + "vis-whole-lucene")
                        .ok()
                        .json()
                        .path("version")
                        .asInt());
        cluster.delete(BANKS + "vis-whole-lucene").ok();
    }

    private static String definition(String gallery, String querySource) {
        return """
            {"gallery": {"index": "%s", "field": "embedding"}, "query_bank": {"index": "%s", "field": "embedding"}}""".formatted(gallery, querySource);
    }

    /** n distinct positive rows of dimension D. */
    private static float[] vectors(int n, float step) {
        float[] v = new float[n * D];
        for (int i = 0; i < n; i++) for (int j = 0; j < D; j++) v[i * D + j] = 1f + step * ((i + j) % D) + 0.01f * i;
        return v;
    }
}
