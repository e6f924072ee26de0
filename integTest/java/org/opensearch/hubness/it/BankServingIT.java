package org.opensearch.hubness.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.common.SuppressForbidden;

/**
 * How searches meet bank loading on the real 3-node cluster (docs/api.md#guarantees): a node restarting under a search
 * load never makes a search hang or answer "unknown bank" — every answer is the healthy cluster's answer or the
 * documented retryable 503 — and a version the {@code hubness} circuit breaker cannot hold is refused once, clearly,
 * without reading the bank again per search, while other banks keep answering.
 */
@SuppressForbidden(
        reason =
                "JSON text blocks filled by String#formatted with %s of strings and numbers only, which no locale changes")
class BankServingIT {

    private static final String GALLERY = "serving-gallery";
    private static final String CAPTIONS = "serving-captions";
    private static final String BANKS = "/_plugins/_hubness/banks/";
    private static final String BREAKER_LIMIT = "plugins.hubness.breaker.limit";
    private static final int QUERIES = 6;
    private static final int RESTARTS = 2;
    /** Longer than any search may take on this machine: beyond it the search is hanging. */
    private static final long HANG_SECONDS = 60;

    private static final LocalCluster cluster = LocalCluster.fromSystemProperties();
    private static final ExecutorService requests = Executors.newCachedThreadPool();

    private static CaptionGallery data;

    @BeforeAll
    static void indexData() {
        data = CaptionGallery.index(cluster, GALLERY, CAPTIONS);
    }

    @AfterAll
    static void dropAll() {
        requests.shutdownNow();
        cluster.put("/_cluster/settings", "{\"persistent\": {\"" + BREAKER_LIMIT + "\": null}}");
        for (String bank : List.of("steady", "churn", "heavy", "light")) cluster.delete(BANKS + bank);
        for (String index : List.of(GALLERY, CAPTIONS)) cluster.delete("/" + index);
    }

    private static String captionBank() {
        return """
            {"gallery": {"index": "%s", "field": "embedding"}, "query_bank": {"index": "%s", "field": "embedding"}}
            """.formatted(GALLERY, CAPTIONS);
    }

    private static String search(String bank, String method, int row) {
        String q = VectorIndex.vectorJson(data.gallery(), row * data.d(), data.d());
        return """
            {"size": 10, "_source": false, "query": {"knn": {"embedding": {"vector": %s, "k": 30}}},
             "rescore": {"window_size": 30, "hubness": {"bank": "%s", "method": "%s", "query_vector": %s}}}
            """.formatted(q, bank, method, q);
    }

    /** The same search as {@link #search}, its clause added by the hubness processor of an inline search pipeline. */
    private static String pipelined(String bank, String method, int row) {
        String q = VectorIndex.vectorJson(data.gallery(), row * data.d(), data.d());
        return """
            {"size": 10, "_source": false, "query": {"knn": {"embedding": {"vector": %s, "k": 30}}},
             "search_pipeline": {"request_processors": [
               {"hubness": {"bank": "%s", "method": "%s", "window_size": 30}}]}}
            """.formatted(q, bank, method);
    }

    /** The search through one node, or null when the node does not listen (yet); fails the test if it hangs. */
    private static LocalCluster.Response searchWithin(int node, String body) throws InterruptedException {
        Future<LocalCluster.Response> r =
                requests.submit(() -> cluster.node(node).post("/" + GALLERY + "/_search", body));
        try {
            return r.get(HANG_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            r.cancel(true);
            throw new AssertionError("a search through node " + node + " hangs: no answer in " + HANG_SECONDS + " s");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UncheckedIOException)
                return null; // connection refused: the node's HTTP is not up
            throw new AssertionError(e.getCause());
        }
    }

    /** The healthy cluster's answers, per (method, query row). */
    private static Map<String, String> baseline(String bank, List<String> methods) throws InterruptedException {
        Map<String, String> expected = new LinkedHashMap<>();
        for (String method : methods) {
            for (int q = 0; q < QUERIES; q++) {
                LocalCluster.Response r =
                        searchWithin(1, search(bank, method, q * 11)).ok();
                assertEquals(0, r.json().path("_shards").path("failed").asInt(), r.body());
                expected.put(method + "/" + q, BankGuaranteesIT.hitsOf(r.json()));
            }
        }
        return expected;
    }

