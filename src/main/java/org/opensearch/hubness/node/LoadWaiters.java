/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.node;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiPredicate;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.action.ActionListener;
import org.opensearch.threadpool.Scheduler;
import org.opensearch.threadpool.ThreadPool;

/**
 * Callers waiting until this node has settled on one build of a bank: it holds that version, refused it, or no longer
 * needs it (deleted or overtaken). Nobody blocks: a waiter is a listener, completed by {@link #recheck} (which the
 * node's {@link BankSync} calls after every load and every applied cluster state) or by its timeout, whichever comes
 * first, exactly once. The listener learns only whether it settled; the caller reads the node's view itself.
 */
public final class LoadWaiters {

    private static final class Waiter {
        final String bank;
        final String buildId;
        private final ActionListener<Boolean> listener;
        private final AtomicBoolean done = new AtomicBoolean();
        private volatile Scheduler.ScheduledCancellable timer;

        Waiter(String bank, String buildId, ActionListener<Boolean> listener) {
            this.bank = bank;
            this.buildId = buildId;
            this.listener = listener;
        }

        /** Completes the listener unless a timeout or a recheck did first. */
        void complete(boolean settled) {
            if (!done.compareAndSet(false, true)) return;
            Scheduler.ScheduledCancellable t = timer;
            if (t != null && settled) t.cancel();
            listener.onResponse(settled);
        }
    }

    private final ThreadPool threadPool;
    /** Whether the node has settled on a bank's build (held, refused, or gone). */
    private final BiPredicate<String, String> settled;

    private final Set<Waiter> waiting = ConcurrentHashMap.newKeySet();

    public LoadWaiters(ThreadPool threadPool, BiPredicate<String, String> settled) {
        this.threadPool = threadPool;
        this.settled = settled;
    }

    /**
     * Answers {@code true} once the node has settled on the build, or {@code false} when the timeout passes first; at
     * once when it has settled already.
     */
    public void await(String bank, String buildId, TimeValue timeout, ActionListener<Boolean> listener) {
        Waiter w = new Waiter(bank, buildId, listener);
        waiting.add(w);
        // registered before the check: a load that ends between the two rechecks this waiter, never misses it
        if (settled.test(bank, buildId)) {
            waiting.remove(w);
            w.complete(true);
            return;
        }
        w.timer = threadPool.schedule(
                () -> {
                    waiting.remove(w);
                    w.complete(false);
                },
                timeout,
                ThreadPool.Names.GENERIC);
        if (w.done.get()) w.timer.cancel(); // settled while the timer was being scheduled
    }

    /** Completes every waiter whose build has settled; called whenever a load ended or the cluster state changed. */
    public void recheck() {
        for (Waiter w : waiting) {
            if (settled.test(w.bank, w.buildId) && waiting.remove(w)) w.complete(true);
        }
    }

    /** How many callers wait (for tests and stats). */
    public int size() {
        return waiting.size();
    }
}
