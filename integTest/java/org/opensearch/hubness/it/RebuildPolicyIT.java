package org.opensearch.hubness.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.common.SuppressForbidden;
import org.opensearch.hubness.eval.NpyArray;

/**
 * A bank's rebuild policy on the real 3-node cluster (docs/api.md#rebuild-policy): with {@code interval: 1s} and
 * {@code min_gallery_change: 0.05} over a 300-document Flickr8k gallery, checks that find nothing changed leave the
 * bank alone over several intervals; 10 new documents (3.3 %) are seen and are not enough; 6 deletes more (16
 * operations, 5.3 %) make the cluster manager rebuild it, trigger {@code policy}. A second bank's policy survives the
 * elected cluster manager's stop: the new cluster manager rebuilds it after the gallery changed, and the node comes
 * back (3 nodes, green) for the ITs after this one.
 */
@SuppressForbidden(
        reason =
                "JSON text blocks filled by String#formatted with %s of strings and numbers only, which no locale changes")
class RebuildPolicyIT {

    private static final String GALLERY = "policy-gallery";
    private static final String CAPTIONS = "policy-captions";
    private static final String FAILOVER_GALLERY = "policy-failover-gallery";
    private static final String BANKS = "/_plugins/_hubness/banks/";
    /** Generous: a check is due every second, but a loaded machine may build for a while. */
    private static final long DEADLINE_MILLIS = 180_000;

    private static final LocalCluster cluster = LocalCluster.fromSystemProperties();

    private static int d;
    private static float[] gallery;
    /** Images 300..399, never in a gallery at the start: the documents the tests add. */
    private static float[] moreImages;

    @BeforeAll
    static void loadData() {
        CaptionGallery data = CaptionGallery.index(cluster, GALLERY, CAPTIONS);
        d = data.d();
        gallery = data.gallery();
        NpyArray image = VectorIndex.read("flickr8k-tinyclip", "image.npy");
        moreImages = VectorIndex.rows(image.toFloats(), d, 300, 400);
        VectorIndex.create(cluster, FAILOVER_GALLERY, d, "cosinesimil", 3, 1);
        VectorIndex.load(cluster, FAILOVER_GALLERY, gallery, d, i -> "img-" + i);
        cluster.get("/_cluster/health?wait_for_status=green&timeout=60s").ok();
    }

    @AfterAll
    static void dropAll() {
        // a policy checks every second until its bank is gone
        for (String bank : List.of("policy-gallery-bank", "policy-failover")) cluster.delete(BANKS + bank);
        for (String index : List.of(GALLERY, CAPTIONS, FAILOVER_GALLERY)) cluster.delete("/" + index);
    }

    private static String policyBank(String galleryIndex) {
        return """
            {"gallery": {"index": "%s", "field": "embedding"},
             "query_bank": {"index": "%s", "field": "embedding"},
             "rebuild_policy": {"interval": "1s", "min_gallery_change": 0.05}}
            """.formatted(galleryIndex, CAPTIONS);
    }

