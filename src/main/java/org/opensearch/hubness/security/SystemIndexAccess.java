package org.opensearch.hubness.security;

import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.threadpool.ThreadPool;

import java.util.function.Supplier;

/**
 * The one place where the plugin acts as itself rather than as the user whose request it serves: it stashes the thread
 * context, so the request carries no user. The security plugin lets such node-local requests reach the plugin's own
 * system index ({@code .hubness-banks}), which it hides from every user role, even all_access; without the security
 * plugin the stash changes nothing. Used for bank storage and for the plugin's internal node-to-node bank sync, never
 * for reading user indices (a build reads the gallery and the bank sources with the caller's own permissions).
 */
public final class SystemIndexAccess {

    private final ThreadPool threadPool;

    public SystemIndexAccess(ThreadPool threadPool) {
        this.threadPool = threadPool;
    }

    /** Acts as the plugin until the returned context is closed (use it in try-with-resources, around blocking calls). */
    public ThreadContext.StoredContext asPluginContext() {
        return threadPool.getThreadContext().stashContext();
    }

    /** Runs {@code action} as the plugin; blocking calls only (a listener would run outside the stashed context). */
    public <T> T call(Supplier<T> action) {
        try (ThreadContext.StoredContext ignored = asPluginContext()) {
            return action.get();
        }
    }

    public void run(Runnable action) {
        call(() -> {
            action.run();
            return null;
        });
    }
}
