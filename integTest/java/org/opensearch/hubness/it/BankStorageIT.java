/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.common.SuppressForbidden;
import org.opensearch.hubness.bank.storage.VersionDigest;

/**
 * Where a bank's data lives and who reaches it, on the real 3-node cluster (issue 19): the cluster-state API shows no
 * bank, GET shows no digest of its vectors, plain writes to {@code .hubness-banks} are refused while the plugin's own
 * go through, and settings refuse values outside their sense.
 */
@SuppressForbidden(
        reason = "a JSON text block filled by String#formatted with %s of strings only, which no locale changes")
class BankStorageIT {

    private static final String GALLERY = "storage-gallery";
    private static final String CAPTIONS = "storage-captions";
    private static final String BANKS = "/_plugins/_hubness/banks/";
    private static final String HIDDEN = "zq-hidden-bank";
    private static final String GUARDED = "guarded";
    private static final String MARKER = "zq-description-marker-4711";
    private static final Pattern HEX64 = Pattern.compile("(?<![0-9a-f])[0-9a-f]{64}(?![0-9a-f])");
    private static final String CAPTIONS_BANK = "{\"gallery\": {\"index\": \"" + GALLERY
            + "\", \"field\": \"embedding\"}, \"query_bank\": {\"index\": \"" + CAPTIONS
            + "\", \"field\": \"embedding\"}}";
    private static final LocalCluster cluster = LocalCluster.fromSystemProperties();

    private static int d;
    private static float[] captions;

    @BeforeAll
    static void loadData() {
        CaptionGallery data = CaptionGallery.index(cluster, GALLERY, CAPTIONS);
        d = data.d();
        captions = data.captions();
    }

    @AfterAll
    static void dropAll() {
        cluster.put("/_cluster/settings", "{\"persistent\": {\"plugins.hubness.breaker.limit\": null}}");
        for (String bank : List.of(HIDDEN, GUARDED, "guarded-again", "roomy")) cluster.delete(BANKS + bank);
        for (String index : List.of(GALLERY, CAPTIONS)) cluster.delete("/" + index);
    }

