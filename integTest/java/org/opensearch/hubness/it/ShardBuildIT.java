package org.opensearch.hubness.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.common.SuppressForbidden;
import org.opensearch.hubness.build.DocKeys;
import org.opensearch.hubness.eval.NpyArray;
import org.opensearch.hubness.norm.BankMatrix;
import org.opensearch.hubness.norm.DocTerms;
import org.opensearch.hubness.norm.DocTermsCalculator;
import org.opensearch.hubness.norm.DotPrecision;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.Similarity;
import org.opensearch.hubness.testing.LoudSkip;

/**
 * The shard-local build on the real 3-node cluster (flickr8k-tinyclip): a gallery and a query bank whose vector field is
 * excluded from {@code _source} build (with a gallery bank sampled from that gallery) and rescore exactly as the same
 * data with {@code _source}; a build during which a node holding shard copies stops (while its pass observably runs)
 * succeeds with a result bit-identical to the build on the healthy cluster, also after the node is back; and a build
 * whose shard lost its only copy fails naming it, and a rebuild repairs it.
 */
@SuppressForbidden(
        reason =
                "JSON text blocks filled by String#formatted with %s of strings and numbers only, which no locale changes")
class ShardBuildIT {

    private static final String DATA = "flickr8k-tinyclip";
    private static final String BANKS = "/_plugins/_hubness/banks/";
    private static final String CAPTIONS = "sb-captions-nosource";
    private static final int QUERIES = 30;
    private static final LocalCluster cluster = LocalCluster.fromSystemProperties();

    private static int d;
    private static float[] images;
    private static float[] captions;

    @BeforeAll
    static void loadData() {
        LoudSkip.unless(
                VectorIndex.hasData(DATA, "text.npy"), "no ../shared/data/" + DATA + " to build the banks from");
        NpyArray text = VectorIndex.read(DATA, "text.npy");
        d = text.cols();
        captions = text.toFloats();
        images = VectorIndex.read(DATA, "image.npy").toFloats();
        // one replica: the node-stop tests stop a node before a build, and the query bank must stay readable (only the
        // gallery's shards are their subject; an unreplicated query bank made the failure name it instead)
        createIndex(CAPTIONS, 2, 1, true);
        VectorIndex.load(cluster, CAPTIONS, VectorIndex.rows(captions, d, 500, 1000), d, i -> "cap-" + (500 + i));
        cluster.get("/_cluster/health/" + CAPTIONS + "?wait_for_status=green&timeout=120s")
                .ok();
    }

    @AfterAll
    static void dropAll() {
        for (String bank : List.of("sb-plain", "sb-nosource", "sb-healthy", "sb-stopped", "sb-single"))
            cluster.delete(BANKS + bank);
        for (String index : List.of(CAPTIONS, "sb-plain", "sb-nosource", "sb-replicated", "sb-unreplicated"))
            cluster.delete("/" + index);
    }

    /** A lucene cosine knn_vector index; with {@code excludeVector} the vector is not in {@code _source}. */
    private static void createIndex(String index, int shards, int replicas, boolean excludeVector) {
        cluster.delete("/" + index);
        cluster.put(
                        "/" + index,
                        String.format(
                                Locale.ROOT,
                                """
            {"settings": {"index": {"knn": true, "number_of_shards": %d, "number_of_replicas": %d}},
             "mappings": {%s"properties": {"embedding": {"type": "knn_vector", "dimension": %d,
               "method": {"name": "hnsw", "space_type": "cosinesimil", "engine": "lucene"}}}}}
            """,
                                shards,
                                replicas,
                                excludeVector ? "\"_source\": {\"excludes\": [\"embedding\"]}, " : "",
                                d))
                .ok();
    }

    /**
     * The node-stop build's bank: both banks read from the replicated gallery itself (1000 vectors each, a pass of a
     * few times the 500 + 300 of the other banks), so that at one row per step its pass runs for seconds on every node.
     */
    private static String slowBankBody() {
        return """
            {"gallery": {"index": "sb-replicated", "field": "embedding"},
             "query_bank": {"index": "sb-replicated", "field": "embedding", "max_size": 1000},
             "gallery_bank": {"sample": {"size": 1000, "seed": 7}}}
            """;
    }

