package org.opensearch.hubness.testing;

import java.lang.management.ManagementFactory;
import org.opensearch.common.SuppressForbidden;

/**
 * The bytes the calling thread allocates per operation, from the JVM's per-thread allocation counter: deterministic
 * for a given code path once the JIT has compiled it. Tests take the best of several rounds so that rounds run before
 * the compilation (the interpreter allocates what compiled code keeps in registers) do not count.
 */
public final class ThreadAllocation {

    /** One operation of a round; {@code i} counts on across rounds. */
    @FunctionalInterface
    public interface Operation {
        void run(int i) throws Exception;
    }

    private ThreadAllocation() {}

    /**
     * Runs rounds of {@code perRound} operations until one allocates at most {@code enough} bytes per operation or
     * {@code maxRounds} ran, and returns the fewest bytes per operation of a round. Skips loudly on a JVM that
     * cannot count a thread's allocations.
     */
    @SuppressForbidden(reason = "the thread's allocation counter (com.sun.management) is what the caller measures")
    public static long bestPerOperation(int perRound, int maxRounds, long enough, Operation op) throws Exception {
        boolean supported = ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx
                && mx.isThreadAllocatedMemorySupported();
        LoudSkip.unless(supported, "this JVM cannot count a thread's allocated bytes");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        if (!mx.isThreadAllocatedMemoryEnabled()) mx.setThreadAllocatedMemoryEnabled(true);
        long thread = Thread.currentThread().threadId();
        long best = Long.MAX_VALUE;
        int i = 0;
        for (int round = 0; round < maxRounds && best > enough; round++) {
            long before = mx.getThreadAllocatedBytes(thread);
            for (int k = 0; k < perRound; k++) op.run(i++);
            best = Math.min(best, (mx.getThreadAllocatedBytes(thread) - before) / perRound);
        }
        return best;
    }
}
