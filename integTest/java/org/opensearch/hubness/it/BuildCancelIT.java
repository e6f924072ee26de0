/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.common.SuppressForbidden;

/**
 * Cancelling a build on the real 3-node cluster: a build of a generated gallery slowed down deterministically (one
 * gallery row per pass step, {@code plugins.hubness.build.rows_per_step: 1}) is cancelled once its shard passes are
 * observably running, by {@code POST _tasks/{task}/_cancel} or by a DELETE of the bank. Every shard pass task
 * ({@code build_pass}) ends, every node's request breaker is back where it was before the build, nothing is published
 * (the serving version keeps serving; a first build leaves a failed bank without a version), and a rebuild (or, after
 * a DELETE, a new PUT) succeeds.
 */
@SuppressForbidden(
        reason = "JSON text blocks filled by String#formatted with %s of strings only, which no locale changes")
class BuildCancelIT {

    private static final String GALLERY = "cancel-gallery";
    private static final String BANKS = "/_plugins/_hubness/banks/";
    /** Gallery rows: at one row per step, a pass of many seconds on every node. */
    private static final int ROWS = 24_000;

    private static final LocalCluster cluster = LocalCluster.fromSystemProperties();

    @BeforeAll
    static void indexGallery() {
        SlowGallery.index(cluster, GALLERY, ROWS, 0);
    }

    @AfterAll
    static void dropAll() {
        for (String bank : List.of("cancel-rebuild", "cancel-first", "cancel-delete")) cluster.delete(BANKS + bank);
        cluster.delete("/" + GALLERY);
    }

    @AfterEach
    void fastBuildsAgain() {
        SlowGallery.fastBuilds(cluster);
    }

    private static void slowBuilds() {
        SlowGallery.slowBuilds(cluster);
    }

    private static String bank() {
        return SlowGallery.bank(GALLERY);
    }

    @Test
    void cancellingARebuildStopsEveryShardPassAndTheServingVersionKeepsServing() {
        JsonNode first = cluster.put(BANKS + "cancel-rebuild", bank()).ok().json();
        assertEquals("ready", first.path("state").asText(), first.toString());
        int serving = first.path("version").asInt();
        Map<String, Long> before = requestBreakers();

        slowBuilds();
        JsonNode accepted =
                cluster.post(BANKS + "cancel-rebuild/_rebuild", null).ok().json();
        String task = accepted.path("task").asText();
        awaitPassesRunning(task, "cluster:admin/hubness/bank/rebuild");

        cluster.post("/_tasks/" + task + "/_cancel", null).ok();
        long cancelled = System.currentTimeMillis();
        JsonNode bank = awaitNotBuilding("cancel-rebuild");
        assertStoppedAndReleased(task, before, cancelled);

        assertEquals("failed", bank.path("state").asText(), bank.toString());
        assertEquals("TaskCancelledException", bank.path("failure").path("type").asText(), bank.toString());
        assertTrue(bank.path("failure").path("reason").asText().contains("was cancelled"), bank.toString());
        assertEquals(
                accepted.path("version").asInt(),
                bank.path("failure").path("version").asInt(),
                "the failure is the cancelled version's: " + bank);
        assertEquals(serving, bank.path("version").asInt(), "nothing was published: " + bank);
        assertEquals(serving, bank.path("build").path("version").asInt(), bank.toString());
        for (JsonNode node : bank.path("nodes"))
            assertEquals(serving, node.path("version").asInt(), "every node serves the version before: " + bank);

        fastBuildsAgain();
        JsonNode rebuilt = cluster.post(BANKS + "cancel-rebuild/_rebuild?wait_for_completion=true", null)
                .ok()
                .json();
        assertEquals("ready", rebuilt.path("state").asText(), rebuilt.toString());
        assertTrue(rebuilt.path("version").asInt() > serving, "a rebuild afterwards publishes: " + rebuilt);
        assertEquals(ROWS, rebuilt.path("build").path("gallery_documents").asInt(), rebuilt.toString());
    }