    private static float[][] postedRows(int n) {
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = new float[d];
            System.arraycopy(captions, i * d, rows[i], 0, d);
        }
        return rows;
    }

    private static String postedBank(float[][] rows, String description) {
        StringBuilder v = new StringBuilder("[");
        for (int i = 0; i < rows.length; i++) {
            if (i > 0) v.append(',');
            VectorIndex.appendVector(v, rows[i], 0, d);
        }
        return "{\"gallery\": {\"index\": \"" + GALLERY
                + "\", \"field\": \"embedding\"}, \"query_bank\": {\"vectors\": " + v + "]}, \"description\": \""
                + description + "\"}";
    }

    private static List<String> hex64(String body) {
        Matcher m = HEX64.matcher(body);
        return m.results().map(r -> r.group()).toList();
    }

    @Test
    void theClusterStateApiShowsNoBankAndGetShowsNoDigest() {
        float[][] rows = postedRows(20);
        String postedDigest = VersionDigest.ofRows(rows);
        cluster.put(BANKS + HIDDEN, postedBank(rows, MARKER)).ok();
        JsonNode bank = cluster.get(BANKS + HIDDEN).ok().json();
        assertEquals("ready", bank.path("state").asText(), bank.toString());
        assertEquals(MARKER, bank.path("definition").path("description").asText(), "GET still shows the definition");
        String getBody = cluster.get(BANKS + HIDDEN).ok().body();
        assertFalse(bank.has("sha256"), "GET carries no digest: " + getBody);
        assertEquals(List.of(), hex64(getBody), "GET carries no 64-hex digest of any kind");

        for (int node = 1; node <= 3; node++) {
            for (String path : List.of(
                    "/_cluster/state",
                    "/_cluster/state?local=true",
                    "/_cluster/state/metadata",
                    "/_cluster/state/metadata?filter_path=metadata.hubness_banks",
                    "/_cluster/state?filter_path=**.banks",
                    "/_cluster/state/_all/" + GALLERY,
                    "/_cluster/state/metadata?filter_path=**." + HIDDEN + "*")) {
                String body = cluster.node(node).get(path).ok().body();
                String where = "node " + node + " " + path;
                assertFalse(body.contains("hubness_banks"), where + " shows the banks' custom metadata");
                assertFalse(body.contains(HIDDEN), where + " names the bank");
                assertFalse(body.contains(MARKER), where + " shows the bank's description");
                assertFalse(body.contains(postedDigest), where + " shows the posted vectors' digest");
                assertEquals(List.of(), hex64(body), where + " shows a 64-hex digest");
            }
        }
        assertTrue(
                cluster.get("/_cluster/state/metadata")
                        .ok()
                        .json()
                        .path("metadata")
                        .has("cluster_uuid"),
                "the metadata section itself is still there (the check above is not vacuous)");
    }

    private static String search(String bank) {
        String q = VectorIndex.vectorJson(captions, 7 * d, d);
        return """
            {"size": 10, "_source": false, "query": {"knn": {"embedding": {"vector": %s, "k": 30}}},
             "rescore": {"window_size": 30, "hubness": {"bank": "%s", "method": "is", "query_vector": %s}}}
            """.formatted(q, bank, q);
    }

    private static String hitsOf(LocalCluster.Response r) {
        StringBuilder out = new StringBuilder();
        for (JsonNode h : r.ok().json().path("hits").path("hits"))
            out.append(h.path("_id").asText())
                    .append('=')
                    .append(h.path("_score").asText())
                    .append(' ');
        return out.toString();
    }

    private static long storedDocuments() {
        cluster.post("/.hubness-banks/_refresh", null).ok();
        return cluster.get("/.hubness-banks/_count").ok().json().path("count").asLong();
    }

    /** Every plain write or admin change to bank storage is a 403 naming the bank API; nothing changes; banks serve. */
    @Test
    void plainWritesToBankStorageAreRefusedAndThePluginsOwnWritesGoThrough() throws Exception {
        cluster.put(BANKS + GUARDED, postedBank(postedRows(30), "guarded")).ok();
        String genuine = hitsOf(cluster.post("/" + GALLERY + "/_search", search(GUARDED)));
        long stored = storedDocuments();
        String id = URLEncoder.encode(
                cluster.post(
                                "/.hubness-banks/_search",
                                "{\"size\": 1, \"query\": {\"term\": {\"bank\": \"" + GUARDED + "\"}}}")
                        .ok()
                        .json()
                        .path("hits")
                        .path("hits")
                        .get(0)
                        .path("_id")
                        .asText(),
                StandardCharsets.UTF_8);
        String junk = "{\"type\": \"chunk\", \"bank\": \"" + GUARDED + "\", \"data\": \"AAAA\"}";
        List<String[]> attempts = List.of(
                new String[] {"PUT", "/.hubness-banks/_doc/" + id, junk},
                new String[] {"POST", "/.hubness-banks/_doc", junk},
                new String[] {"POST", "/.hubness-banks/_update/" + id, "{\"doc\": {\"data\": \"AAAA\"}}"},
                new String[] {"DELETE", "/.hubness-banks/_doc/" + id, null},
                new String[] {
                    "POST", "/_bulk", "{\"index\": {\"_index\": \".hubness-banks\", \"_id\": \"x\"}}\n" + junk + "\n"
                },
                new String[] {
                    "POST", "/_bulk", "{\"delete\": {\"_index\": \".hubness-banks\", \"_id\": \"" + id + "\"}}\n"
                },
                new String[] {"POST", "/.hubness-banks/_delete_by_query", "{\"query\": {\"match_all\": {}}}"},
                new String[] {"POST", "/.hubness-banks/_update_by_query", "{\"query\": {\"match_all\": {}}}"},
                new String[] {"PUT", "/.hubness-banks/_settings", "{\"index\": {\"blocks.write\": true}}"},
                new String[] {"PUT", "/.hubness-banks/_mapping", "{\"properties\": {\"x\": {\"type\": \"keyword\"}}}"},
                new String[] {"POST", "/.hubness-banks/_close", null},
                new String[] {"PUT", "/.hubness-banks/_block/write", null},
                new String[] {
                    "POST",
                    "/_aliases",
                    "{\"actions\": [{\"add\": {\"index\": \".hubness-banks\", \"alias\": \"banks\"}}]}"
                },
                new String[] {
                    "POST", "/_aliases", "{\"actions\": [{\"remove_index\": {\"index\": \".hubness-banks\"}}]}"
                },
                new String[] {"DELETE", "/.hubness-banks", null},
                new String[] {"DELETE", "/.hubness-b*", null});
        for (int node = 1; node <= 3; node++) {
            for (String[] a : attempts) {
                LocalCluster.Response r = cluster.node(node).send(a[0], a[1], a[2]);
                String what = "node " + node + " " + a[0] + " " + a[1];
                assertEquals(403, r.status(), what + ": " + r.body());
                assertTrue(r.body().contains("bank storage"), what + ": " + r.body());
                assertTrue(r.body().contains("/_plugins/_hubness/banks"), what + ": " + r.body());
            }
        }
        assertEquals(stored, storedDocuments(), "no refused request changed bank storage");
        assertEquals(
                "open",
                cluster.get("/_cat/indices/.hubness-banks?h=status&expand_wildcards=all")
                        .ok()
                        .body()
                        .trim());
        assertEquals(genuine, hitsOf(cluster.post("/" + GALLERY + "/_search", search(GUARDED))));

        // the plugin's own writes: a rebuild writes and cleans up, from a node that is not the cluster manager too
        for (int node = 1; node <= 3; node++) {
            cluster.node(node)
                    .post(BANKS + GUARDED + "/_rebuild?wait_for_completion=true", null)
                    .ok();
            assertEquals(genuine, hitsOf(cluster.node(node).post("/" + GALLERY + "/_search", search(GUARDED))));
        }
        // and the index's creation through the cluster manager, after an operator deleted it with the repair switch
        BankGuaranteesIT.allowDirectWrites(true);
        try {
            cluster.delete("/.hubness-banks").ok();
        } finally {
            BankGuaranteesIT.allowDirectWrites(false);
        }
        cluster.node(notTheClusterManager())
                .put(BANKS + "guarded-again", postedBank(postedRows(30), "again"))
                .ok();
        assertEquals(genuine, hitsOf(cluster.post("/" + GALLERY + "/_search", search("guarded-again"))));
    }

    private static int notTheClusterManager() {
        String manager = cluster.get("/_cluster/state/cluster_manager_node")
                .ok()
                .json()
                .path("cluster_manager_node")
                .asText();
        for (int node = 1; node <= 3; node++) {
            String id = cluster.node(node)
                    .get("/_nodes/_local")
                    .ok()
                    .json()
                    .path("nodes")
                    .fieldNames()
                    .next();
            if (!id.equals(manager)) return node;
        }
        throw new AssertionError("every node is the cluster manager?");
    }

    /** Settings refuse values outside their sense with a 400 that names the setting; nothing is stored. */
    @Test
    void settingsOutsideTheirSenseAre400s() {
        for (String[] bad : List.of(
                new String[] {"plugins.hubness.breaker.limit", "\"-1\""},
                new String[] {"plugins.hubness.breaker.limit", "\"0b\""},
                new String[] {"plugins.hubness.breaker.limit", "\"1tb\""},
                new String[] {"plugins.hubness.breaker.limit", "\"101%\""},
                new String[] {"plugins.hubness.cache.max_size", "\"-1\""},
                new String[] {"plugins.hubness.cache.max_size", "\"1tb\""},
                new String[] {"plugins.hubness.build.rows_per_step", "0"},
                new String[] {"plugins.hubness.build.rows_per_step", "5000"},
                new String[] {"plugins.hubness.build.report_queries", "-1"},
                new String[] {"plugins.hubness.bank.max_body_size", "\"1gb\""},
                new String[] {"plugins.hubness.bank_storage.allow_direct_writes", "\"maybe\""})) {
            LocalCluster.Response r =
                    cluster.put("/_cluster/settings", "{\"persistent\": {\"" + bad[0] + "\": " + bad[1] + "}}");
            assertEquals(400, r.status(), bad[0] + "=" + bad[1] + ": " + r.body());
            assertTrue(r.body().contains(bad[0]), r.body());
        }
        assertFalse(
                cluster.get("/_cluster/settings").ok().body().contains("plugins"),
                "nothing of the refused values was stored");
    }

    /**
     * A version beyond a node's breaker is refused before it is read, with a 429 that says what to change, and the
     * nodes live on; once the limit is raised, every node loads it. The limit is set low on the shared cluster (a bank
     * at the documented maximum of 200 000 rows is beyond what the 512 MB test nodes can build): the refusal is decided
     * from the recorded shape, whatever the size.
     */
    @Test
    void aVersionBeyondTheBreakerIsRefusedCleanlyAndLoadsOnceTheLimitIsRaised() throws Exception {
        cluster.put(BANKS + "roomy", CAPTIONS_BANK).ok();
        String genuine = hitsOf(cluster.post("/" + GALLERY + "/_search", search("roomy")));
        long bankBytes = 4L * 500 * d;
        try {
            persistent("plugins.hubness.breaker.limit", "\"" + bankBytes / 4 + "b\"");
            LocalCluster.Response rebuilt = cluster.post(BANKS + "roomy/_rebuild?wait_for_completion=true", null);
            assertTrue(rebuilt.status() == 200 || rebuilt.status() == 429, rebuilt.body());
            for (int node = 1; node <= 3; node++) {
                LocalCluster.Response r = cluster.node(node).post("/" + GALLERY + "/_search", search("roomy"));
                for (int i = 0; i < 40 && r.status() == 503 && r.body().contains("being loaded"); i++) {
                    Thread.sleep(250);
                    r = cluster.node(node).post("/" + GALLERY + "/_search", search("roomy"));
                }
                assertEquals(429, r.status(), "node " + node + ": " + r.body());
                assertTrue(r.body().contains("circuit breaker"), r.body());
                assertTrue(r.body().contains("plugins.hubness.breaker.limit"), r.body());
            }
            JsonNode nodes = cluster.get(BANKS + "roomy").ok().json().path("nodes");
            assertEquals(3, nodes.size(), nodes.toString());
            for (JsonNode n : nodes)
                assertTrue(n.path("refused").path("reason").asText().contains("circuit breaker"), nodes.toString());
            assertEveryNodeLives();
        } finally {
            persistent("plugins.hubness.breaker.limit", "null");
        }
        for (int node = 1; node <= 3; node++) {
            LocalCluster.Response r = cluster.node(node).post("/" + GALLERY + "/_search", search("roomy"));
            for (int i = 0; i < 80 && r.status() != 200; i++) {
                Thread.sleep(250);
                r = cluster.node(node).post("/" + GALLERY + "/_search", search("roomy"));
            }
            assertEquals(genuine, hitsOf(r), "node " + node + " serves version 2 once the limit is raised");
        }
        assertEquals(2, cluster.get(BANKS + "roomy").ok().json().path("version").asInt());
    }

    private static void assertEveryNodeLives() {
        JsonNode health = cluster.get("/_cluster/health?wait_for_nodes=3&timeout=30s")
                .ok()
                .json();
        assertEquals(3, health.path("number_of_nodes").asInt(), "every node lives: " + health);
    }

    /** Sets a persistent cluster setting to a JSON value ("null" resets it). */
    private static void persistent(String key, String json) {
        cluster.put("/_cluster/settings", "{\"persistent\": {\"" + key + "\": " + json + "}}")
                .ok();
    }
}
