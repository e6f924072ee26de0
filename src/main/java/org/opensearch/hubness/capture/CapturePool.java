package org.opensearch.hubness.capture;

import org.opensearch.common.settings.Settings;
import org.opensearch.threadpool.FixedExecutorBuilder;

/** The one thread that writes captured query vectors out, never a search thread. */
public final class CapturePool {

    public static final String NAME = "hubness_capture";

    private CapturePool() {}

    /** One thread; the scheduler queues at most one flush behind the running one. */
    public static FixedExecutorBuilder executor(Settings settings) {
        return new FixedExecutorBuilder(settings, NAME, 1, 10, "plugins.hubness.thread_pool.capture");
    }
}
