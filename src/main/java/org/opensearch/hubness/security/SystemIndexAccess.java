package org.opensearch.hubness.security;

import java.util.function.Consumer;
import java.util.function.Supplier;
import org.opensearch.action.support.ContextPreservingActionListener;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.action.ActionListener;
import org.opensearch.threadpool.ThreadPool;

/**
 * The one place where the plugin acts as itself rather than as the user whose request it serves: it stashes the thread
 * context, so the request carries no user. The security plugin lets such node-local requests reach the plugin's own
 * system index ({@code .hubness-banks}), which it hides from every user role, even all_access, and run the plugin's
 * internal actions ({@code cluster:admin/hubness/internal/*}), which no role needs; without the security plugin the
 * stash changes nothing. Used for bank storage and the internal node-to-node calls a PUT, _rebuild or GET makes; a
 * build's fan-out over the gallery and bank source shards runs so only after {@link SourceVisibility} found, with the
 * caller's own requests, that the caller sees every document of those sources, so a build reads no more than its caller may.
 */
public final class SystemIndexAccess {

    /**
     * Marks the plugin's own stashed context for {@link BankStorageGuard}. A header, not a transient, because it must
     * survive the hop to the cluster manager (create index) and to other nodes; a REST caller cannot set it, since
     * OpenSearch copies into the thread context only the REST headers a plugin declares, and this plugin declares none.
     */
    static final String PLUGIN_HEADER = "_hubness_bank_storage";

    private final ThreadPool threadPool;

    public SystemIndexAccess(ThreadPool threadPool) {
        this.threadPool = threadPool;
    }

    /** Runs {@code action} as the plugin; blocking calls only (a listener would run outside the stashed context). */
    public <T> T call(Supplier<T> action) {
        ThreadContext context = threadPool.getThreadContext();
        try (ThreadContext.StoredContext ignored = context.stashContext()) {
            context.putHeader(PLUGIN_HEADER, "true");
            return action.get();
        }
    }

    /** Starts an asynchronous call as the plugin; {@code listener} runs in the caller's context again. */
    public <T> void callAsync(Consumer<ActionListener<T>> action, ActionListener<T> listener) {
        ThreadContext context = threadPool.getThreadContext();
        ActionListener<T> restoring =
                new ContextPreservingActionListener<>(context.newRestorableContext(false), listener);
        try (ThreadContext.StoredContext ignored = context.stashContext()) {
            context.putHeader(PLUGIN_HEADER, "true");
            action.accept(restoring);
        }
    }

    /** Whether the current context is the plugin acting as itself (set above, also on the nodes it sent to). */
    static boolean isPlugin(ThreadContext context) {
        return "true".equals(context.getHeader(PLUGIN_HEADER));
    }
}