    /**
     * A 200 must be the healthy answer with every shard; anything else must be a retryable 503: the plugin's, which
     * says to retry, or OpenSearch's own cluster block of a node that has not joined the cluster yet.
     */
    private static boolean correctOrRetryable(LocalCluster.Response r, String expected, String what) {
        if (r.status() == 200) {
            assertEquals(
                    0,
                    r.json().path("_shards").path("failed").asInt(),
                    what + ": never 200 with failed shards: " + r.body());
            assertEquals(expected, BankGuaranteesIT.hitsOf(r.json()), what + ": a 200 is the healthy cluster's answer");
            return true;
        }
        assertEquals(503, r.status(), what + ": never 400 \"unknown bank\" or another status: " + r.body());
        assertTrue(
                r.body().contains("retry") || r.body().contains("cluster_block_exception"),
                what + ": a retryable 503: " + r.body());
        return false;
    }

    /**
     * Finding 7 of the lifecycle issue, and "no search thread waits on an index read": node 3 is stopped and started
     * while searches (ungated and gated, whose coordinator runs an async top-1 search; every other one with its clause
     * added by an inline search pipeline) go to every node, two of three to node 3. Every answer is the healthy cluster's answer or a retryable 503; none hangs or says "unknown bank";
     * once node 3 is back every answer is correct again.
     */
    @Test
    void aRestartingNodeAnswersCorrectlyOrARetryable503AndNeverHangs() throws Exception {
        cluster.put(BANKS + "steady", captionBank()).ok();
        List<String> methods = List.of("is", "dis");
        Map<String, String> expected = baseline("steady", methods);
        List<String> keys = new ArrayList<>(expected.keySet());
        try {
            for (int restart = 0; restart < RESTARTS; restart++) {
                searchWhile("stop-node", expected, keys, "restart " + restart);
                searchWhile("start-node", expected, keys, "restart " + restart);
                int settled = settle("steady", expected, keys);
                System.out.printf(
                        "restart %d: node 3 answered correctly after %d retryable 503s once it was back%n",
                        restart, settled);
            }
        } finally {
            // a failed assertion must not leave node 3 stopped for the tests that follow
            if (cluster.node(3).rootOrNull() == null) LocalNodeScript.run("start-node", "3");
        }
    }

    /**
     * Runs {@code scripts/local-node <command> 3} and, until it returns, searches through every node, two of three
     * through node 3, every other one through an inline search pipeline: each answer is correct or a retryable 503 (a
     * refused connection is a node not listening).
     */
    private static void searchWhile(String command, Map<String, String> expected, List<String> keys, String what)
            throws Exception {
        Future<?> script = requests.submit(() -> {
            LocalNodeScript.run(command, "3");
            return null;
        });
        int answered = 0, retryable = 0, notListening = 0;
        String aRetryable = null;
        try {
            for (int i = 0; !script.isDone() && i < 5000; i++) {
                int node = i % 3 == 0 ? 1 + (i / 3) % 2 : 3;
                String key = keys.get(i % keys.size());
                String[] mq = key.split("/");
                int row = Integer.parseInt(mq[1]) * 11;
                LocalCluster.Response r =
                        searchWithin(node, i % 2 == 0 ? search("steady", mq[0], row) : pipelined("steady", mq[0], row));
                if (r == null) {
                    notListening++;
                    Thread.sleep(100);
                } else if (correctOrRetryable(
                        r, expected.get(key), what + ", " + command + ", node " + node + ", " + key)) {
                    answered++;
                } else {
                    retryable++;
                    aRetryable = r.body();
                }
            }
        } finally {
            script.get(10, TimeUnit.MINUTES); // the script ends (the node stopped or started) whatever was asserted
        }
        System.out.printf(
                "%s, during %s: %d correct answers, %d retryable 503s, %d refused connections%n",
                what, command, answered, retryable, notListening);
        if (aRetryable != null) System.out.println("  e.g. " + aRetryable);
    }