    @Test
    void cancellingAFirstBuildLeavesAFailedBankWithoutAVersionThatARebuildRepairs() {
        Map<String, Long> before = requestBreakers();
        slowBuilds();
        JsonNode accepted = cluster.put(BANKS + "cancel-first?wait_for_completion=false", bank())
                .ok()
                .json();
        String task = accepted.path("task").asText();
        awaitPassesRunning(task, "cluster:admin/hubness/bank/put");

        cluster.post("/_tasks/" + task + "/_cancel", null).ok();
        long cancelled = System.currentTimeMillis();
        JsonNode bank = awaitNotBuilding("cancel-first");
        assertStoppedAndReleased(task, before, cancelled);

        assertEquals("failed", bank.path("state").asText(), bank.toString());
        assertEquals("TaskCancelledException", bank.path("failure").path("type").asText(), bank.toString());
        assertTrue(bank.path("version").isNull(), "no version was published: " + bank);
        for (JsonNode node : bank.path("nodes"))
            assertTrue(node.path("version").isNull(), "no node serves a version: " + bank);

        fastBuildsAgain();
        JsonNode rebuilt = cluster.post(BANKS + "cancel-first/_rebuild?wait_for_completion=true", null)
                .ok()
                .json();
        assertEquals("ready", rebuilt.path("state").asText(), rebuilt.toString());
        assertEquals(ROWS, rebuilt.path("build").path("gallery_documents").asInt(), rebuilt.toString());
    }

    @Test
    void deletingDuringABuildStopsEveryShardPassAndAPutAfterwardsBuilds() {
        Map<String, Long> before = requestBreakers();
        slowBuilds();
        JsonNode accepted = cluster.put(BANKS + "cancel-delete?wait_for_completion=false", bank())
                .ok()
                .json();
        String task = accepted.path("task").asText();
        awaitPassesRunning(task, "cluster:admin/hubness/bank/put");

        assertTrue(cluster.delete(BANKS + "cancel-delete")
                .ok()
                .json()
                .path("acknowledged")
                .asBoolean());
        long deleted = System.currentTimeMillis();
        assertStoppedAndReleased(task, before, deleted);
        assertEquals(404, cluster.get(BANKS + "cancel-delete").status(), "deleted stays deleted");

        fastBuildsAgain();
        JsonNode again = cluster.put(BANKS + "cancel-delete", bank()).ok().json();
        assertEquals("ready", again.path("state").asText(), again.toString());
        assertEquals(1, again.path("version").asInt(), again.toString());
    }

    /** Waits until the build's shard passes observably run: only then is there something to cancel. */
    private static void awaitPassesRunning(String task, String action) {
        Map<String, BuildTasks.Listed> passes = BuildTasks.awaitPassesRunning(cluster, task, action, null);
        System.out.println("BuildCancelIT: running before the cancel: " + passes.keySet());
    }

    /**
     * After the cancel (or DELETE): no shard pass task and no build task is left, every node's request breaker holds
     * at most what it held before the build, and the bank is no longer building.
     */
    private static void assertStoppedAndReleased(String task, Map<String, Long> before, long since) {
        BuildTasks.poll("no shard pass task is left", () -> BuildTasks.tasks(cluster, BuildTasks.PASSES), Map::isEmpty);
        long passesGone = System.currentTimeMillis() - since;
        BuildTasks.poll(
                "the build task " + task + " ended",
                () -> BuildTasks.tasks(cluster, BuildTasks.BUILDS),
                t -> !t.containsKey(task));
        // at most what it held before: a request still running when "before" was read (another test's tail) may
        // have given its bytes back too, but the build's banks (megabytes) must all be returned
        Map<String, Long> after = BuildTasks.poll(
                "every node's request breaker is back",
                BuildCancelIT::requestBreakers,
                now -> now.keySet().equals(before.keySet())
                        && now.entrySet().stream().allMatch(e -> e.getValue() <= before.get(e.getKey())));
        System.out.println(
                "BuildCancelIT: shard passes gone " + passesGone + " ms after the cancel; request breakers " + after);
    }

    private static JsonNode awaitNotBuilding(String bank) {
        return BuildTasks.poll(
                "bank [" + bank + "] is no longer building",
                () -> cluster.get(BANKS + bank).ok().json(),
                b -> !"building".equals(b.path("state").asText()));
    }

    /** Each node's request breaker estimate, by node name. */
    private static Map<String, Long> requestBreakers() {
        Map<String, Long> out = new HashMap<>();
        JsonNode nodes = cluster.get("/_nodes/stats/breaker").ok().json().path("nodes");
        for (Iterator<JsonNode> n = nodes.elements(); n.hasNext(); ) {
            JsonNode node = n.next();
            out.put(
                    node.path("name").asText(),
                    node.path("breakers")
                            .path("request")
                            .path("estimated_size_in_bytes")
                            .asLong());
        }
        assertEquals(3, out.size(), "three nodes: " + out);
        return out;
    }
}
