package org.opensearch.hubness.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.opensearch.common.SuppressForbidden;
import org.opensearch.hubness.eval.NpyArray;
import org.opensearch.hubness.it.LocalCluster;
import org.opensearch.hubness.it.VectorIndex;
import org.opensearch.hubness.testing.LoudSkip;

/**
 * The plugin under the security plugin, on the 3.4.0 cluster that scripts/local-node starts with SECURITY=1 (the
 * security plugin's demo configuration, TLS). The roles and users come from the user guide's security section, run as
 * pasted; the test then checks what each user can do: a searcher's rescored searches equal the admin's, the admin API
 * answers 403 to everyone without its actions, bank storage (.hubness-banks) is out of every user's reach (even
 * all_access), and a user who may not read the gallery learns nothing of a bank through another index or explain.
 */
@SuppressForbidden(
        reason =
                "JSON text blocks filled by String#formatted with %s of strings and numbers only, which no locale changes")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityIT {

    static final String DATA = "flickr8k-tinyclip";
    static final String GALLERY = "images"; // the index the documented roles name
    static final String QUERY_SOURCE = "captions-bank";
    static final String OTHER = "other-vectors"; // an index the outsider may search
    static final String BANK = "sec-bank";
    static final String VIS_SOURCE = "vis-source"; // 4 documents; DLS, FLS or a filtered alias hide one of them
    static final String DLS_PUBLIC_ONLY = ", \"dls\": \"{\\\"term\\\": {\\\"tag\\\": \\\"public\\\"}}\"";
    static final String BANKS = "/_plugins/_hubness/banks";
    static final int GALLERY_SIZE = 300;
    static final int QUERIES = 10;

    private Path clusterDir;
    private LocalCluster tls;
    private LocalCluster admin;
    private final Map<String, LocalCluster> users = new LinkedHashMap<>();
    private float[] text;
    private boolean visSourceCreated;
    private int d;

    @BeforeAll
    void setUp() throws Exception {
        LoudSkip.unless(!Boolean.getBoolean("hubness.security.skip"), "security ITs skipped (-DskipSecurityITs)");
        LoudSkip.unless(VectorIndex.hasData(DATA, "text.npy"), "no ../shared/data/" + DATA + " for the gallery");
        clusterDir = Path.of(System.getProperty("hubness.security.cluster.dir", "target/it-security-cluster"));
        String url = Files.readString(clusterDir.resolve("url")).trim();
        tls = LocalCluster.secure(url, clusterDir.resolve("root-ca.pem"));
        admin = tls.as("admin", adminPassword());

        for (SecurityDocExample e : SecurityDocExample.parse(docsPage())) {
            LocalCluster.Response r = runAsPasted(e);
            assertEquals(2, r.status() / 100, e + " answered " + r.status() + ": " + r.body());
            if (e.path().contains("/internalusers/")) {
                String user = e.path().substring(e.path().lastIndexOf('/') + 1);
                users.put(
                        user,
                        tls.as(
                                user,
                                LocalCluster.JSON
                                        .readTree(e.body())
                                        .path("password")
                                        .asText()));
            }
        }
        assertEquals(
                List.of("gallery-searcher", "bank-viewer", "bank-manager"),
                List.copyOf(users.keySet()),
                "the user guide's security section defines these users");

        NpyArray t = VectorIndex.read(DATA, "text.npy");
        NpyArray img = VectorIndex.read(DATA, "image.npy");
        d = t.cols();
        text = t.toFloats();
        float[] images = img.toFloats();
        VectorIndex.create(admin, GALLERY, d, "cosinesimil", 2, 0);
        VectorIndex.load(admin, GALLERY, VectorIndex.rows(images, d, 0, GALLERY_SIZE), d, i -> "img-" + i);
        VectorIndex.create(admin, QUERY_SOURCE, d, "cosinesimil", 1, 0);
        VectorIndex.load(admin, QUERY_SOURCE, VectorIndex.rows(text, d, 500, 800), d, i -> "cap-" + i);
        VectorIndex.create(admin, OTHER, d, "cosinesimil", 1, 0);
        VectorIndex.load(admin, OTHER, VectorIndex.rows(images, d, 500, 600), d, i -> "other-" + i);
        // not in the docs: a user who may search some other index, but not the gallery
        admin.put("/_plugins/_security/api/roles/outsider", """
            {"index_permissions": [{"index_patterns": ["%s"], "allowed_actions": ["search"]}]}""".formatted(OTHER))
                .ok();
        admin.put("/_plugins/_security/api/internalusers/outsider", "{\"password\": \"Other-Index-7730!x\"}")
                .ok();
        admin.put("/_plugins/_security/api/rolesmapping/outsider", "{\"users\": [\"outsider\"]}")
                .ok();
        users.put("outsider", tls.as("outsider", "Other-Index-7730!x"));
    }

    private LocalCluster user(String name) {
        return users.get(name);
    }

    @Test
    @Order(1)
    void theManagerBuildsAndRebuilds() {
        LocalCluster manager = user("bank-manager");
        manager.delete(BANKS + "/" + BANK);
        JsonNode built = manager.put(BANKS + "/" + BANK, """
            {"gallery": {"index": "%s", "field": "embedding"},
             "query_bank": {"index": "%s", "field": "embedding"},
             "gallery_bank": {"sample": {"size": 100, "seed": 3}}}""".formatted(GALLERY, QUERY_SOURCE))
                .ok()
                .json();
        assertEquals("ready", built.path("state").asText(), built.toString());
        assertEquals(1, built.path("version").asInt());
        JsonNode rebuilt = manager.post(BANKS + "/" + BANK + "/_rebuild?wait_for_completion=true", null)
                .ok()
                .json();
        assertEquals(2, rebuilt.path("version").asInt(), rebuilt.toString());
        // what started each build, and the gallery's operations a rebuild policy compares with (read as the plugin)
        assertEquals("put", built.path("build").path("trigger").asText(), built.toString());
        assertEquals("rebuild", rebuilt.path("build").path("trigger").asText(), rebuilt.toString());
        assertTrue(rebuilt.path("build").path("gallery_operations").asLong() > 0, rebuilt.toString());

        // a background build, followed through the task API
        manager.delete(BANKS + "/bg-bank");
        JsonNode accepted = manager.put(
                        BANKS + "/bg-bank?wait_for_completion=false", """
            {"gallery": {"index": "%s", "field": "embedding"}, "query_bank": {"index": "%s", "field": "embedding"}}""".formatted(GALLERY, QUERY_SOURCE))
                .ok()
                .json();
        JsonNode task = manager.get(
                        "/_tasks/" + accepted.path("task").asText() + "?wait_for_completion=true&timeout=120s")
                .ok()
                .json();
        assertEquals("bg-bank", task.path("response").path("bank").asText(), task.toString());
        assertEquals(
                "ready",
                manager.get(BANKS + "/bg-bank").ok().json().path("state").asText());
        manager.delete(BANKS + "/bg-bank").ok();
        manager.get("/_plugins/_hubness/stats").ok();
        manager.post("/_plugins/_hubness/_clear_cache", null).ok();
        manager.post(BANKS + "/" + BANK + "/_clear_cache", null).ok();
    }

    @Test
    @Order(2)
    void theSearchersRescoredSearchesEqualTheAdmins() {
        for (String method : List.of("is", "dis", "dual_is", "dual_dis", "csls", "nnn")) {
            for (int q = 0; q < QUERIES; q++) {
                String body = rescoredSearch(BANK, q, method, false);
                JsonNode asAdmin =
                        admin.post("/" + GALLERY + "/_search", body).ok().json();
                JsonNode asSearcher = user("gallery-searcher")
                        .post("/" + GALLERY + "/_search", body)
                        .ok()
                        .json();
                assertEquals(hits(asAdmin), hits(asSearcher), method + " query " + q);
                assertTrue(
                        asSearcher
                                        .path("hits")
                                        .path("hits")
                                        .get(0)
                                        .path("_score")
                                        .asDouble()
                                >= 1,
                        "not rescored: " + asSearcher);
            }
        }
        JsonNode explained = user("gallery-searcher")
                .post("/" + GALLERY + "/_search", rescoredSearch(BANK, 0, "dual_dis", true))
                .ok()
                .json();
        assertTrue(
                explained
                        .path("hits")
                        .path("hits")
                        .get(0)
                        .path("_explanation")
                        .path("description")
                        .asText()
                        .startsWith("hubness rescore"),
                explained.toString());
    }

    @Test
    @Order(3)
    void theAdminApiAnswers403WithoutItsActions() {
        String definition = "{\"gallery\": {\"index\": \"" + GALLERY
                + "\", \"field\": \"embedding\"}, \"query_bank\": {\"index\": \"" + QUERY_SOURCE
                + "\", \"field\": \"embedding\"}}";
        for (String name : List.of("gallery-searcher", "outsider")) {
            LocalCluster u = user(name);
            assertForbidden(u.put(BANKS + "/x-" + name, definition));
            assertForbidden(u.get(BANKS + "/" + BANK));
            assertForbidden(u.get(BANKS));
            assertForbidden(u.post(BANKS + "/" + BANK + "/_rebuild", null));
            assertForbidden(u.post(BANKS + "/" + BANK + "/_rebuild?wait_for_completion=true", null));
            assertForbidden(u.put(BANKS + "/x-" + name + "?wait_for_completion=false", definition));
            assertForbidden(u.post(BANKS + "/" + BANK + "/_clear_cache", null));
            assertForbidden(u.post("/_plugins/_hubness/_clear_cache", null));
            assertForbidden(u.get("/_plugins/_hubness/stats"));
            assertForbidden(u.delete(BANKS + "/" + BANK));
        }
        LocalCluster viewer = user("bank-viewer");
        assertEquals(
                2, viewer.get(BANKS + "/" + BANK).ok().json().path("version").asInt());
        assertTrue(viewer.get(BANKS).ok().body().contains(BANK));
        viewer.get("/_plugins/_hubness/stats").ok();
        assertForbidden(viewer.put(BANKS + "/x-viewer", definition));
        assertForbidden(viewer.post(BANKS + "/" + BANK + "/_rebuild", null));
        assertForbidden(viewer.put(BANKS + "/x-viewer?wait_for_completion=false", definition));
        assertForbidden(viewer.post(BANKS + "/" + BANK + "/_clear_cache", null));
        assertForbidden(viewer.post("/_plugins/_hubness/_clear_cache", null));
        assertForbidden(viewer.delete(BANKS + "/" + BANK));
        assertEquals(
                2,
                admin.get(BANKS + "/" + BANK).ok().json().path("version").asInt(),
                "a refused call changed the bank");
    }

    @Test
    @Order(4)
    void nobodyButThePluginTouchesBankStorage() throws Exception {
        long stored = superAdminCount();
        assertTrue(stored > 0, "the super-admin certificate sees the stored bank documents");
        String id = "bank%23" + BANK;
        for (String name : List.of("gallery-searcher", "bank-viewer", "bank-manager", "outsider")) {
            LocalCluster u = user(name);
            assertSeesNothing(u.get("/.hubness-banks/_search"));
            assertSeesNothing(u.get("/.hubness-banks/_doc/" + id));
            assertSeesNothing(u.get("/.hubness-banks/_count"));
            assertSeesNothing(u.post("/.hubness-banks/_search?q=type:bank", null));
            assertWritesForbidden(u, id);
        }
        // all_access: every write is refused, and reads find nothing
        assertWritesForbidden(admin, id);
        assertEquals(
                0,
                admin.get("/.hubness-banks/_search")
                        .ok()
                        .json()
                        .path("hits")
                        .path("total")
                        .path("value")
                        .asInt());
        assertEquals(
                0, admin.get("/.hubness-banks/_count").ok().json().path("count").asInt());
        assertEquals(
                0,
                admin.post("/_search?q=type:bank", null)
                        .ok()
                        .json()
                        .path("hits")
                        .path("total")
                        .path("value")
                        .asInt());
        assertFalse(admin.get("/.hubness-banks/_doc/" + id).json().path("found").asBoolean());
        assertEquals(stored, superAdminCount(), "bank storage changed");
        assertEquals(
                "ready", admin.get(BANKS + "/" + BANK).ok().json().path("state").asText());

        // the super-admin certificate bypasses the protection, as for the security index itself
        assertEquals(201, superAdmin("PUT", "/.hubness-banks/_doc/forged?refresh=true", "{\"type\": \"junk\"}"));
        assertEquals(stored + 1, superAdminCount());
        assertEquals(200, superAdmin("DELETE", "/.hubness-banks/_doc/forged?refresh=true", null));
        assertEquals(stored, superAdminCount());
    }

    @Test
    @Order(5)
    void whoMayNotReadTheGalleryLearnsNothingOfTheBank() {
        LocalCluster outsider = user("outsider");
        for (String method : List.of("is", "dual_dis")) {
            assertForbidden(outsider.post("/" + GALLERY + "/_search", rescoredSearch(BANK, 0, method, true)));
        }
        // an index the outsider may read, rescored with a bank of the gallery: its shard refuses before any bank term
        // exists (a 400 naming the bank and that index, not the gallery); a gated method's top-1 search of the gallery
        // runs as the outsider first and is refused by the security plugin (403)
        for (String method : List.of("is", "dual_dis")) {
            for (boolean explain : List.of(false, true)) {
                LocalCluster.Response r =
                        outsider.post("/" + OTHER + "/_search", rescoredSearch(BANK, 0, method, explain));
                assertRefusedWithoutTheGallery(r, method);
            }
        }
        // the admin gets the same refusal on the other index: a bank never rescores an index it was not built for
        assertEquals(
                400,
                admin.post("/" + OTHER + "/_search", rescoredSearch(BANK, 0, "is", false))
                        .status());
    }

    @Test
    @Order(6)
    void afterARestartTheNodeLoadsTheBankAsThePluginAndServesTheSearcher() throws Exception {
        String body = rescoredSearch(BANK, 3, "dual_dis", false);
        List<String> before =
                hits(admin.post("/" + GALLERY + "/_search", body).ok().json());
        localNode("stop-node", "1");
        localNode("start-node", "1");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!admin.get("/_plugins/_hubness/stats").ok().body().contains("\"" + BANK + "\"")) {
            assertTrue(
                    System.nanoTime() < deadline, "the restarted node did not load " + BANK + " from .hubness-banks");
            Thread.sleep(500);
        }
        assertEquals(
                before,
                hits(user("gallery-searcher")
                        .post("/" + GALLERY + "/_search", body)
                        .ok()
                        .json()));
    }

    @Test
    @Order(7)
    void theSearchersSearchThroughADefaultHubnessPipelineEqualsTheAdminsRescore() {
        admin.put("/_search/pipeline/sec-hubness", """
            {"request_processors": [{"hubness": {"bank": "%s", "method": "dual_dis", "window_size": 30}}]}""".formatted(BANK)).ok();
        admin.put("/" + GALLERY + "/_settings", "{\"index.search.default_pipeline\": \"sec-hubness\"}")
                .ok();
        try {
            for (int q = 0; q < 3; q++) {
                String v = VectorIndex.vectorJson(text, q * d, d);
                String plain = String.format(Locale.ROOT, """
                    {"size": 10, "_source": false, "query": {"knn": {"embedding": {"vector": %s, "k": 30}}}}""", v);
                List<String> expected = hits(admin.post(
                                "/" + GALLERY + "/_search?search_pipeline=_none",
                                rescoredSearch(BANK, q, "dual_dis", false))
                        .ok()
                        .json());
                assertEquals(
                        expected,
                        hits(user("gallery-searcher")
                                .post("/" + GALLERY + "/_search", plain)
                                .ok()
                                .json()),
                        "query " + q);
            }
        } finally {
            admin.put("/" + GALLERY + "/_settings", "{\"index.search.default_pipeline\": null}")
                    .ok();
            admin.delete("/_search/pipeline/sec-hubness").ok();
        }
    }

    /**
     * A user who may search only their own index names a bank of the gallery in an inline search pipeline: the
     * processor adds the clause inside the search, after every action filter, so the refusal comes from the shard.
     */
    @Test
    @Order(13)
    void anInlinePipelineCannotRescoreTheSearchersOwnIndexWithABank() {
        String v = VectorIndex.vectorJson(text, 0, d);
        for (String method : List.of("is", "dual_dis")) {
            String body = String.format(Locale.ROOT, """
                {"size": 10, "explain": true, "query": {"knn": {"embedding": {"vector": %s, "k": 30}}},
                 "search_pipeline": {"request_processors": [
                   {"hubness": {"bank": "%s", "method": "%s", "window_size": 30}}]}}""", v, BANK, method);
            assertRefusedWithoutTheGallery(user("outsider").post("/" + OTHER + "/_search", body), method);
        }
    }

    /**
     * {@code ext.hubness} as the least-privileged user, who may only search the gallery: it works and answers exactly
     * what the explicit rescore clause answers that user; naming a bank whose gallery is another index is the 400 that
     * names the bank and the searched index, never that gallery.
     */
    @Test
    @Order(14)
    void theSearchersExtHubnessEqualsTheExplicitClauseAndABankOfAnotherGalleryIsA400WithoutIt() {
        String setting = "cluster.search.enabled_system_generated_factories";
        JsonNode before = admin.get("/_cluster/settings?flat_settings=true")
                .ok()
                .json()
                .path("persistent")
                .path(setting);
        String other = "sec-other-gallery-bank";
        admin.put("/_cluster/settings", "{\"persistent\": {\"" + setting + "\": [\"hubness_ext_factory\"]}}")
                .ok();
        try {
            LocalCluster searcher = user("gallery-searcher");
            for (String method : List.of("is", "dual_dis", "csls")) {
                for (int q = 0; q < 3; q++) {
                    String v = VectorIndex.vectorJson(text, q * d, d);
                    String ext = String.format(Locale.ROOT, """
                        {"size": 10, "_source": false, "query": {"knn": {"embedding": {"vector": %s, "k": 30}}},
                         "ext": {"hubness": {"bank": "%s", "method": "%s", "window_size": 30}}}""", v, BANK, method);
                    List<String> explicit =
                            hits(searcher.post("/" + GALLERY + "/_search", rescoredSearch(BANK, q, method, false))
                                    .ok()
                                    .json());
                    JsonNode viaExt =
                            searcher.post("/" + GALLERY + "/_search", ext).ok().json();
                    assertEquals(explicit, hits(viaExt), method + " query " + q + " through ext.hubness");
                    assertTrue(
                            viaExt.path("hits")
                                            .path("hits")
                                            .get(0)
                                            .path("_score")
                                            .asDouble()
                                    >= 1,
                            "rescored: " + viaExt);
                }
            }
            admin.put(BANKS + "/" + other, """
                {"gallery": {"index": "%s", "field": "embedding"},
                 "query_bank": {"index": "%s", "field": "embedding"}}""".formatted(OTHER, QUERY_SOURCE)).ok();
            String v = VectorIndex.vectorJson(text, 0, d);
            LocalCluster.Response r =
                    searcher.post("/" + GALLERY + "/_search", String.format(Locale.ROOT, """
                {"size": 10, "query": {"knn": {"embedding": {"vector": %s, "k": 30}}},
                 "ext": {"hubness": {"bank": "%s", "method": "is"}}}""", v, other));
            assertEquals(400, r.status(), r.body());
            assertTrue(r.body().contains("bank [" + other + "] cannot rescore index [" + GALLERY + "]"), r.body());
            assertFalse(r.body().contains(OTHER), "the bank's gallery is not named: " + r.body());
            assertNoBankContents(r);
        } finally {
            admin.delete(BANKS + "/" + other);
            admin.put(
                            "/_cluster/settings",
                            "{\"persistent\": {\"" + setting + "\": "
                                    + (before.isMissingNode() ? "null" : before.toString()) + "}}")
                    .ok();
        }
    }

    @Test
    @Order(8)
    void aManagerWithDocumentLevelSecurityOnASourceIsRefusedAndLeavesNoBank() {
        LocalCluster dls = restrictedManager("vis_dls", DLS_PUBLIC_ONLY);
        // the role itself may build: from the gallery and posted vectors
        String posted =
                "{\"gallery\": {\"index\": \"%s\", \"field\": \"embedding\"}, \"query_bank\": {\"vectors\": [%s]}}"
                        .formatted(GALLERY, VectorIndex.vectorJson(text, 0, d));
        assertEquals(
                "ready",
                dls.put(BANKS + "/vis-posted", posted).ok().json().path("state").asText());
        admin.delete(BANKS + "/vis-posted").ok();
        assertEquals(
                3,
                dls.get("/" + VIS_SOURCE + "/_count").ok().json().path("count").asInt(),
                "DLS shows the manager 3 of the 4 documents");
        for (String wait : List.of("true", "false")) {
            assertRefusedAsHidden(dls.put(BANKS + "/vis-dls?wait_for_completion=" + wait, visDefinition(VIS_SOURCE)));
            assertEquals(404, admin.get(BANKS + "/vis-dls").status(), "a refused PUT left a bank behind");
        }
        assertNothingLoggedOfTheRefusal("vis-dls");
    }

    @Test
    @Order(9)
    void aFilteredAliasAsASourceIsRefusedEvenForAllAccess() {
        LocalCluster dls = restrictedManager("vis_dls", DLS_PUBLIC_ONLY); // creates the source if need be
        assertRefusedAsHidden(admin.put(BANKS + "/vis-alias", visDefinition(VIS_SOURCE + "-public")));
        assertEquals(404, admin.get(BANKS + "/vis-alias").status(), "a refused PUT left a bank behind");
        // the same index without the alias builds, with all 4 documents
        JsonNode whole =
                admin.put(BANKS + "/vis-alias", visDefinition(VIS_SOURCE)).ok().json();
        assertEquals(4, whole.path("build").path("query_bank_size").asInt(), whole.toString());
        // a rebuild by the manager with document-level security is refused before it is recorded: the bank is unchanged
        for (String wait : List.of("true", "false"))
            assertRefusedAsHidden(dls.post(BANKS + "/vis-alias/_rebuild?wait_for_completion=" + wait, null));
        JsonNode after = admin.get(BANKS + "/vis-alias").ok().json();
        assertEquals("ready", after.path("state").asText(), after.toString());
        assertEquals(1, after.path("version").asInt(), after.toString());
        assertTrue(after.path("failure").isMissingNode(), after.toString());
        admin.delete(BANKS + "/vis-alias").ok();
    }

    @Test
    @Order(10)
    void aManagerWhoseFieldLevelSecurityHidesTheVectorFieldIsRefused() {
        LocalCluster fls = restrictedManager("vis_fls", ", \"fls\": [\"~embedding\"]");
        assertRefusedAsHidden(fls.put(BANKS + "/vis-fls", visDefinition(VIS_SOURCE)));
        assertEquals(404, admin.get(BANKS + "/vis-fls").status(), "a refused PUT left a bank behind");
    }

    @Test
    @Order(11)
    void aUserWithoutABankActionGets403ForAMalformedBodyAndLeavesNoBank() {
        for (String name : List.of("gallery-searcher", "bank-viewer", "outsider")) {
            for (String wait : List.of("true", "false")) {
                assertForbidden(user(name).put(BANKS + "/x-malformed?wait_for_completion=" + wait, "{\"gallery\": "));
                assertForbidden(
                        user(name).put(BANKS + "/x-malformed?wait_for_completion=" + wait, "{\"beta_query\": -1}"));
                assertForbidden(user(name).put(BANKS + "/Not%20A%20Name?wait_for_completion=" + wait, "{}"));
            }
            assertForbidden(user(name).post(BANKS + "/" + BANK + "/_rebuild", "{\"beta_query\": 2}"));
        }
        assertEquals(404, admin.get(BANKS + "/x-malformed").status(), "a refused PUT left a bank behind");
        assertEquals(
                2,
                admin.get(BANKS + "/" + BANK).ok().json().path("version").asInt(),
                "a refused call changed the bank");
    }

    @Test
    @Order(12)
    void aBackgroundBuildsTaskResultShowsATaskReaderNoBankContent() {
        admin.put(
                        "/_plugins/_security/api/roles/task_reader",
                        "{\"cluster_permissions\": [\"cluster:monitor/task/get\"]}")
                .ok();
        admin.put("/_plugins/_security/api/internalusers/task-reader", "{\"password\": \"Quiet-Lantern-5518!x\"}")
                .ok();
        admin.put("/_plugins/_security/api/rolesmapping/task_reader", "{\"users\": [\"task-reader\"]}")
                .ok();
        LocalCluster reader = tls.as("task-reader", "Quiet-Lantern-5518!x");
        LocalCluster manager = user("bank-manager");
        manager.delete(BANKS + "/bg-secret");
        JsonNode accepted = manager.put(
                        BANKS + "/bg-secret?wait_for_completion=false", """
            {"gallery": {"index": "%s", "field": "embedding"}, "query_bank": {"index": "%s", "field": "embedding"},
             "description": "private captions of team X"}""".formatted(GALLERY, QUERY_SOURCE))
                .ok()
                .json();
        LocalCluster.Response task =
                reader.get("/_tasks/" + accepted.path("task").asText() + "?wait_for_completion=true&timeout=120s");
        JsonNode result = task.ok().json();
        assertTrue(result.path("completed").asBoolean(), task.body());
        assertEquals("bg-secret", result.path("response").path("bank").asText(), task.body());
        for (String detail : List.of("team X", QUERY_SOURCE, "definition", "sha256", "\"build\"", "\"state\"", "nodes"))
            assertFalse(task.body().contains(detail), detail + " in the task result: " + task.body());
        assertForbidden(reader.get(BANKS + "/bg-secret"));
        assertEquals(
                "ready",
                manager.get(BANKS + "/bg-secret").ok().json().path("state").asText());
        manager.delete(BANKS + "/bg-secret").ok();
    }

    // ---- helpers ----

    /** A 4xx with nothing of the bank and no word of its gallery; an ungated method reaches the shard's 400. */
    private static void assertRefusedWithoutTheGallery(LocalCluster.Response r, String method) {
        assertEquals(4, r.status() / 100, method + ": " + r.body());
        assertNoBankContents(r);
        assertFalse(r.body().contains(GALLERY), method + ": the gallery is not named: " + r.body());
        if (method.equals("is")) {
            assertEquals(400, r.status(), r.body());
            assertTrue(r.body().contains("bank [" + BANK + "] cannot rescore index [" + OTHER + "]"), r.body());
        }
    }

    private String rescoredSearch(String bank, int query, String method, boolean explain) {
        String v = VectorIndex.vectorJson(text, query * d, d);
        return String.format(Locale.ROOT, """
            {"size": 10, "explain": %s, "_source": false,
             "query": {"knn": {"embedding": {"vector": %s, "k": 30}}},
             "rescore": {"window_size": 30, "hubness": {"bank": "%s", "query_vector": %s, "method": "%s"}}}""", explain, v, bank, v, method);
    }

    /**
     * A manager like the documented one, whose role restricts the 4-document source [vis-source] ({@code restriction}:
     * a "dls" or "fls" entry of its index permission); created once per name.
     */
    private LocalCluster restrictedManager(String role, String restriction) {
        if (!visSourceCreated) {
            VectorIndex.create(admin, VIS_SOURCE, d, "cosinesimil", 1, 0);
            for (int i = 0; i < 4; i++) {
                admin.put(
                                "/" + VIS_SOURCE + "/_doc/v-" + i + "?refresh=true",
                                "{\"embedding\": %s, \"tag\": \"%s\"}"
                                        .formatted(
                                                VectorIndex.vectorJson(text, i * d, d), i == 3 ? "secret" : "public"))
                        .ok();
            }
            admin.post("/_aliases", """
                {"actions": [{"add": {"index": "%s", "alias": "%s-public", "filter": {"term": {"tag": "public"}}}}]}""".formatted(VIS_SOURCE, VIS_SOURCE)).ok();
            visSourceCreated = true;
        }
        String read =
                "\"allowed_actions\": [\"read\", \"indices:admin/mappings/get\", \"indices:monitor/settings/get\"]";
        admin.put("/_plugins/_security/api/roles/" + role, """
            {"cluster_permissions": ["cluster:admin/hubness/bank/*", "cluster:monitor/task/get"],
             "index_permissions": [{"index_patterns": ["%s"], %s},
                                   {"index_patterns": ["%s"], %s%s}]}""".formatted(GALLERY, read, VIS_SOURCE, read, restriction))
                .ok();
        String user = role.replace('_', '-');
        admin.put("/_plugins/_security/api/internalusers/" + user, "{\"password\": \"Restricted-Manager-3377!x\"}")
                .ok();
        admin.put("/_plugins/_security/api/rolesmapping/" + role, "{\"users\": [\"" + user + "\"]}")
                .ok();
        return tls.as(user, "Restricted-Manager-3377!x");
    }

    private static String visDefinition(String querySource) {
        return """
            {"gallery": {"index": "%s", "field": "embedding"}, "query_bank": {"index": "%s", "field": "embedding"}}""".formatted(GALLERY, querySource);
    }

    /** The build's own 403: it names the reasons, not the security plugin's generic refusal. */
    private static void assertRefusedAsHidden(LocalCluster.Response r) {
        assertForbidden(r);
        assertTrue(
                r.body().contains("you cannot see every document") && r.body().contains("filtered alias"), r.body());
    }

    /** A refused PUT happens before the build is recorded: the node logs neither a failed build nor a stack trace. */
    private void assertNothingLoggedOfTheRefusal(String bank) {
        // run/node-N/logs/*.log sits 4 levels down; deeper lies the node's data, whose Lucene temp files vanish while
        // the walk lists them (NoSuchFileException), so the walk stops at that depth
        try (var logs = Files.walk(clusterDir, 4)) {
            List<Path> files = logs.filter(p -> p.getFileName().toString().endsWith(".log")
                            && p.getParent().getFileName().toString().equals("logs"))
                    .toList();
            assertFalse(files.isEmpty(), "no node log under " + clusterDir);
            for (Path f : files) {
                String log = Files.readString(f);
                assertFalse(log.contains("build of bank [" + bank + "]"), f + " logs the refused build");
                assertFalse(
                        log.contains("Exception: [query_bank]: you cannot see"), f + " holds a refusal's stack trace");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** id:score of each hit, in order. */
    private static List<String> hits(JsonNode response) {
        List<String> out = new ArrayList<>();
        for (JsonNode h : response.path("hits").path("hits"))
            out.add(h.path("_id").asText() + ":" + h.path("_score").asText());
        assertFalse(out.isEmpty(), "no hits: " + response);
        return out;
    }

    private static void assertForbidden(LocalCluster.Response r) {
        assertEquals(403, r.status(), r.request() + ": " + r.body());
    }

    /** A read of bank storage is refused, or finds nothing (the security plugin answers either way, per action). */
    private static void assertSeesNothing(LocalCluster.Response r) {
        if (r.status() == 403) return;
        JsonNode body = r.json();
        assertTrue(r.status() == 200 || r.status() == 404, r.request() + ": " + r.body());
        assertFalse(body.path("found").asBoolean(false), r.request() + " found a document: " + r.body());
        assertEquals(0, body.path("hits").path("total").path("value").asInt(0), r.request() + ": " + r.body());
        assertEquals(0, body.path("count").asInt(0), r.request() + ": " + r.body());
        assertFalse(r.body().contains("_source"), r.request() + ": " + r.body());
    }

    private static void assertWritesForbidden(LocalCluster u, String id) {
        assertForbidden(u.put("/.hubness-banks/_doc/" + id, "{\"type\": \"bank\", \"state\": \"building\"}"));
        assertForbidden(u.put("/.hubness-banks/_doc/junk", "{\"type\": \"junk\"}"));
        assertForbidden(u.post("/.hubness-banks/_update/" + id, "{\"doc\": {\"state\": \"building\"}}"));
        assertForbidden(u.delete("/.hubness-banks/_doc/" + id));
        assertForbidden(u.delete("/.hubness-banks"));
        assertForbidden(u.post("/.hubness-banks/_close", null));
        assertForbidden(u.put("/.hubness-banks/_settings", "{\"index\": {\"number_of_replicas\": 0}}"));
        assertForbidden(u.post(
                "/_aliases", "{\"actions\": [{\"add\": {\"index\": \".hubness-banks\", \"alias\": \"banks\"}}]}"));
        LocalCluster.Response bulk = u.post(
                "/_bulk", "{\"index\": {\"_index\": \".hubness-banks\", \"_id\": \"x\"}}\n{\"type\": \"junk\"}\n");
        if (bulk.status() != 403) {
            assertEquals(
                    403,
                    bulk.ok()
                            .json()
                            .path("items")
                            .get(0)
                            .path("index")
                            .path("status")
                            .asInt(),
                    bulk.body());
        }
    }

    /** No bank terms, explanation or hits in a refusal. */
    private static void assertNoBankContents(LocalCluster.Response r) {
        assertFalse(
                r.body().contains("Lq")
                        || r.body().contains("_explanation")
                        || r.body().contains("\"hits\""),
                r.body());
    }

    /** Documents in .hubness-banks as the super-admin certificate sees them. */
    @Test
    @Order(13)
    void aSearcherCapturesIntoBankStorageOnlyAsThePlugin() throws Exception {
        LocalCluster manager = user("bank-manager");
        LocalCluster searcher = user("gallery-searcher");
        String bank = "sec-captured";
        manager.delete(BANKS + "/" + bank);
        manager.put(BANKS + "/" + bank, """
            {"gallery": {"index": "%s", "field": "embedding"},
             "query_bank": {"index": "%s", "field": "embedding", "captured": {"rate": 1, "max_size": 100}}}""".formatted(GALLERY, QUERY_SOURCE)).ok();
        for (int q = 0; q < 3; q++)
            searcher.post("/" + GALLERY + "/_search", rescoredSearch(bank, q, "is", false))
                    .ok();
        // the searcher's vectors are in bank storage, written as the plugin
        long deadline = System.currentTimeMillis() + 60_000;
        long captured = -1;
        while (System.currentTimeMillis() < deadline && captured != 3) {
            captured = superAdminCapturedCount(bank);
            if (captured != 3) Thread.sleep(200);
        }
        assertEquals(3, captured, "the searcher's three searches were captured into .hubness-banks");
        // ... which the searcher cannot read, and nothing in a search names a place to write: an extra key is a 400
        assertSeesNothing(
                searcher.post("/.hubness-banks/_search", "{\"query\": {\"term\": {\"kind\": \"captured_vector\"}}}"));
        assertSeesNothing(searcher.get("/.hubness-banks/_count"));
        String redirected =
                rescoredSearch(bank, 3, "is", false).replace("\"method\"", "\"index\": \"other-vectors\", \"method\"");
        assertEquals(400, searcher.post("/" + GALLERY + "/_search", redirected).status());
        assertWritesForbidden(searcher, "captured");
        // the manager's rebuild reads them (as the plugin), and DELETE removes them
        JsonNode rebuilt = manager.post(BANKS + "/" + bank + "/_rebuild?wait_for_completion=true", null)
                .ok()
                .json();
        assertEquals(
                3, rebuilt.path("build").path("query_bank_captured_vectors").asInt(), rebuilt.toString());
        manager.delete(BANKS + "/" + bank).ok();
        deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline && (captured = superAdminCapturedCount(bank)) != 0)
            Thread.sleep(200);
        assertEquals(0, captured, "DELETE removed the captured vectors");
    }

    /** The bank's captured vectors in .hubness-banks, counted with the super-admin certificate after a refresh. */
    private long superAdminCapturedCount(String bank) throws Exception {
        superAdmin("POST", "/.hubness-banks/_refresh", null);
        ProcessResult r = curlAsSuperAdmin(
                "POST",
                "/.hubness-banks/_count",
                "{\"query\": {\"bool\": {\"filter\": [{\"term\": {\"bank\": \"" + bank
                        + "\"}}, {\"term\": {\"kind\": \"captured_vector\"}}]}}}");
        assertEquals(200, r.status(), r.body());
        return LocalCluster.JSON.readTree(r.body()).path("count").asLong();
    }

    private long superAdminCount() throws Exception {
        ProcessResult r = curlAsSuperAdmin("GET", "/.hubness-banks/_count", null);
        assertEquals(200, r.status(), r.body());
        return LocalCluster.JSON.readTree(r.body()).path("count").asLong();
    }

    private int superAdmin(String method, String path, String body) throws Exception {
        ProcessResult r = curlAsSuperAdmin(method, path, body);
        assertEquals(2, r.status() / 100, method + " " + path + ": " + r.body());
        return r.status();
    }

    private record ProcessResult(int status, String body) {}

    private ProcessResult curlAsSuperAdmin(String method, String path, String body) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                "curl",
                "-s",
                "-w",
                "\n%{http_code}",
                "--cacert",
                clusterDir.resolve("root-ca.pem").toString(),
                "--cert",
                clusterDir.resolve("admin.pem").toString(),
                "--key",
                clusterDir.resolve("admin-key.pem").toString(),
                "-X",
                method,
                tls.baseUrl() + path));
        if (body != null) cmd.addAll(List.of("-H", "Content-Type: application/json", "-d", body));
        return run(new ProcessBuilder(cmd));
    }

    private ProcessResult run(ProcessBuilder pb) throws Exception {
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "curl failed: " + out);
        int cut = out.lastIndexOf('\n');
        return new ProcessResult(Integer.parseInt(out.substring(cut + 1).trim()), out.substring(0, cut));
    }

    /**
     * Runs a documented command through bash as a reader would paste it: from a project root whose
     * target/local-node/root-ca.pem is the cluster's CA (where {@code scripts/local-node} puts it), with the admin
     * password in OPENSEARCH_INITIAL_ADMIN_PASSWORD. Only the port differs from the page.
     */
    private LocalCluster.Response runAsPasted(SecurityDocExample e) throws Exception {
        Path projectRoot = Files.createTempDirectory("project-root");
        Path ca = projectRoot.resolve(SecurityDocExample.CA_FILE);
        Files.createDirectories(ca.getParent());
        Files.copy(clusterDir.resolve("root-ca.pem"), ca);
        String pasted = e.command().replace("https://localhost:9200", tls.baseUrl());
        String command = "curl -s -w '\\n%{http_code}' " + pasted.substring("curl -s ".length());
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(projectRoot.toFile());
        pb.environment().put("OPENSEARCH_INITIAL_ADMIN_PASSWORD", adminPassword());
        ProcessResult r = run(pb);
        return new LocalCluster.Response(e.toString(), r.status(), r.body());
    }

    private void localNode(String... args) throws IOException, InterruptedException {
        Path project = Path.of(System.getProperty("hubness.project.dir", "."));
        List<String> cmd =
                new ArrayList<>(List.of(project.resolve("scripts/local-node").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("NODE_HOME", clusterDir.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(
                p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0,
                "scripts/local-node " + String.join(" ", args) + ":\n" + out);
    }

    private static String adminPassword() {
        return System.getProperty("hubness.security.admin.password", "Hubness-Local-Dev-7319");
    }

    private static Path docsPage() {
        return Path.of(System.getProperty("hubness.project.dir", ".")).resolve("docs/user-guide.md");
    }
}
