/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.common.SuppressForbidden;
import org.opensearch.hubness.testing.LoudSkip;

/**
 * A synchronous PUT answers {@code 200} only when every node holds the version it published, on the real 3-node
 * cluster (issue 20, item 7: a PUT answered "200 ready" while a node had refused the version for breaker room). The
 * refusal is forced on exactly one node, not raced: the gallery has one shard and no replica, so only the node holding
 * it keeps the first bank's document terms in its cache, which the {@code hubness} breaker accounts; the breaker limit
 * (a dynamic cluster setting) is then set halfway between that node's use and the others', with room on the others
 * for the small second bank and none on the shard's node. The PUT answers 429 still describing the bank, with
 * {@code not_loaded} naming that node and the breaker; the other nodes hold the version; a search through the
 * refusing node gets the refusal. With the limit reset, a rebuild answers 200 with every node on the new version.
 */
@SuppressForbidden(
        reason = "a JSON text block filled by String#formatted with %s of strings only, which no locale changes")
class BuildAnswerIT {

    private static final String GALLERY = "answer-gallery";
    private static final String BANKS = "/_plugins/_hubness/banks/";
    private static final String LIMIT = "plugins.hubness.breaker.limit";
    private static final String DATA = "flickr8k-tinyclip";
    /** Rows of each bank of the small second bank: its bytes must be well below the cache of 2000 documents' terms. */
    private static final int SMALL = 4;

    private static final LocalCluster cluster = LocalCluster.fromSystemProperties();
    private static int d;
    /** Every image and caption of the data set: their cached terms on one node are the margin the test works with. */
    private static float[] images;

    @BeforeAll
    static void loadData() {
        LoudSkip.unless(VectorIndex.hasData(DATA, "text.npy"), "no ../shared/data/" + DATA);
        float[] text = VectorIndex.read(DATA, "text.npy").toFloats();
        float[] image = VectorIndex.read(DATA, "image.npy").toFloats();
        images = new float[text.length + image.length];
        System.arraycopy(image, 0, images, 0, image.length);
        System.arraycopy(text, 0, images, image.length, text.length);
        d = VectorIndex.read(DATA, "image.npy").cols();
        VectorIndex.create(cluster, GALLERY, d, "cosinesimil", 1, 0);
        VectorIndex.load(cluster, GALLERY, images, d, i -> "doc-" + i);
        cluster.get("/_cluster/health/" + GALLERY + "?wait_for_status=green&timeout=60s")
                .ok();
    }

    @AfterAll
    static void dropAll() {
        cluster.put("/_cluster/settings", "{\"persistent\": {\"" + LIMIT + "\": null}}");
        for (String bank : new String[] {"answer-filler", "answer-small"}) cluster.delete(BANKS + bank);
        cluster.delete("/" + GALLERY);
    }

