package org.opensearch.hubness.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.common.SuppressForbidden;
import org.opensearch.hubness.norm.BankMatrix;
import org.opensearch.hubness.norm.DocTerms;
import org.opensearch.hubness.norm.DocTermsCalculator;
import org.opensearch.hubness.norm.DotPrecision;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.Similarity;

/**
 * The bank lifecycle's guarantees (docs/api.md#guarantees) on the real 3-node cluster, each finding of the lifecycle
 * issue replayed as an operator met it: race loops with a fixed number of trials, a forged chunk and a deleted bank
 * index followed by a node restart, a node stopped mid-build, an oversized body, and the small 400/404s.
 */
@SuppressForbidden(
        reason =
                "JSON text blocks filled by String#formatted with %s of strings and numbers only, which no locale changes")
class BankGuaranteesIT {

    private static final String GALLERY = "guarantee-gallery";
    private static final String CAPTIONS = "guarantee-captions";
    private static final String SLOW_GALLERY = "guarantee-slow";
    private static final String BANKS = "/_plugins/_hubness/banks/";
    private static final int TRIALS = 4;
    private static final LocalCluster cluster = LocalCluster.fromSystemProperties();

    private static int d;
    private static float[] gallery;
    private static float[] captions;

    @BeforeAll
    static void loadData() {
        CaptionGallery data = CaptionGallery.index(cluster, GALLERY, CAPTIONS);
        d = data.d();
        gallery = data.gallery();
        captions = data.captions();
    }

    @AfterAll
    static void dropAll() {
        for (String bank : List.of("race", "quick", "forged", "lost", "trio", "orphan", "big", "small"))
            cluster.delete(BANKS + bank);
        for (String index : List.of(GALLERY, CAPTIONS, SLOW_GALLERY, "guarantee-other")) cluster.delete("/" + index);
    }

    private static String indexBank(double betaQuery) {
        return """
            {"gallery": {"index": "%s", "field": "embedding"},
             "query_bank": {"index": "%s", "field": "embedding"}, "beta_query": %s}
            """.formatted(GALLERY, CAPTIONS, betaQuery);
    }

    private static String postedBank(int rows) {
        StringBuilder v = new StringBuilder("[");
        for (int i = 0; i < rows; i++) {
            if (i > 0) v.append(',');
            VectorIndex.appendVector(v, captions, (i % 500) * d, d);
        }
        return "{\"gallery\": {\"index\": \"" + GALLERY
                + "\", \"field\": \"embedding\"}, \"query_bank\": {\"vectors\": " + v + "]}}";
    }

    private static String search(String bank, int row, boolean explain) {
        String q = VectorIndex.vectorJson(gallery, row * d, d);
        return """
            {"size": 10, "explain": %s, "_source": false, "query": {"knn": {"embedding": {"vector": %s, "k": 30}}},
             "rescore": {"window_size": 30, "hubness": {"bank": "%s", "method": "is", "query_vector": %s}}}
            """.formatted(explain, q, bank, q);
    }

