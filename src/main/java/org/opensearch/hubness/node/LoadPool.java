/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.node;

import org.opensearch.common.settings.Settings;
import org.opensearch.hubness.settings.HubnessSettings;
import org.opensearch.threadpool.FixedExecutorBuilder;

/** Loads bank versions a node lacks, in the background (searches never read the bank index). */
public final class LoadPool {

    public static final String NAME = "hubness_bank_load";

    private LoadPool() {}

    public static FixedExecutorBuilder executor(Settings settings) {
        HubnessSettings.checkPoolQueueSize(settings, "plugins.hubness.thread_pool.load", 1000);
        return new FixedExecutorBuilder(settings, NAME, 1, 1000, "plugins.hubness.thread_pool.load");
    }
}