    /** After a restart: node 3 may answer 503 a few times while it loads, then only correct answers, on every node. */
    private static int settle(String bank, Map<String, String> expected, List<String> keys)
            throws InterruptedException {
        cluster.get("/_cluster/health?wait_for_nodes=3&timeout=120s").ok();
        BankGuaranteesIT.waitForHttp(3);
        int retryable = 0;
        String first = keys.get(0);
        String[] fq = first.split("/");
        while (!correctOrRetryable(
                searchWithin(3, search(bank, fq[0], Integer.parseInt(fq[1]) * 11)), expected.get(first), "settling")) {
            assertTrue(++retryable < 120, "node 3 still answers 503 after " + retryable + " tries");
            Thread.sleep(500);
        }
        for (int node = 1; node <= 3; node++) {
            for (String key : keys) {
                String[] mq = key.split("/");
                LocalCluster.Response r = searchWithin(node, search(bank, mq[0], Integer.parseInt(mq[1]) * 11));
                assertTrue(
                        correctOrRetryable(r, expected.get(key), "node " + node + " back, " + key),
                        "a node that answered keeps answering: " + r.body());
            }
        }
        return retryable;
    }

    /**
     * Rebuilds under search load: each publishes a version every node must load before it serves it, so shards meet a
     * version their node is still loading. Two clients search through every node during a fixed number of rebuilds
     * of the same definition (same scores): every answer is the healthy answer or a retryable 503, none hangs.
     */
    @Test
    void rebuildsUnderSearchLoadAnswerCorrectlyOrARetryable503() throws Exception {
        cluster.put(BANKS + "churn", captionBank()).ok();
        Map<String, String> expected = baseline("churn", List.of("is", "dis"));
        List<String> keys = new ArrayList<>(expected.keySet());
        AtomicBoolean rebuilding = new AtomicBoolean(true);
        AtomicReference<String> aRetryable = new AtomicReference<>();
        List<Future<int[]>> clients = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            int client = c;
            clients.add(requests.submit(() -> {
                int[] counts = new int[2]; // correct, retryable
                for (int i = 0; rebuilding.get(); i++) {
                    int node = 1 + (i + client) % 3;
                    String key = keys.get((i * 2 + client) % keys.size());
                    String[] mq = key.split("/");
                    LocalCluster.Response r = searchWithin(node, search("churn", mq[0], Integer.parseInt(mq[1]) * 11));
                    if (correctOrRetryable(r, expected.get(key), "rebuild under load, node " + node + ", " + key)) {
                        counts[0]++;
                    } else {
                        counts[1]++;
                        aRetryable.set(r.body());
                    }
                }
                return counts;
            }));
        }
        try {
            for (int rebuild = 0; rebuild < 6; rebuild++) {
                cluster.post(BANKS + "churn/_rebuild?wait_for_completion=true", null)
                        .ok();
            }
        } finally {
            rebuilding.set(false);
        }
        int correct = 0, retryable = 0;
        for (Future<int[]> f : clients) {
            int[] counts = f.get(HANG_SECONDS, TimeUnit.SECONDS);
            correct += counts[0];
            retryable += counts[1];
        }
        System.out.printf("6 rebuilds under load: %d correct answers, %d retryable 503s%n", correct, retryable);
        if (aRetryable.get() != null) System.out.println("  e.g. " + aRetryable.get());
        assertEquals(7, cluster.get(BANKS + "churn").ok().json().path("version").asInt());
        assertTrue(correct > 0, "the clients were answered during the rebuilds");
    }

    /**
     * Finding 6 of the lifecycle issue: a version the hubness breaker cannot hold. The limit (a dynamic setting) is
     * lowered below what the next version of "heavy" needs; the rebuild publishes it, every node refuses it before
     * reading it, and the rebuild's answer is that 429 (naming every node and the setting); searches on "heavy" answer 429 naming the breaker and the setting — never the previous version — and
     * read nothing from the bank index; GET says which node refused and why; "light" keeps answering. Raising the limit
     * lets the nodes load it. Only the two live versions' blobs remain, also after a failed build.
     */
    @Test
    void aVersionTheBreakerCannotHoldIsRefusedOnceAndClearly() throws Exception {
        cluster.put(BANKS + "heavy", captionBank()).ok();
        StringBuilder posted = new StringBuilder("[");
        for (int i = 0; i < 50; i++) {
            if (i > 0) posted.append(',');
            VectorIndex.appendVector(posted, data.captions(), i * data.d(), data.d());
        }
        cluster.put(
                        BANKS + "light",
                        "{\"gallery\": {\"index\": \"" + GALLERY
                                + "\", \"field\": \"embedding\"}, \"query_bank\": {\"vectors\": " + posted + "]}}")
                .ok();
        Map<String, String> heavyBefore = baseline("heavy", List.of("is"));
        Map<String, String> light = baseline("light", List.of("is"));
        String v1 = single(buildIds("heavy", "manifest"));
        try {
            long limit = maxBreakerUsed()
                    + 200_000; // room for "light" and the cache, not for another 1 MB version of "heavy"
            cluster.put("/_cluster/settings", "{\"persistent\": {\"" + BREAKER_LIMIT + "\": \"" + limit + "b\"}}")
                    .ok();
            for (JsonNode n : cluster.get("/_nodes/stats/breaker").ok().json().path("nodes")) {
                assertEquals(
                        limit,
                        n.path("breakers")
                                .path("hubness")
                                .path("limit_size_in_bytes")
                                .asLong(),
                        "the limit changed at runtime: " + n);
            }
            LocalCluster.Response refused = cluster.post(BANKS + "heavy/_rebuild?wait_for_completion=true", null);
            assertEquals(429, refused.status(), "no node holds version 2: the rebuild says so: " + refused.body());
            JsonNode rebuilt = refused.json();
            assertEquals(2, rebuilt.path("version").asInt(), "published all the same: " + rebuilt);
            assertEquals(3, rebuilt.path("not_loaded").path("nodes").size(), rebuilt.toString());
            assertTrue(
                    rebuilt.path("not_loaded").path("reason").asText().contains(BREAKER_LIMIT), "and why: " + rebuilt);

            long readsBefore = bankIndexGets();
            for (int i = 0; i < 12; i++) {
                int node = 1 + i % 3;
                LocalCluster.Response r = searchWithin(node, search("heavy", "is", (i % QUERIES) * 11));
                assertEquals(
                        429,
                        r.status(),
                        "node " + node + " refuses version 2, never answers with version 1: " + r.body());
                for (String fragment : List.of("[hubness] circuit breaker", BREAKER_LIMIT, "version 2")) {
                    assertTrue(r.body().contains(fragment), "the refusal names [" + fragment + "]: " + r.body());
                }
                LocalCluster.Response other = searchWithin(node, search("light", "is", (i % QUERIES) * 11));
                assertTrue(
                        correctOrRetryable(other, light.get("is/" + i % QUERIES), "light on node " + node),
                        "other banks are not refused: " + other.body());
            }
            assertEquals(readsBefore, bankIndexGets(), "refused searches read nothing from .hubness-banks");
            JsonNode nodes = cluster.get(BANKS + "heavy").ok().json().path("nodes");
            assertEquals(3, nodes.size(), nodes.toString());
            for (JsonNode n : nodes) {
                assertEquals(
                        2,
                        n.path("refused").path("version").asInt(),
                        "GET says which node refused which version: " + nodes);
                assertTrue(n.path("refused").path("reason").asText().contains(BREAKER_LIMIT), "and why: " + nodes);
            }
        } finally {
            cluster.put("/_cluster/settings", "{\"persistent\": {\"" + BREAKER_LIMIT + "\": null}}")
                    .ok();
        }
        for (int node = 1; node <= 3; node++) {
            String key = "is/0";
            LocalCluster.Response r = searchWithin(node, search("heavy", "is", 0));
            for (int i = 0;
                    i < 60 && !correctOrRetryable(r, heavyBefore.get(key), "heavy after the limit was raised");
                    i++) {
                Thread.sleep(500);
                r = searchWithin(node, search("heavy", "is", 0));
            }
            assertEquals(200, r.status(), "node " + node + " loads version 2 once it fits: " + r.body());
        }
        for (JsonNode n : cluster.get(BANKS + "heavy").ok().json().path("nodes")) {
            assertEquals(2, n.path("version").asInt(), "every node serves version 2: " + n);
            assertTrue(n.path("refused").isMissingNode() || n.path("refused").isNull(), "and refuses nothing: " + n);
        }

        cluster.post("/" + CAPTIONS + "/_close", null).ok(); // the next build cannot read its query bank: it fails
        cluster.post(BANKS + "heavy/_rebuild?wait_for_completion=true", null);
        assertEquals(
                "failed", cluster.get(BANKS + "heavy").ok().json().path("state").asText());
        cluster.post("/" + CAPTIONS + "/_open?wait_for_active_shards=all", null).ok();
        JsonNode next = cluster.post(BANKS + "heavy/_rebuild?wait_for_completion=true", null)
                .ok()
                .json();
        assertEquals(2, next.path("previous_version").asInt(), "the failed build published nothing: " + next);
        Set<String> all = buildIds("heavy", null), manifests = buildIds("heavy", "manifest");
        for (int i = 0; i < 60 && (all.size() > 2 || !all.equals(manifests)); i++) {
            // the janitor deletes in the background after each build, and a delete reaches the primary before the
            // replica, so two searches may each see one copy: wait until both views agree
            Thread.sleep(250);
            all = buildIds("heavy", null);
            manifests = buildIds("heavy", "manifest");
        }
        assertEquals(2, all.size(), "only the serving version and the one before it keep blobs: " + all);
        assertFalse(all.contains(v1), "version 1 went when the next version came");
        assertEquals(all, manifests, "no blob of version 1 or of the failed build is left in .hubness-banks");
        assertEquals(
                heavyBefore.get("is/0"),
                BankGuaranteesIT.hitsOf(
                        searchWithin(1, search("heavy", "is", 0)).ok().json()));
    }

    /** The build ids of a bank's documents in .hubness-banks (of one type, or all), after a refresh of its copies. */
    private static Set<String> buildIds(String bank, String type) {
        cluster.post("/.hubness-banks/_refresh", null).ok();
        String filter = "{\"term\": {\"bank\": \"" + bank + "\"}}"
                + (type == null ? "" : ", {\"term\": {\"type\": \"" + type + "\"}}");
        JsonNode r = cluster.post(
                        "/.hubness-banks/_search",
                        "{\"size\": 0, \"query\": {\"bool\": {\"filter\": [" + filter + "]}}, "
                                + "\"aggs\": {\"ids\": {\"terms\": {\"field\": \"build_id\", \"size\": 100}}}}")
                .ok()
                .json();
        Set<String> out = new TreeSet<>();
        for (JsonNode b : r.path("aggregations").path("ids").path("buckets"))
            out.add(b.path("key").asText());
        return out;
    }

    private static String single(Set<String> ids) {
        assertEquals(1, ids.size(), ids.toString());
        return ids.iterator().next();
    }

    /** Get operations on .hubness-banks' shards, all copies (a bank read is a series of multi-gets). */
    private static long bankIndexGets() {
        cluster.post("/.hubness-banks/_refresh", null);
        return cluster.get("/.hubness-banks/_stats/get")
                .ok()
                .json()
                .path("_all")
                .path("total")
                .path("get")
                .path("total")
                .asLong();
    }

    private static long maxBreakerUsed() {
        long max = 0;
        for (JsonNode n : cluster.get("/_nodes/stats/breaker").ok().json().path("nodes")) {
            max = Math.max(
                    max,
                    n.path("breakers")
                            .path("hubness")
                            .path("estimated_size_in_bytes")
                            .asLong());
        }
        return max;
    }
}
