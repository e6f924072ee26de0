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
 * A bank restored from a snapshot serves again (docs/user-guide.md#back-up-and-restore-banks), on the real 3-node
 * cluster with an fs repository under the nodes' {@code path.repo} (scripts/local-node sets it): the global state
 * carries the bank's record, {@code .hubness-banks} its blobs. Restored together, the bank serves the same scores;
 * restored without its blobs, the nodes say so and the cluster manager rebuilds it; with the index restored after the
 * global state, the nodes' refusals lift. Each test takes its own snapshot and deletes its bank before restoring it.
 */
@SuppressForbidden(
        reason =
                "JSON text blocks filled by String#formatted with %s of strings and numbers only, which no locale changes")
class SnapshotRestoreIT {

    private static final String GALLERY = "snapshot-gallery";
    private static final String CAPTIONS = "snapshot-captions";
    private static final String BANKS = "/_plugins/_hubness/banks/";
    private static final String REPO = "/_snapshot/hubness-snapshot-it";
    private static final String STORAGE = ".hubness-banks";
    private static final LocalCluster cluster = LocalCluster.fromSystemProperties();

    private static int d;
    private static float[] gallery;

    @BeforeAll
    static void indexAndRegisterRepository() {
        CaptionGallery data = CaptionGallery.index(cluster, GALLERY, CAPTIONS);
        d = data.d();
        gallery = data.gallery();
        JsonNode nodes = cluster.get("/_nodes/settings").ok().json().path("nodes");
        JsonNode pathRepo =
                nodes.elements().next().path("settings").path("path").path("repo");
        String location = (pathRepo.isArray() ? pathRepo.get(0) : pathRepo).asText();
        assertFalse(location.isEmpty(), "scripts/local-node sets path.repo on every node: " + nodes);
        cluster.put(REPO, """
                {"type": "fs", "settings": {"location": "%s/snapshot-it"}}""".formatted(location)).ok();
    }

    @AfterAll
    static void dropAll() {
        for (String bank : List.of("snap-both", "snap-no-blobs", "snap-later")) cluster.delete(BANKS + bank);
        for (String snapshot : List.of("both", "no-blobs", "later")) cluster.delete(REPO + "/" + snapshot);
        cluster.delete(REPO);
        for (String index : List.of(GALLERY, CAPTIONS)) cluster.delete("/" + index);
        BankGuaranteesIT.allowDirectWrites(false);
    }

    /** (a) Global state and .hubness-banks restored together: the deleted bank serves the very same scores again. */
    @Test
    void aBankRestoredWithItsBlobsServesTheSameScores() throws Exception {
        String bank = "snap-both";
        List<String> before = buildAndSearch(bank);
        snapshot("both");
        deleteBankAndWaitForItsBlobsToGo(bank);

        closeBankStorage();
        restore("both", true, true);

        assertEquals(before, searchesOnEveryNodeOnce200(bank), "the restored bank serves the scores it served");
        JsonNode b = cluster.get(BANKS + bank).ok().json();
        assertEquals(1, b.path("version").asInt(), "served from the restored blobs, not rebuilt: " + b);
        assertEquals("ready", b.path("state").asText(), b.toString());
        cluster.delete(BANKS + bank).ok();
    }

    /**
     * (b) Only the global state restored, the bank's blobs long deleted: the nodes refuse the version and say why, the
     * cluster manager rebuilds the bank by itself, and the rebuilt bank serves the scores of the original.
     */
    @Test
    void aBankRestoredWithoutItsBlobsSaysWhyAndRebuildsItself() throws Exception {
        String bank = "snap-no-blobs";
        List<String> before = buildAndSearch(bank);
        snapshot("no-blobs");
        deleteBankAndWaitForItsBlobsToGo(bank);

        restore("no-blobs", true, false);

        // every answer until the rebuild serves is a refusal naming the missing blobs, never a silent failure
        JsonNode b = null;
        for (int i = 0; i < 480; i++) {
            b = cluster.get(BANKS + bank).ok().json();
            if (b.path("version").asInt() == 2 && "ready".equals(b.path("state").asText())) break;
            LocalCluster.Response s = cluster.post("/" + GALLERY + "/_search", search(bank, 0));
            if (s.status() != 200) {
                assertEquals(503, s.status(), s.body());
                assertTrue(
                        s.body().contains("not stored") || s.body().contains("being loaded"),
                        "a refusal says what is wrong: " + s.body());
            }
            Thread.sleep(250);
        }
        assertEquals(2, b.path("version").asInt(), "the cluster manager rebuilt the bank: " + b);
        assertEquals("ready", b.path("state").asText(), b.toString());
        assertEquals(before, searchesOnEveryNodeOnce200(bank), "the rebuilt bank serves the original's scores");
        cluster.delete(BANKS + bank).ok();
    }

    /**
     * (c) The global state restored first while .hubness-banks lacks the blobs (and the automatic rebuild cannot read
     * its query-bank source, so the version stays refused, as GET says), then .hubness-banks restored: the nodes
     * forget the refusal, load the version from the restored blobs and serve the original scores.
     */
    @Test
    void restoringTheBankIndexAfterTheGlobalStateLiftsTheRefusals() throws Exception {
        String bank = "snap-later";
        List<String> before = buildAndSearch(bank);
        snapshot("later");
        deleteBankAndWaitForItsBlobsToGo(bank);

        cluster.post("/" + CAPTIONS + "/_close", null).ok();
        try {
            restore("later", true, false);
            JsonNode b = waitForGet(bank, g -> "failed".equals(g.path("state").asText()) && refusals(g) == 3);
            assertEquals(1, b.path("version").asInt(), b.toString());
            for (JsonNode n : b.path("nodes"))
                assertTrue(
                        n.path("refused").path("reason").asText().contains("not stored"),
                        "GET says each node lacks the blobs: " + b);

            closeBankStorage();
            restore("later", false, true);
        } finally {
            cluster.post("/" + CAPTIONS + "/_open", null).ok();
        }
        assertEquals(before, searchesOnEveryNodeOnce200(bank), "the restored blobs serve the original scores");
        JsonNode b = waitForGet(bank, g -> refusals(g) == 0);
        assertEquals(1, b.path("version").asInt(), b.toString());
        for (JsonNode n : b.path("nodes")) assertEquals(1, n.path("version").asInt(), b.toString());
        cluster.delete(BANKS + bank).ok();
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static List<String> buildAndSearch(String bank) {
        cluster.put(BANKS + bank, """
                {"gallery": {"index": "%s", "field": "embedding"},
                 "query_bank": {"index": "%s", "field": "embedding"}}""".formatted(GALLERY, CAPTIONS)).ok();
        return searchesOnEveryNodeOnce200(bank);
    }

    /** Five searches through the bank on each node, polled until each answers 200; their ids and scores. */
    private static List<String> searchesOnEveryNodeOnce200(String bank) {
        List<String> out = new java.util.ArrayList<>();
        for (int node = 1; node <= 3; node++) {
            for (int row = 0; row < 5; row++) {
                LocalCluster.Response r = null;
                for (int i = 0; i < 480; i++) {
                    r = cluster.node(node).post("/" + GALLERY + "/_search", search(bank, row));
                    if (r.status() != 503) break;
                    pause();
                }
                out.add(BankGuaranteesIT.hitsOf(r.ok().json()));
            }
        }
        return out;
    }

    private static String search(String bank, int row) {
        String q = VectorIndex.vectorJson(gallery, row * d, d);
        return """
            {"size": 10, "_source": false, "query": {"knn": {"embedding": {"vector": %s, "k": 30}}},
             "rescore": {"window_size": 30, "hubness": {"bank": "%s", "method": "is", "query_vector": %s}}}
            """.formatted(q, bank, q);
    }

    /** The global state (with the banks' records) and .hubness-banks (their blobs). */
    private static void snapshot(String name) {
        cluster.put(REPO + "/" + name + "?wait_for_completion=true", """
                {"indices": "%s", "include_global_state": true}""".formatted(STORAGE))
                .ok();
    }

    private static void restore(String name, boolean globalState, boolean bankStorage) {
        JsonNode r = cluster.post(REPO + "/" + name + "/_restore?wait_for_completion=true", """
                        {"indices": "%s", "include_global_state": %s}""".formatted(
                                bankStorage ? STORAGE : "-" + STORAGE, globalState))
                .ok()
                .json();
        assertEquals(0, r.path("snapshot").path("shards").path("failed").asInt(), r.toString());
    }

    /** DELETE the bank and wait until the clean-up removed its blobs: restoring it now finds none. */
    private static void deleteBankAndWaitForItsBlobsToGo(String bank) throws InterruptedException {
        cluster.delete(BANKS + bank).ok();
        for (int i = 0; i < 240; i++) {
            cluster.post("/" + STORAGE + "/_refresh", null);
            if (cluster.get("/" + STORAGE + "/_count?q=bank:" + bank)
                            .ok()
                            .json()
                            .path("count")
                            .asLong()
                    == 0) return;
            pause();
        }
        throw new AssertionError("the blobs of deleted bank [" + bank + "] are still in " + STORAGE);
    }

    /**
     * A restore over an existing index needs it closed; closing .hubness-banks is a direct change the plugin refuses
     * unless an operator allows it (the restored persistent settings then reset the permission).
     */
    private static void closeBankStorage() {
        BankGuaranteesIT.allowDirectWrites(true);
        try {
            cluster.post("/" + STORAGE + "/_close", null).ok();
        } finally {
            BankGuaranteesIT.allowDirectWrites(false);
        }
    }

    private static int refusals(JsonNode bank) {
        int n = 0;
        for (JsonNode node : bank.path("nodes")) if (node.has("refused")) n++;
        return n;
    }

    private static JsonNode waitForGet(String bank, java.util.function.Predicate<JsonNode> outcome)
            throws InterruptedException {
        JsonNode b = null;
        for (int i = 0; i < 480; i++) {
            b = cluster.get(BANKS + bank).ok().json();
            if (outcome.test(b)) return b;
            pause();
        }
        throw new AssertionError("bank [" + bank + "] never reached the expected state: " + b);
    }

    private static void pause() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
