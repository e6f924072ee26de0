/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A build's tasks as {@code _tasks} lists them, for the fault ITs that must act while a build is observably running
 * (cancel it, stop one of its nodes) instead of racing it: the build's task, and its shard pass tasks
 * ({@code build_pass[n]}, one per node holding gallery shard copies, children of the build's task).
 */
final class BuildTasks {

    static final String PASSES = "/_tasks?actions=cluster:admin/hubness/internal/bank/build_pass*&detailed=true";
    static final String BUILDS = "/_tasks?actions=cluster:admin/hubness/bank/*&detailed=true";
    /** How long the cluster may take to do what a poll waits for: a bound for the polls, not a measurement. */
    static final long BOUND_MILLIS = 30_000;

    private BuildTasks() {}

    /** One listed task with the name of the node that runs it. */
    record Listed(String node, JsonNode task) {}

    /** Every listed task by its id ("nodeId:id"), with its node's name. */
    static Map<String, Listed> tasks(LocalCluster cluster, String path) {
        Map<String, Listed> out = new HashMap<>();
        JsonNode nodes = cluster.get(path).ok().json().path("nodes");
        for (Iterator<JsonNode> n = nodes.elements(); n.hasNext(); ) {
            JsonNode node = n.next();
            for (Iterator<Map.Entry<String, JsonNode>> t = node.path("tasks").fields(); t.hasNext(); ) {
                Map.Entry<String, JsonNode> e = t.next();
                out.put(e.getKey(), new Listed(node.path("name").asText(), e.getValue()));
            }
        }
        return out;
    }

    /**
     * Waits until the build's task is listed as cancellable, with the action, and shard pass tasks run as its children
     * on the nodes holding gallery shards (on {@code onNode} when it is not null): only then is there a pass to cancel
     * or a node to take away from it. Returns the running passes.
     */
    static Map<String, Listed> awaitPassesRunning(LocalCluster cluster, String task, String action, String onNode) {
        Listed build = poll(
                "the build task " + task + " is listed",
                () -> tasks(cluster, BUILDS).get(task),
                t -> t != null);
        assertEquals(action, build.task().path("action").asText(), build.toString());
        assertTrue(build.task().path("cancellable").asBoolean(), "a build's task is cancellable: " + build);
        Map<String, Listed> passes = poll(
                "shard pass tasks of " + task + " run" + (onNode == null ? "" : " on " + onNode),
                () -> tasks(cluster, PASSES),
                p -> p.values().stream()
                        .anyMatch(t -> t.task().path("action").asText().endsWith("[n]")
                                && task.equals(t.task().path("parent_task_id").asText())
                                && (onNode == null || onNode.equals(t.node()))));
        for (Listed pass : passes.values())
            assertTrue(pass.task().path("cancellable").asBoolean(), "a shard pass is cancellable: " + pass);
        return passes;
    }

    /** Asks {@code read} until {@code done} holds, at most {@link #BOUND_MILLIS}; fails naming what never happened. */
    static <T> T poll(String what, Supplier<T> read, Predicate<T> done) {
        long deadline = System.currentTimeMillis() + BOUND_MILLIS;
        List<T> last = new ArrayList<>(1);
        while (true) {
            T value = read.get();
            if (done.test(value)) return value;
            last.clear();
            last.add(value);
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError(what + ": not within " + BOUND_MILLIS + " ms; last seen " + last);
            }
            pause();
        }
    }

    /** The pause between two polls of an observable outcome; it decides nothing. */
    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
