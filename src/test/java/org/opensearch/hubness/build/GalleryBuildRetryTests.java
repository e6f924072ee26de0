/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.Version;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.metadata.Metadata;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.settings.Settings;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.support.DefaultShardOperationFailedException;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.tasks.TaskId;
import org.opensearch.node.NodeClosedException;
import org.opensearch.test.ClusterServiceUtils;
import org.opensearch.threadpool.TestThreadPool;
import org.opensearch.threadpool.ThreadPool;

/**
 * The build's shard retry, on a real thread pool and cluster service: a shard no copy answered is asked again twice
 * (after 2 s and 4 s, on the build pool), and after the third attempt the build fails with the documented 503 naming
 * the shard, its index and what to do; a shard that answers on a later attempt completes the fan-out. The fan-out's
 * answers are given here (a copy that closed, as when its node stops): an IT cannot keep a shard without a copy past
 * the build's source count, which fails first (ShardBuildIT).
 */
class GalleryBuildRetryTests {

    private static final String INDEX = "gallery";

    private final ThreadPool threadPool = new TestThreadPool("retry-test", BuildPool.executor(Settings.EMPTY));
    private final ClusterService clusterService = ClusterServiceUtils.createClusterService(threadPool);

    @AfterEach
    void stop() {
        clusterService.close();
        ThreadPool.terminate(threadPool, 10, TimeUnit.SECONDS);
    }

    /** A gallery of two shards in the cluster state, and a build whose checkpoint never throws. */
    private GalleryBuild build() {
        IndexMetadata index = IndexMetadata.builder(INDEX)
                .settings(Settings.builder().put(IndexMetadata.SETTING_VERSION_CREATED, Version.CURRENT))
                .numberOfShards(2)
                .numberOfReplicas(0)
                .build();
        ClusterState state = clusterService.state();
        ClusterServiceUtils.setState(
                clusterService,
                ClusterState.builder(state)
                        .metadata(Metadata.builder(state.metadata()).put(index, false)));
        return new GalleryBuild(
                null, null, clusterService, threadPool, null, null, null, null, TaskId.EMPTY_TASK_ID, () -> {});
    }

    /** Shard 0 answers at once; shard 1's copy is closed until {@code answersFrom} (never when 0). */
    private BuildCalls.ShardAnswers<String> answers(Set<Integer> asked, int attempt, int answersFrom) {
        List<String> results = new ArrayList<>();
        List<DefaultShardOperationFailedException> failures = new ArrayList<>();
        for (int shard : asked) {
            if (shard == 0 || (answersFrom > 0 && attempt >= answersFrom)) results.add("shard-" + shard);
            else
                failures.add(new DefaultShardOperationFailedException(
                        INDEX, shard, new NodeClosedException(clusterService.localNode())));
        }
        return new BuildCalls.ShardAnswers<>() {
            @Override
            public List<String> results() {
                return results;
            }

            @Override
            public DefaultShardOperationFailedException[] getShardFailures() {
                return failures.toArray(new DefaultShardOperationFailedException[0]);
            }
        };
    }

    /** Runs the fan-out; answers what it completed with, and records which shards each attempt asked. */
    private CompletableFuture<Map<Integer, String>> fanOut(List<Set<Integer>> asked, int answersFrom) {
        CompletableFuture<Map<Integer, String>> outcome = new CompletableFuture<>();
        build().<String, String>onEveryShard(
                        INDEX,
                        "gallery pass",
                        (shards, answered) -> {
                            asked.add(Set.copyOf(shards));
                            answered.onResponse(answers(shards, asked.size(), answersFrom));
                        },
                        results -> {
                            Map<Integer, String> byShard = new HashMap<>();
                            for (String r : results) byShard.put(Integer.parseInt(r.substring(6)), r);
                            return byShard;
                        },
                        ActionListener.wrap(outcome::complete, outcome::completeExceptionally));
        return outcome;
    }

    @Test
    void aShardThatNeverAnswersFailsTheBuildAfterThreeAttemptsWithTheDocumented503() throws Exception {
        List<Set<Integer>> asked = new CopyOnWriteArrayList<>();
        CompletableFuture<Map<Integer, String>> outcome = fanOut(asked, 0);
        Throwable failure = assertThrowsCause(outcome);
        OpenSearchStatusException e = assertInstanceOf(OpenSearchStatusException.class, failure);
        assertEquals(RestStatus.SERVICE_UNAVAILABLE, e.status());
        assertEquals(
                List.of(Set.of(0, 1), Set.of(1), Set.of(1)), asked, "every shard first, then only the missing one");
        String message = e.getMessage();
        assertEquals(
                "shards [1] of [gallery] gave no gallery pass result ([1] " + failureReason() + ") after 3 attempts;"
                        + " rebuild once the index's shards are started",
                message);
    }

    @Test
    void aShardThatAnswersOnTheThirdAttemptCompletesTheFanOut() throws Exception {
        List<Set<Integer>> asked = new CopyOnWriteArrayList<>();
        Map<Integer, String> done = fanOut(asked, 3).get(30, TimeUnit.SECONDS);
        assertEquals(Map.of(0, "shard-0", 1, "shard-1"), done);
        assertEquals(List.of(Set.of(0, 1), Set.of(1), Set.of(1)), asked);
    }

    /** The reason a failed copy gives, as the fan-out's failure renders it. */
    private String failureReason() {
        return new DefaultShardOperationFailedException(INDEX, 1, new NodeClosedException(clusterService.localNode()))
                .reason();
    }

    private static Throwable assertThrowsCause(CompletableFuture<?> outcome) throws Exception {
        try {
            outcome.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the fan-out completed although shard 1 never answered");
    }
}
