/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.build;

import org.opensearch.common.settings.Settings;
import org.opensearch.common.util.concurrent.OpenSearchExecutors;
import org.opensearch.hubness.settings.HubnessSettings;
import org.opensearch.threadpool.FixedExecutorBuilder;

/**
 * A bank build runs here (every core by default), never on search, transport or generic threads: the coordinator's
 * steps between two answers, a shard pass's chunk reads and its steps. Nothing here waits for another task of the pool.
 */
public final class BuildPool {

    public static final String NAME = "hubness_build";

    private BuildPool() {}

    /** A build queues a few steps per shard copy at a time ({@link ShardPass}), so a bounded queue never rejects one. */
    public static FixedExecutorBuilder executor(Settings settings) {
        HubnessSettings.checkPoolQueueSize(settings, "plugins.hubness.thread_pool.build", 1000);
        return new FixedExecutorBuilder(
                settings,
                NAME,
                OpenSearchExecutors.allocatedProcessors(settings),
                1000,
                "plugins.hubness.thread_pool.build");
    }
}