    @Test
    void aSyncPutAnswersTheRefusalOfTheOneNodeThatCannotHoldTheVersion() {
        // every gallery document's terms of this bank land in the cache of the one node holding the gallery's shard
        cluster.put(BANKS + "answer-filler", """
                        {"gallery": {"index": "%s", "field": "embedding"}, "gallery_bank": {"sample": {"size": 50}}}
                        """.formatted(GALLERY)).ok();
        String shardNode = cluster.get("/_cat/shards/" + GALLERY + "?format=json&h=node")
                .ok()
                .json()
                .get(0)
                .path("node")
                .asText();
        Map<String, Long> used = hubnessBreakerUsed();
        long onShardNode = used.get(shardNode);
        long elsewhere = 0;
        for (Map.Entry<String, Long> e : used.entrySet())
            if (!e.getKey().equals(shardNode)) elsewhere = Math.max(elsewhere, e.getValue());
        long gap = onShardNode - elsewhere;
        // what the small bank can take at most once loaded (vectors, activation ids, overhead; LoadedBank)
        long smallBank = 4L * 2 * SMALL * d + 64L * 2 * SMALL + 256;
        assertTrue(
                gap > 2 * smallBank,
                "the cache on " + shardNode + " must exceed twice the small bank for the forced refusal: " + used);
        long limit = elsewhere + gap / 2;
        try {
            persistent(LIMIT, "\"" + limit + "b\"");
            LocalCluster.Response r = cluster.put(BANKS + "answer-small?wait_for_completion=true", smallBank(SMALL));
            assertEquals(429, r.status(), "one node refused the version for breaker room: " + r.body());
            JsonNode answer = r.json();
            assertEquals(
                    "answer-small", answer.path("name").asText(), "the answer still describes the bank: " + answer);
            assertEquals(1, answer.path("version").asInt(), "version 1 is published: " + answer);
            JsonNode notLoaded = answer.path("not_loaded");
            assertEquals(429, notLoaded.path("status").asInt(), answer.toString());
            assertEquals("[\"" + shardNode + "\"]", notLoaded.path("nodes").toString(), answer.toString());
            String reason = notLoaded.path("reason").asText();
            assertTrue(reason.contains("node [" + shardNode + "] refused it"), reason);
            assertTrue(reason.contains("[hubness] circuit breaker") && reason.contains(LIMIT), reason);
            JsonNode nodes = answer.path("nodes");
            assertEquals(3, nodes.size(), nodes.toString());
            for (JsonNode n : nodes) {
                if (n.path("name").asText().equals(shardNode)) {
                    assertEquals(1, n.path("refused").path("version").asInt(), nodes.toString());
                    assertTrue(n.path("version").isNull(), "it serves no version of the bank: " + nodes);
                } else {
                    assertEquals(1, n.path("version").asInt(), "the other nodes hold version 1: " + nodes);
                }
            }
            LocalCluster.Response search =
                    cluster.node(nodeNumber(shardNode)).post("/" + GALLERY + "/_search", search("answer-small"));
            assertEquals(429, search.status(), "a search through the refusing node gets the refusal: " + search.body());
            assertTrue(search.body().contains(LIMIT), search.body());
        } finally {
            persistent(LIMIT, "null");
        }
        LocalCluster.Response rebuilt = cluster.post(BANKS + "answer-small/_rebuild?wait_for_completion=true", null);
        assertEquals(200, rebuilt.status(), "with room on every node the rebuild is 200: " + rebuilt.body());
        JsonNode bank = rebuilt.json();
        assertTrue(bank.path("not_loaded").isMissingNode(), bank.toString());
        for (JsonNode n : bank.path("nodes"))
            assertEquals(2, n.path("version").asInt(), "every node holds it: " + bank);
        assertEquals(
                200,
                cluster.node(nodeNumber(shardNode))
                        .post("/" + GALLERY + "/_search", search("answer-small"))
                        .status());
    }

    /** A bank of a few posted image vectors and a sample of as many gallery documents. */
    private static String smallBank(int rows) {
        StringBuilder posted = new StringBuilder("[");
        for (int i = 0; i < rows; i++) {
            if (i > 0) posted.append(',');
            VectorIndex.appendVector(posted, images, (images.length / d - 1 - i) * d, d);
        }
        return """
            {"gallery": {"index": "%s", "field": "embedding"},
             "query_bank": {"vectors": %s},
             "gallery_bank": {"sample": {"size": %s}}}
            """.formatted(GALLERY, posted.append(']').toString(), String.valueOf(rows));
    }

    private static String search(String bank) {
        String q = VectorIndex.vectorJson(images, 3 * d, d);
        return """
            {"size": 5, "_source": false, "query": {"knn": {"embedding": {"vector": %s, "k": 20}}},
             "rescore": {"window_size": 20, "hubness": {"bank": "%s", "method": "is", "query_vector": %s}}}
            """.formatted(q, bank, q);
    }

    /** Bytes in use in each node's hubness breaker, by node name. */
    private static Map<String, Long> hubnessBreakerUsed() {
        Map<String, Long> used = new HashMap<>();
        for (JsonNode n : cluster.get("/_nodes/stats/breaker").ok().json().path("nodes")) {
            used.put(
                    n.path("name").asText(),
                    n.path("breakers")
                            .path("hubness")
                            .path("estimated_size_in_bytes")
                            .asLong());
        }
        assertEquals(3, used.size(), used.toString());
        return used;
    }

    /** scripts/local-node names node i "node-i" and serves it on the i-th HTTP port. */
    private static int nodeNumber(String name) {
        return Integer.parseInt(name.substring(name.lastIndexOf('-') + 1));
    }

    private static void persistent(String key, String json) {
        cluster.put("/_cluster/settings", "{\"persistent\": {\"" + key + "\": " + json + "}}")
                .ok();
    }
}