    /** Polls GET of the bank (through {@code via}) until {@code done} holds; fails with the last answer at the deadline. */
    private static JsonNode until(LocalCluster via, String bank, String what, Predicate<JsonNode> done)
            throws InterruptedException {
        long end = System.currentTimeMillis() + DEADLINE_MILLIS;
        String last = null;
        while (System.currentTimeMillis() < end) {
            LocalCluster.Response r = via.get(BANKS + bank);
            if (r.status() == 200) {
                if (done.test(r.json())) return r.json();
                last = r.body();
            } else {
                last = r.status() + " " + r.body();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("bank [" + bank + "]: " + what + " did not happen; last GET: " + last);
    }

    private static JsonNode status(JsonNode bank) {
        return bank.path("rebuild_policy_status");
    }

    private static void index(LocalCluster via, String galleryIndex, int from, int to) {
        StringBuilder bulk = new StringBuilder();
        for (int i = from; i < to; i++) {
            bulk.append("{\"index\": {\"_index\": \"")
                    .append(galleryIndex)
                    .append("\", \"_id\": \"new-")
                    .append(i)
                    .append("\"}}\n{\"embedding\": ")
                    .append(VectorIndex.vectorJson(moreImages, i * d, d))
                    .append("}\n");
        }
        JsonNode r = via.post("/_bulk?refresh=true", bulk.toString()).ok().json();
        assertEquals(false, r.path("errors").asBoolean(), r.toString());
    }

    @Test
    void aChangedGalleryRebuildsTheBankAndAnUnchangedOneDoesNot() throws Exception {
        JsonNode put = cluster.put(BANKS + "policy-gallery-bank", policyBank(GALLERY))
                .ok()
                .json();
        assertEquals(1, put.path("version").asInt(), put.toString());
        assertEquals("put", put.path("build").path("trigger").asText(), put.toString());
        assertEquals(
                300,
                put.path("build").path("gallery_operations").asLong(),
                "300 documents indexed once each: 300 operations on the primaries: " + put);
        assertEquals(
                "1s",
                put.path("definition").path("rebuild_policy").path("interval").asText(),
                put.toString());

        // nothing changed: several checks, each one interval after the one before, and no rebuild
        TreeSet<Long> checks = new TreeSet<>();
        JsonNode quiet = until(cluster, "policy-gallery-bank", "four unchanged checks", b -> {
            JsonNode s = status(b);
            if (s.isMissingNode()) return false;
            assertEquals("unchanged", s.path("outcome").asText(), b.toString());
            assertEquals(0, s.path("gallery_operations_since_build").asLong(), b.toString());
            assertEquals(1, b.path("version").asInt(), "no rebuild while nothing changed: " + b);
            checks.add(s.path("last_checked").asLong());
            return checks.size() >= 4;
        });
        assertEquals(300, status(quiet).path("gallery_documents_at_build").asLong(), quiet.toString());
        assertTrue(
                checks.last() - checks.first() >= 3 * 1000, "one check per interval (1s), not more often: " + checks);

        // 10 new documents: 10/300 = 3.3 %, seen and below the threshold
        index(cluster, GALLERY, 0, 10);
        JsonNode seen = until(
                cluster,
                "policy-gallery-bank",
                "a check that counts the 10 new documents",
                b -> status(b).path("gallery_operations_since_build").asLong() == 10);
        assertEquals("unchanged", status(seen).path("outcome").asText(), seen.toString());
        assertEquals(0.0333, status(seen).path("gallery_change").asDouble(), 1e-9, seen.toString());
        assertEquals(1, seen.path("version").asInt(), seen.toString());

        // 6 deletes more: 16 operations, 5.3 % of the 300 documents at build: the policy rebuilds
        StringBuilder deletes = new StringBuilder();
        for (int i = 0; i < 6; i++)
            deletes.append("{\"delete\": {\"_index\": \"" + GALLERY + "\", \"_id\": \"img-" + i + "\"}}\n");
        JsonNode r =
                cluster.post("/_bulk?refresh=true", deletes.toString()).ok().json();
        assertEquals(false, r.path("errors").asBoolean(), r.toString());
        JsonNode rebuilt = until(
                cluster,
                "policy-gallery-bank",
                "the policy's rebuild",
                b -> b.path("version").asInt() == 2
                        && "ready".equals(b.path("state").asText()));
        assertEquals("policy", rebuilt.path("build").path("trigger").asText(), rebuilt.toString());
        assertEquals(304, rebuilt.path("build").path("gallery_documents").asLong(), rebuilt.toString());
        assertEquals(316, rebuilt.path("build").path("gallery_operations").asLong(), rebuilt.toString());
        JsonNode started = status(rebuilt);
        assertEquals(2, started.path("started_version").asInt(), rebuilt.toString());
        assertEquals("rebuild_started", started.path("outcome").asText(), rebuilt.toString());
        assertEquals(1, started.path("serving_version").asInt(), "compared with version 1: " + rebuilt);
        assertEquals(16, started.path("gallery_operations_since_build").asLong(), rebuilt.toString());
        assertTrue(started.path("gallery_change").asDouble() >= 0.05, rebuilt.toString());

        // against version 2's baseline nothing changed: the next checks leave it alone
        JsonNode after = until(
                cluster,
                "policy-gallery-bank",
                "a check against version 2",
                b -> status(b).path("serving_version").asInt() == 2);
        assertEquals("unchanged", status(after).path("outcome").asText(), after.toString());
        assertEquals(0, status(after).path("gallery_operations_since_build").asLong(), after.toString());
        assertEquals(2, after.path("version").asInt(), after.toString());

        long checksCounted = 0, rebuildsCounted = 0;
        for (JsonNode node : cluster.get("/_plugins/_hubness/stats").ok().json().path("nodes")) {
            checksCounted += node.path("policy").path("checks").asLong();
            rebuildsCounted += node.path("policy").path("rebuilds_started").asLong();
        }
        assertTrue(checksCounted >= 6, "the checks are counted: " + checksCounted);
        assertTrue(rebuildsCounted >= 1, "the policy's rebuild is counted: " + rebuildsCounted);
    }

    /** The elected cluster manager, as the number i of its node name {@code node-i}, asked through {@code via}. */
    private static int clusterManager(LocalCluster via) {
        LocalCluster.Response r = via.get("/_cat/cluster_manager?format=json");
        if (r.status() != 200 || !r.json().isArray() || r.json().isEmpty()) return -1;
        String name = r.json().get(0).path("node").asText();
        return name.startsWith("node-") ? Integer.parseInt(name.substring(5)) : -1;
    }

    @Test
    void thePolicySurvivesAClusterManagerStop() throws Exception {
        int manager = clusterManager(cluster);
        assertTrue(manager >= 1 && manager <= 3, "an elected cluster manager among node-1..3: " + manager);
        int other = manager % 3 + 1;
        LocalCluster via = cluster.node(other);
        JsonNode put = via.put(BANKS + "policy-failover", policyBank(FAILOVER_GALLERY))
                .ok()
                .json();
        assertEquals(1, put.path("version").asInt(), put.toString());
        // the policy checks on this cluster manager first
        until(via, "policy-failover", "a first check", b -> !status(b).isMissingNode());

        LocalNodeScript.run("stop-node", String.valueOf(manager));
        try {
            int successor = -1;
            long end = System.currentTimeMillis() + DEADLINE_MILLIS;
            while (System.currentTimeMillis() < end) {
                successor = clusterManager(via);
                if (successor > 0 && successor != manager) break;
                Thread.sleep(250);
            }
            assertNotEquals(manager, successor, "another node was elected cluster manager");
            assertTrue(successor > 0, "a cluster manager was elected after node-" + manager + " stopped");
            long changedAt = System.currentTimeMillis();
            index(via, FAILOVER_GALLERY, 0, 20); // 20/300 = 6.7 %
            JsonNode rebuilt = until(
                    via,
                    "policy-failover",
                    "the new cluster manager's rebuild",
                    b -> b.path("version").asInt() == 2
                            && "ready".equals(b.path("state").asText()));
            assertEquals("policy", rebuilt.path("build").path("trigger").asText(), rebuilt.toString());
            assertEquals(320, rebuilt.path("build").path("gallery_documents").asLong(), rebuilt.toString());
            JsonNode s = status(rebuilt);
            assertEquals(2, s.path("started_version").asInt(), rebuilt.toString());
            assertEquals(20, s.path("gallery_operations_since_build").asLong(), rebuilt.toString());
            assertTrue(
                    s.path("last_checked").asLong() >= changedAt - 1_000,
                    "checked after the change, with node-" + manager + " stopped: " + rebuilt);
        } finally {
            LocalNodeScript.run("start-node", String.valueOf(manager));
            cluster.node(other)
                    .get("/_cluster/health?wait_for_nodes=3&wait_for_status=green&timeout=180s")
                    .ok();
            waitForHttp(manager);
        }
        JsonNode back = cluster.get("/_cluster/health").ok().json();
        assertEquals(3, back.path("number_of_nodes").asInt(), back.toString());
        assertEquals("green", back.path("status").asText(), back.toString());
    }

    private static void waitForHttp(int node) throws InterruptedException {
        for (int i = 0; i < 240; i++) {
            LocalCluster.Response root = cluster.node(node).rootOrNull();
            if (root != null && root.status() == 200) return;
            Thread.sleep(500);
        }
        throw new AssertionError("node " + node + " does not answer HTTP");
    }
}