    private static String bankBody(String gallery, int sampleSize) {
        return """
            {"gallery": {"index": "%s", "field": "embedding"},
             "query_bank": {"index": "%s", "field": "embedding"},
             "gallery_bank": {"sample": {"size": %d, "seed": 7}}}
            """.formatted(gallery, CAPTIONS, sampleSize);
    }

    /** Ids and scores of the top 10 of QUERIES caption queries per method: equal strings mean bit-identical floats. */
    private static List<String> results(LocalCluster via, String index, String bank, int window) {
        List<String> out = new ArrayList<>();
        for (String method : List.of("dual_dis", "dual_is", "is", "csls")) {
            List<JsonNode> hits = RescoreOracle.msearch(
                    via,
                    index,
                    null,
                    QUERIES,
                    q -> RescoreOracle.searchBody("embedding", captions, q, d, window, window, bank, method),
                    QUERIES);
            for (int q = 0; q < QUERIES; q++) {
                StringBuilder sb =
                        new StringBuilder(method).append(" q").append(q).append(':');
                for (JsonNode h : hits.get(q).path("hits"))
                    sb.append(' ')
                            .append(h.path("_id").asText())
                            .append('=')
                            .append(h.path("_score").asText());
                out.add(sb.toString());
            }
        }
        return out;
    }

    /**
     * The same ids in the same order and bit-identical float scores, as in every other layout test. The galleries of
     * the node-stop tests are inner-product fields of vectors this test normalised itself, so every shard copy stores
     * the very floats that were sent: see {@link #fourfold()} for why a faiss cosine field cannot promise that.
     */
    private static void assertSameResults(List<String> expected, List<String> actual, String what) {
        List<String> diffs = new ArrayList<>();
        for (int i = 0; i < expected.size(); i++) {
            if (!expected.get(i).equals(actual.get(i)) && diffs.size() < 10)
                diffs.add(expected.get(i) + "\n   vs " + actual.get(i));
        }
        assertEquals(expected.size(), actual.size(), what);
        assertTrue(diffs.isEmpty(), what + ": " + String.join("\n", diffs));
    }