    private static JsonNode waitUntilNotBuilding(LocalCluster via, String bank) throws InterruptedException {
        JsonNode b = null;
        for (int i = 0; i < 240; i++) {
            LocalCluster.Response r = via.get(BANKS + bank);
            if (r.status() == 200) {
                b = r.json();
                if (!"building".equals(b.path("state").asText())) return b;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("bank [" + bank + "] still building: " + b);
    }

    /** Lq(g) of every gallery row for the caption bank at βq, computed offline from the same float32 inputs. */
    private static double[] offlineLq(double betaQuery) {
        float[] g = gallery.clone();
        float[] qb = captions.clone();
        Similarity.COSINE.prepareRows(g, 300, d);
        Similarity.COSINE.prepareRows(qb, 500, d);
        DocTerms t = DocTermsCalculator.compute(
                Similarity.DOT,
                g,
                300,
                BankMatrix.of(qb, 500, d),
                BankMatrix.of(null, 0, d),
                NormParams.defaults().withBetaQuery(betaQuery),
                DotPrecision.DOUBLE);
        return t.lq();
    }

    /** Finding 2: PUT (β 20) async → DELETE while it builds → PUT (β 10): every node serves β 10, and only β 10. */
    @Test
    void deleteDuringABuildWinsAndOnlyTheNewDefinitionServes() throws Exception {
        double[] lq10 = offlineLq(10);
        for (int trial = 0; trial < TRIALS; trial++) {
            String cancelled = cluster.put(BANKS + "race?wait_for_completion=false", indexBank(20))
                    .ok()
                    .json()
                    .path("task")
                    .asText();
            assertEquals(200, cluster.delete(BANKS + "race").status(), "trial " + trial);
            assertEquals(
                    404, cluster.get(BANKS + "race").status(), "deleted means deleted, at once (trial " + trial + ")");
            assertEquals(
                    202,
                    cluster.put(BANKS + "race?wait_for_completion=false", indexBank(10))
                            .status());
            JsonNode bank = waitUntilNotBuilding(cluster, "race");
            assertEquals("ready", bank.path("state").asText(), bank.toString());
            assertEquals(10.0, bank.path("definition").path("beta_query").asDouble(), bank.toString());
            // the overtaken β 20 build has ended (its task completed: it tried to publish, or stopped, by now)
            assertTrue(
                    cluster.get("/_tasks/" + cancelled + "?wait_for_completion=true&timeout=120s")
                            .ok()
                            .json()
                            .path("completed")
                            .asBoolean(),
                    "the β 20 build's task " + cancelled + " ends (trial " + trial + ")");
            bank = cluster.get(BANKS + "race").ok().json();
            assertEquals(1, bank.path("version").asInt(), "the cancelled build published nothing: " + bank);
            assertEquals(10.0, bank.path("definition").path("beta_query").asDouble());
            for (int node = 1; node <= 3; node++) {
                JsonNode hits = cluster.node(node)
                        .post("/" + GALLERY + "/_search", search("race", trial * 7, true))
                        .ok()
                        .json();
                assertEquals(0, hits.path("_shards").path("failed").asInt(), hits.toString());
                for (JsonNode hit : hits.path("hits").path("hits")) {
                    int row = Integer.parseInt(hit.path("_id").asText().substring(4));
                    assertEquals(
                            lq10[row],
                            Explanations.value(hit.path("_explanation"), "Lq(g)"),
                            1e-4,
                            "node " + node + " serves β 10's Lq for img-" + row + " (trial " + trial + ")");
                }
            }
            cluster.delete(BANKS + "race").ok();
        }
    }

    /** Finding 3: DELETE right after an async PUT is acknowledged and stays true: the build never brings the bank back. */
    @Test
    void aDeleteRightAfterAnAsyncPutIsNeverUndone() throws Exception {
        for (int trial = 0; trial < TRIALS; trial++) {
            JsonNode accepted = cluster.put(BANKS + "quick?wait_for_completion=false", indexBank(20))
                    .ok()
                    .json();
            assertEquals(
                    "building",
                    cluster.get(BANKS + "quick").ok().json().path("state").asText(),
                    "GET right after the 202");
            assertTrue(cluster.delete(BANKS + "quick")
                    .ok()
                    .json()
                    .path("acknowledged")
                    .asBoolean());
            JsonNode outcome = cluster.get(
                            "/_tasks/" + accepted.path("task").asText() + "?wait_for_completion=true&timeout=120s")
                    .ok()
                    .json();
            assertTrue(outcome.path("completed").asBoolean(), outcome.toString());
            assertEquals(
                    404,
                    cluster.get(BANKS + "quick").status(),
                    "trial " + trial + ": the bank stays deleted after its build ended");
            for (JsonNode b :
                    cluster.get("/_plugins/_hubness/banks").ok().json().path("banks")) {
                assertNotEquals("quick", b.path("name").asText());
            }
        }
    }

    /** Finding 4: a chunk overwritten with negated vectors, then a node restart: that node refuses, nobody serves it. */
    @Test
    void aForgedChunkIsRefusedAndNeverServed() throws Exception {
        cluster.put(BANKS + "forged", postedBank(100)).ok();
        String genuine = hitsOf(cluster.post("/" + GALLERY + "/_search", search("forged", 3, false))
                .ok()
                .json());
        JsonNode chunks = cluster.post(
                        "/.hubness-banks/_search",
                        "{\"size\": 100, \"query\": {\"bool\": {\"filter\": ["
                                + "{\"term\": {\"bank\": \"forged\"}}, {\"term\": {\"kind\": \"query\"}}]}}}")
                .ok()
                .json()
                .path("hits")
                .path("hits");
        assertTrue(chunks.size() > 0, chunks.toString());
        allowDirectWrites(true); // an operator's repair switch: plain writes to bank storage are refused otherwise
        try {
            forge(chunks);
        } finally {
            allowDirectWrites(false);
        }
        restartNode3AndExpectTheForgedVersionRefused(genuine);
    }

    /** Sets or resets plugins.hubness.bank_storage.allow_direct_writes (BankStorageIT checks the refusals). */
    static void allowDirectWrites(boolean allow) {
        cluster.put(
                        "/_cluster/settings",
                        "{\"persistent\": {\"plugins.hubness.bank_storage.allow_direct_writes\": "
                                + (allow ? "true" : "null") + "}}")
                .ok();
    }

    private static void forge(JsonNode chunks) {
        for (JsonNode chunk : chunks) {
            com.fasterxml.jackson.databind.node.ObjectNode source =
                    (com.fasterxml.jackson.databind.node.ObjectNode) chunk.path("_source");
            byte[] bytes =
                    java.util.Base64.getDecoder().decode(source.path("data").asText());
            java.nio.FloatBuffer f = java.nio.ByteBuffer.wrap(bytes)
                    .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer();
            for (int i = 0; i < f.limit(); i++) f.put(i, -f.get(i));
            source.put("data", java.util.Base64.getEncoder().encodeToString(bytes));
            cluster.put(
                            "/.hubness-banks/_doc/"
                                    + URLEncoder.encode(chunk.path("_id").asText(), StandardCharsets.UTF_8)
                                    + "?refresh=true",
                            source)
                    .ok();
        }
    }

    private static void restartNode3AndExpectTheForgedVersionRefused(String genuine) throws Exception {
        String node3 = nodeId(3);
        LocalNodeScript.run("stop-node", "3");
        LocalNodeScript.run("start-node", "3");
        cluster.get("/_cluster/health?wait_for_nodes=3&wait_for_status=green&timeout=120s")
                .ok();
        waitForHttp(3);

        int refused = 0;
        for (int i = 0; i < 20; i++) {
            LocalCluster.Response r =
                    cluster.node(1 + i % 3).post("/" + GALLERY + "/_search", search("forged", 3, false));
            if (r.status() == 200) {
                assertEquals(
                        0,
                        r.json().path("_shards").path("failed").asInt(),
                        "never 200 with failed shards: " + r.body());
                assertEquals(genuine, hitsOf(r.json()), "a 200 is always the genuine answer");
            } else {
                assertEquals(503, r.status(), r.body());
                refused++;
            }
        }
        assertTrue(refused > 0, "node 3 coordinates a third of the searches and refuses the forged version");
        JsonNode onNode3 =
                cluster.get(BANKS + "forged").ok().json().path("nodes").path(node3);
        assertTrue(
                onNode3.path("refused").path("reason").asText().contains("checksum"),
                "GET says which node refused and why: " + onNode3);

        cluster.post(BANKS + "forged/_rebuild?wait_for_completion=true", null).ok();
        for (int node = 1; node <= 3; node++) {
            assertEquals(
                    genuine,
                    hitsOf(cluster.node(node)
                            .post("/" + GALLERY + "/_search", search("forged", 3, false))
                            .ok()
                            .json()),
                    "after a rebuild node " + node + " serves the genuine vectors again");
        }
    }

    /** Finding 4: deleting the bank index loses no correctness: a restarted node refuses, a rebuild repairs. */
    @Test
    void aDeletedBankIndexIsRefusedAndARebuildRepairsIt() throws Exception {
        cluster.put(BANKS + "orphan", indexBank(20)).ok();
        String genuine = hitsOf(cluster.post("/" + GALLERY + "/_search", search("orphan", 5, false))
                .ok()
                .json());
        allowDirectWrites(true);
        try {
            cluster.delete("/.hubness-banks").ok();
        } finally {
            allowDirectWrites(false);
        }
        assertEquals(
                1,
                cluster.get(BANKS + "orphan").ok().json().path("version").asInt(),
                "the bank's record is in the cluster state");
        String node3 = nodeId(3);
        LocalNodeScript.run("stop-node", "3");
        LocalNodeScript.run("start-node", "3");
        cluster.get("/_cluster/health?wait_for_nodes=3&timeout=120s").ok();
        waitForHttp(3);
        LocalCluster.Response r = cluster.node(3).post("/" + GALLERY + "/_search", search("orphan", 5, false));
        for (int i = 0; i < 40 && r.status() == 503 && !r.body().contains("not stored"); i++) {
            Thread.sleep(250);
            r = cluster.node(3).post("/" + GALLERY + "/_search", search("orphan", 5, false));
        }
        assertEquals(503, r.status(), r.body());
        assertTrue(r.body().contains("not stored"), r.body());
        assertTrue(cluster.get(BANKS + "orphan")
                .ok()
                .json()
                .path("nodes")
                .path(node3)
                .path("refused")
                .path("reason")
                .asText()
                .contains("not stored"));
        JsonNode rebuilt = cluster.post(BANKS + "orphan/_rebuild?wait_for_completion=true", null)
                .ok()
                .json();
        assertEquals(2, rebuilt.path("version").asInt(), "versions continue, never restart at 1: " + rebuilt);
        assertEquals(
                genuine,
                hitsOf(cluster.node(3)
                        .post("/" + GALLERY + "/_search", search("orphan", 5, false))
                        .ok()
                        .json()));
    }

    /** Finding 5: three _rebuild calls on three nodes at once run exactly one build. */
    @Test
    void concurrentRebuildsOnThreeNodesRunOneBuild() throws Exception {
        cluster.put(BANKS + "trio", indexBank(20)).ok();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (int trial = 0; trial < TRIALS; trial++) {
                int before =
                        cluster.get(BANKS + "trio").ok().json().path("version").asInt();
                List<Future<Integer>> calls = new ArrayList<>();
                for (int node = 1; node <= 3; node++) {
                    LocalCluster via = cluster.node(node);
                    calls.add(pool.submit((Callable<Integer>)
                            () -> via.post(BANKS + "trio/_rebuild", null).status()));
                }
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> f : calls) statuses.add(f.get());
                assertEquals(
                        1, statuses.stream().filter(s -> s == 202).count(), "exactly one build starts: " + statuses);
                assertEquals(
                        2, statuses.stream().filter(s -> s == 409).count(), "the others are told to wait: " + statuses);
                JsonNode bank = waitUntilNotBuilding(cluster, "trio");
                assertEquals(before + 1, bank.path("version").asInt(), "one build, one version: " + bank);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Finding 7: the node running a build stops while the build's passes observably run (a slow build of a generated,
     * replicated gallery): the cluster manager marks the build failed, version 1 keeps serving, the bank stays
     * rebuildable while the node is away, and the node comes back serving.
     */
    @Test
    void aBuildWhoseNodeStopsIsFailedAndTheBankStaysRebuildable() throws Exception {
        // one replica: the rebuild while node 3 is away still finds a started copy of every shard
        SlowGallery.index(cluster, SLOW_GALLERY, 12_000, 1);
        JsonNode first =
                cluster.put(BANKS + "lost", SlowGallery.bank(SLOW_GALLERY)).ok().json();
        assertEquals(1, first.path("version").asInt(), first.toString());
        SlowGallery.slowBuilds(cluster);
        JsonNode bank;
        int lost;
        try {
            LocalCluster.Response accepted = cluster.node(3).post(BANKS + "lost/_rebuild", null);
            assertEquals(202, accepted.status(), accepted.body());
            String task = accepted.json().path("task").asText();
            lost = accepted.json().path("version").asInt();
            assertTrue(task.startsWith(nodeId(3) + ":"), "node 3 runs the build: " + task);
            BuildTasks.awaitPassesRunning(cluster, task, "cluster:admin/hubness/bank/rebuild", null);
            LocalNodeScript.run("stop-node", "3");
            bank = waitUntilNotBuilding(cluster, "lost");
        } finally {
            SlowGallery.fastBuilds(cluster);
        }
        System.out.println(
                "BankGuaranteesIT build whose node stopped: " + bank.path("state") + " " + bank.path("failure"));
        // documented: a build whose node leaves the cluster is marked failed; the bank stays rebuildable
        assertEquals("failed", bank.path("state").asText(), "the build on the stopped node never finishes: " + bank);
        assertEquals(1, bank.path("version").asInt(), "version 1 keeps serving: " + bank);
        assertEquals(lost, bank.path("failure").path("version").asInt(), "the failure is the lost build's: " + bank);
        assertFalse(bank.path("failure").path("reason").asText().isBlank(), "the failure says why: " + bank);
        JsonNode rebuilt = cluster.post(BANKS + "lost/_rebuild?wait_for_completion=true", null)
                .ok()
                .json();
        assertEquals("ready", rebuilt.path("state").asText(), "the bank is rebuildable: " + rebuilt);
        int version = rebuilt.path("version").asInt();
        assertTrue(version > 1, "the rebuild published: " + rebuilt);
        LocalNodeScript.run("start-node", "3");
        cluster.get("/_cluster/health?wait_for_nodes=3&timeout=120s").ok();
        waitForHttp(3);
        float[] vector = new float[SlowGallery.D];
        for (int i = 0; i < vector.length; i++) vector[i] = (i % 7) - 3;
        String query = VectorIndex.vectorJson(vector, 0, SlowGallery.D);
        String search = """
            {"size": 10, "_source": false, "query": {"knn": {"embedding": {"vector": %s, "k": 30}}},
             "rescore": {"window_size": 30, "hubness": {"bank": "lost", "method": "is", "query_vector": %s}}}
            """.formatted(query, query);
        LocalCluster.Response r = null;
        for (int i = 0; i < 60; i++) {
            r = cluster.node(3).post("/" + SLOW_GALLERY + "/_search", search);
            assertNotEquals(400, r.status(), "a bank that exists is never unknown: " + r.body());
            if (r.status() == 200) break;
            assertEquals(503, r.status(), r.body());
            Thread.sleep(500);
        }
        assertEquals(200, r.status(), r.body());
        assertEquals(0, r.json().path("_shards").path("failed").asInt(), r.body());
        cluster.get("/_cluster/health?wait_for_status=green&timeout=120s").ok();
    }

    /** Finding 1: an oversized PUT is a 413 before parsing, and the node lives; posted vectors stay out of GET. */
    @Test
    void anOversizedBodyIsA413AndPostedVectorsStayOutOfTheDefinition() {
        String big = postedBank(2500); // about 15 MB of JSON, beyond the 10 MB default
        LocalCluster.Response r = cluster.put(BANKS + "big", big);
        assertEquals(
                413, r.status(), r.body().substring(0, Math.min(400, r.body().length())));
        assertTrue(r.body().contains("plugins.hubness.bank.max_body_size"), r.body());
        cluster.get("/_cluster/health?wait_for_nodes=3&timeout=30s").ok();
        assertEquals(404, cluster.get(BANKS + "big").status());

        cluster.put(BANKS + "small", postedBank(500)).ok();
        LocalCluster.Response get = cluster.get(BANKS + "small").ok();
        assertTrue(
                get.body().length() < 50_000,
                "GET carries no vectors: " + get.body().length() + " bytes");
        assertEquals(
                500,
                get.json()
                        .path("definition")
                        .path("query_bank")
                        .path("posted_vectors")
                        .asInt());
        JsonNode rebuilt = cluster.post(BANKS + "small/_rebuild?wait_for_completion=true", null)
                .ok()
                .json();
        assertEquals(
                500,
                rebuilt.path("build").path("query_bank_size").asInt(),
                "a rebuild reads the posted vectors back: " + rebuilt);
    }

    /** Finding 8: the small items answer 400/404 with what to fix. */
    @Test
    void theSmallItemsAre400sAnd404s() throws Exception {
        cluster.put(BANKS + "small", postedBank(50));
        assertStatus(
                400,
                cluster.post(
                        "/" + GALLERY + "/_search",
                        search("small", 0, false)
                                .replace("\"method\": \"is\"", "\"method\": \"is\", \"beta_query\": 1e308")),
                "beta_query");
        assertStatus(404, cluster.post(BANKS + "no-such/_rebuild", null), "no bank [no-such]");
        assertStatus(404, cluster.post(BANKS + "no-such/_rebuild?wait_for_completion=true", null), "no bank [no-such]");
        assertStatus(404, cluster.post(BANKS + "no-such/_clear_cache", null), "no bank [no-such]");
        assertStatus(400, cluster.post(BANKS + "small/_rebuild", "{\"beta_query\": 5}"), "takes no body");
        assertStatus(
                400,
                cluster.put("/_cluster/settings", "{\"persistent\": {\"plugins.hubness.cache.max_size\": \"-1\"}}"),
                "cache.max_size");
        assertStatus(
                400,
                cluster.put("/_cluster/settings", "{\"persistent\": {\"plugins.hubness.cache.max_size\": \"1tb\"}}"),
                "heap");
        VectorIndex.create(cluster, "guarantee-other", d, "cosinesimil", 1, 0);
        VectorIndex.load(cluster, "guarantee-other", VectorIndex.rows(gallery, d, 0, 20), d, i -> "img-" + i);
        assertStatus(400, cluster.post("/guarantee-other/_search", search("small", 0, false)), "guarantee-other");
        assertStatus(400, cluster.post("/guarantee-*/_search", search("small", 0, false)), "guarantee-other");
        assertStatus(
                400,
                cluster.put(
                        BANKS + "pattern",
                        "{\"gallery\": {\"index\": \"guarantee-g*\", \"field\": \"embedding\"}, "
                                + "\"query_bank\": {\"index\": \"" + CAPTIONS + "\", \"field\": \"embedding\"}}"),
                "concrete index");
        assertFalse(cluster.get(BANKS + "pattern").status() == 200);
    }

    private static void assertStatus(int status, LocalCluster.Response r, String fragment) {
        assertEquals(status, r.status(), r.request() + " -> " + r.body());
        assertTrue(r.body().contains(fragment), r.request() + " names [" + fragment + "]: " + r.body());
    }

    static String hitsOf(JsonNode response) {
        StringBuilder s = new StringBuilder();
        for (JsonNode h : response.path("hits").path("hits"))
            s.append(h.path("_id").asText())
                    .append('=')
                    .append(h.path("_score").asText())
                    .append(' ');
        return s.toString();
    }

    /** A node that rejoined the cluster may open its HTTP port a moment later. */
    static void waitForHttp(int node) throws InterruptedException {
        for (int i = 0; i < 120; i++) {
            LocalCluster.Response root = cluster.node(node).rootOrNull();
            if (root != null && root.status() == 200) return;
            Thread.sleep(500);
        }
        throw new AssertionError("node " + node + " does not answer HTTP");
    }

    private static String nodeId(int node) {
        return cluster.get("/_nodes/node-" + node + "/_none")
                .ok()
                .json()
                .path("nodes")
                .fieldNames()
                .next();
    }
}