    private static JsonNode waitUntilNotBuilding(String bank) throws InterruptedException {
        JsonNode b = null;
        for (int i = 0; i < 600; i++) {
            LocalCluster.Response r = cluster.get(BANKS + bank);
            if (r.status() == 200) {
                b = r.json();
                if (!"building".equals(b.path("state").asText())) return b;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("bank [" + bank + "] still building: " + b);
    }

    @Test
    void aGalleryWithoutVectorsInSourceBuildsAndRescoresLikeOneWithThem() {
        float[] gallery = VectorIndex.rows(images, d, 0, 500);
        createIndex("sb-plain", 3, 0, false);
        createIndex("sb-nosource", 3, 0, true);
        VectorIndex.load(cluster, "sb-plain", gallery, d, i -> "img-" + i);
        VectorIndex.load(cluster, "sb-nosource", gallery, d, i -> "img-" + i);
        JsonNode doc = cluster.get("/sb-nosource/_doc/img-0").ok().json();
        assertFalse(doc.path("_source").has("embedding"), "the vector is really not in _source: " + doc);
        assertFalse(cluster.get("/" + CAPTIONS + "/_doc/cap-500")
                .ok()
                .json()
                .path("_source")
                .has("embedding"));

        JsonNode plain =
                cluster.put(BANKS + "sb-plain", bankBody("sb-plain", 200)).ok().json();
        JsonNode noSource = cluster.put(BANKS + "sb-nosource", bankBody("sb-nosource", 200))
                .ok()
                .json();
        System.out.println("ShardBuildIT _source kept:     " + plain.path("build"));
        System.out.println("ShardBuildIT _source excluded: " + noSource.path("build"));
        assertEquals("ready", noSource.path("state").asText(), noSource.toString());
        for (String field : List.of(
                "gallery_documents",
                "query_bank_size",
                "gallery_bank_size",
                "query_activation_size",
                "gallery_activation_size",
                "hubness")) {
            assertEquals(plain.path("build").path(field), noSource.path("build").path(field), field);
        }
        assertEquals(500, noSource.path("build").path("gallery_documents").asInt());
        assertEquals(500, noSource.path("build").path("query_bank_size").asInt());
        assertEquals(200, noSource.path("build").path("gallery_bank_size").asInt());
        assertSameResults(
                results(cluster, "sb-plain", "sb-plain", 500),
                results(cluster, "sb-nosource", "sb-nosource", 500),
                "rescored hits without _source equal those with it");

        // the sampled gallery bank is the documented one: the 200 ids with the smallest hash(7, _id); Lg checked
        // offline
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < 500; i++) rows.add(i);
        rows.sort(Comparator.<Integer>comparingLong(i -> DocKeys.of("img-" + i, 7))
                .thenComparing(i -> "img-" + i));
        float[] sample = new float[200 * d];
        for (int i = 0; i < 200; i++) System.arraycopy(gallery, rows.get(i) * d, sample, i * d, d);
        float[] g = gallery.clone(), qb = VectorIndex.rows(captions, d, 500, 1000);
        Similarity.COSINE.prepareRows(g, 500, d);
        Similarity.COSINE.prepareRows(qb, 500, d);
        Similarity.COSINE.prepareRows(sample, 200, d);
        BankMatrix queryBank = BankMatrix.of(qb, 500, d), galleryBank = BankMatrix.of(sample, 200, d);
        DocTerms offline = DocTermsCalculator.compute(
                Similarity.DOT, g, 500, queryBank, galleryBank, NormParams.defaults(), DotPrecision.DOUBLE);
        JsonNode hits = cluster.post("/sb-nosource/_search", """
            {"size": 500, "explain": true, "_source": false, "query": {"match_all": {}},
             "rescore": {"window_size": 500, "hubness": {"bank": "sb-nosource", "method": "dual_is", "query_vector": %s}}}
            """.formatted(VectorIndex.vectorJson(captions, 0, d)))
                .ok()
                .json()
                .path("hits")
                .path("hits");
        assertEquals(500, hits.size());
        for (JsonNode hit : hits) {
            int row = Integer.parseInt(hit.path("_id").asText().substring(4));
            assertEquals(
                    offline.lg()[row], Explanations.value(hit.path("_explanation"), "Lg(g)"), 1e-4, "Lg of img-" + row);
            assertEquals(
                    offline.lq()[row], Explanations.value(hit.path("_explanation"), "Lq(g)"), 1e-4, "Lq of img-" + row);
        }
    }

    /**
     * The 1000 images four times over (ids img-0 … img-3999), each later copy slightly bent so that no two documents
     * tie, every row then normalised here (in double, {@link Similarity#prepareRows}): a build long enough for the stop
     * to land in it, and hit lists whose order no tie can decide.
     *
     * <p>Why normalised here, for an inner-product field, rather than a faiss cosine field: k-NN normalises a faiss
     * cosine vector when it indexes it, on each shard copy separately (a replica parses the source again), with Lucene's
     * {@code VectorUtil.l2normalize}, whose SIMD sum rounds differently before and after the JIT compiles it (on these
     * rows about one in six normalised vectors changed in the last bits between a cold and a warm JVM). So a primary
     * and its replica, or a copy recovered onto a restarted node, can hold different floats for one document, and a
     * search's last bits depended on which copy answered: the "few ulps after a restart" this test once tolerated.
     * The plugin computes from the stored floats and cannot undo that; an inner-product field stores what was sent.
     */
    private static float[] fourfold() {
        float[] out = new float[4 * 1000 * d];
        for (int c = 0; c < 4; c++) {
            for (int i = 0; i < 1000 * d; i++) out[c * 1000 * d + i] = images[i] * (1 + 0.002f * c * ((i % 7) - 3));
        }
        Similarity.COSINE.prepareRows(out, 4000, d);
        return out;
    }

    @Test
    void aBuildWhileANodeWithShardCopiesStopsEqualsTheHealthyBuild() throws Exception {
        VectorIndex.createFaiss(cluster, "sb-replicated", d, "innerproduct", 3, 1);
        // while node-3 is down its copies stay unassigned instead of being rebuilt elsewhere: the test is about a node
        // that leaves and comes back, not about reallocation
        cluster.put("/sb-replicated/_settings", "{\"index.unassigned.node_left.delayed_timeout\": \"10m\"}")
                .ok();
        VectorIndex.load(cluster, "sb-replicated", fourfold(), d, i -> "img-" + i);
        cluster.get("/_cluster/health/sb-replicated?wait_for_status=green&timeout=120s")
                .ok();
        JsonNode healthy =
                cluster.put(BANKS + "sb-healthy", slowBankBody()).ok().json();
        System.out.println("ShardBuildIT healthy build: " + healthy.path("build"));
        List<String> expected = results(cluster, "sb-replicated", "sb-healthy", 4000);

        // stop a node that holds copies of the gallery but neither coordinates the build nor is the cluster manager
        String manager = cluster.get("/_cat/cluster_manager?format=json")
                .ok()
                .json()
                .path(0)
                .path("node")
                .asText();
        int stopped = "node-3".equals(manager) ? 2 : 3;
        String stoppedName = "node-" + stopped;
        JsonNode copies =
                cluster.get("/_cat/shards/sb-replicated?format=json").ok().json();
        boolean holdsCopies = false;
        for (JsonNode c : copies)
            holdsCopies |= stoppedName.equals(c.path("node").asText());
        assertTrue(holdsCopies, stoppedName + " holds shard copies of the gallery: " + copies);

        // one row per step: a pass of seconds on every node (each row meets both banks, 2000 vectors), long enough to
        // stop the node while its pass observably runs; the result must not depend on the step size either
        cluster.put("/_cluster/settings", "{\"persistent\": {\"plugins.hubness.build.rows_per_step\": 1}}")
                .ok();
        try {
            // node-1 coordinates the build: the node stopped is never the build's own
            JsonNode accepted = cluster.node(1)
                    .put(BANKS + "sb-stopped?wait_for_completion=false", slowBankBody())
                    .ok()
                    .json();
            String task = accepted.path("task").asText();
            Map<String, BuildTasks.Listed> passes =
                    BuildTasks.awaitPassesRunning(cluster, task, "cluster:admin/hubness/bank/put", stoppedName);
            System.out.println("ShardBuildIT passes running when " + stoppedName + " stops: " + passes.keySet());
            long signalled = System.currentTimeMillis(); // stop-node signals at once, then waits for the exit
            LocalNodeScript.run("stop-node", String.valueOf(stopped));
            JsonNode built = waitUntilNotBuilding("sb-stopped");
            // the fault landed inside the pass: it ran on the node when the signal went, and ended after it
            assertTrue(
                    built.path("build").path("built_at").asLong() > signalled,
                    "the build ended after " + stoppedName + " was signalled: " + built);
            System.out.println("ShardBuildIT build with " + stoppedName + " stopped mid-pass: " + built.path("state")
                    + " " + built.path("build") + " " + built.path("failure"));
            // documented: a node holding gallery copies that leaves during a build does not fail it; another copy
            // answers for its shards
            assertEquals("ready", built.path("state").asText(), "another copy answers for the node's shards: " + built);
            assertEquals(1, built.path("version").asInt(), built.toString());
            assertEquals(4000, built.path("build").path("gallery_documents").asInt(), built.toString());
            for (String field : List.of("query_activation_size", "gallery_activation_size", "hubness")) {
                assertEquals(
                        healthy.path("build").path(field), built.path("build").path(field), field);
            }
            // the build answered at once (wait_for_completion=false): the nodes still there load the version now
            BuildTasks.poll(
                    "every node but " + stoppedName + " holds version 1",
                    () -> cluster.get(BANKS + "sb-stopped").ok().json().path("nodes"),
                    nodes -> {
                        boolean all = nodes.size() >= 2;
                        for (JsonNode n : nodes)
                            all &= stoppedName.equals(n.path("name").asText())
                                    || n.path("version").asInt() == 1;
                        return all;
                    });
            assertSameResults(
                    expected,
                    results(cluster, "sb-replicated", "sb-stopped", 4000),
                    "built with " + stoppedName + " stopped mid-pass");
        } finally {
            cluster.put("/_cluster/settings", "{\"persistent\": {\"plugins.hubness.build.rows_per_step\": null}}");
            LocalNodeScript.run("start-node", String.valueOf(stopped));
        }
        cluster.get("/_cluster/health?wait_for_nodes=3&wait_for_status=green&timeout=180s")
                .ok();
        for (int node = 1; node <= 3; node++) {
            List<String> actual = null;
            for (int attempt = 0; attempt < 60 && actual == null; attempt++) {
                try {
                    actual = results(cluster.node(node), "sb-replicated", "sb-stopped", 4000);
                } catch (AssertionError | java.io.UncheckedIOException notYet) {
                    Thread.sleep(500); // the restarted node loads the version (503) or opens HTTP a moment later
                }
            }
            assertTrue(actual != null, "node " + node + " answers");
            assertSameResults(expected, actual, "through node " + node + " after node-" + stopped + " is back");
        }
    }

    /**
     * A shard whose only copy goes with a stopped node: the rebuild fails at its count of the gallery's documents, naming
     * the index and what to wait for, and the previous version keeps serving; once the node is back a rebuild gives the
     * healthy result again. (The pass's own retry of a shard no copy answered: GalleryBuildRetryTests.)
     */
    @Test
    void aShardWithoutACopyFailsTheBuildClearlyAndARebuildRepairsIt() throws Exception {
        VectorIndex.createFaiss(cluster, "sb-unreplicated", d, "innerproduct", 3, 0);
        VectorIndex.load(cluster, "sb-unreplicated", fourfold(), d, i -> "img-" + i);
        cluster.get("/_cluster/health/sb-unreplicated?wait_for_status=green&timeout=120s")
                .ok();
        cluster.put(BANKS + "sb-single", bankBody("sb-unreplicated", 300)).ok();
        List<String> expected = results(cluster, "sb-unreplicated", "sb-single", 4000);

        String manager = cluster.get("/_cat/cluster_manager?format=json")
                .ok()
                .json()
                .path(0)
                .path("node")
                .asText();
        int stopped = -1;
        for (JsonNode c :
                cluster.get("/_cat/shards/sb-unreplicated?format=json").ok().json()) {
            String node = c.path("node").asText();
            if (!node.equals(manager) && !node.equals("node-1")) stopped = Integer.parseInt(node.substring(5));
        }
        assertTrue(stopped > 1, "a node other than node-1 and the cluster manager holds a shard");
        // the fault first, then the build: the node is down and the cluster knows it (its shard unassigned) before the
        // rebuild starts, so the build cannot finish before the stop (as it once did, at 1 s, on a loaded machine)
        LocalNodeScript.run("stop-node", String.valueOf(stopped));
        try {
            cluster.get("/_cluster/health?wait_for_nodes=2&timeout=120s").ok();
            JsonNode health =
                    cluster.get("/_cluster/health/sb-unreplicated").ok().json();
            assertTrue(health.path("unassigned_shards").asInt() > 0, "a shard lost its only copy: " + health);
            assertEquals(202, cluster.post(BANKS + "sb-single/_rebuild", null).status());
            JsonNode bank = waitUntilNotBuilding("sb-single");
            System.out.println("ShardBuildIT build whose shard lost its only copy: " + bank.path("state") + " "
                    + bank.path("failure"));
            assertEquals("failed", bank.path("state").asText(), bank.toString());
            assertEquals(1, bank.path("version").asInt(), "version 1 keeps serving: " + bank);
            String reason = bank.path("failure").path("reason").asText();
            // the build counts the gallery's documents before its pass; a count is never partial, so the shard
            // without a copy fails that count, which names the index and what to wait for
            assertTrue(
                    reason.contains("sb-unreplicated") && reason.contains("has a started copy"),
                    "the failure names the index and what to wait for: " + reason);
        } finally {
            LocalNodeScript.run("start-node", String.valueOf(stopped));
        }
        cluster.get("/_cluster/health?wait_for_nodes=3&wait_for_status=green&timeout=180s")
                .ok();
        JsonNode rebuilt = cluster.post(BANKS + "sb-single/_rebuild?wait_for_completion=true", null)
                .ok()
                .json();
        assertEquals("ready", rebuilt.path("state").asText(), rebuilt.toString());
        assertSameResults(
                expected, results(cluster, "sb-unreplicated", "sb-single", 4000), "rebuilt once the shard is back");
    }
}
