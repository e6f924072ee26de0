package org.opensearch.hubness.capture;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.apache.lucene.util.RamUsageEstimator;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.hubness.bank.CapturedSpec;

/**
 * The search path's side of capture, one per node: a search that uses a bank whose definition captures contributes
 * its query vector with probability {@code rate} — a random draw and an array copy into a bounded queue, nothing
 * else. A full queue, or a {@code hubness} breaker without room for the copy, drops the vector (counted); the {@link
 * CaptureFlusher} writes the queue out in the background and gives the copies' bytes back. Never throws into a search.
 */
public final class QueryCapture {

    /** Vectors waiting for the flusher: at 512 floats about 8 MB when full. */
    public static final int QUEUE_CAPACITY = 4096;

    /** A captured query vector of one bank. */
    record Captured(String bank, float[] vector) {

        private static final long SHALLOW = RamUsageEstimator.shallowSizeOfInstance(Captured.class);

        /** What the copy holds in the {@code hubness} breaker while it waits and is written. */
        long bytes() {
            return SHALLOW + RamUsageEstimator.sizeOf(vector);
        }
    }

    private final Function<String, CapturedSpec> specs;
    private final ArrayBlockingQueue<Captured> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final LongAdder sampled = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final LongAdder writeFailures = new LongAdder();
    private volatile CircuitBreaker breaker;

    /** {@code specs}: a bank's capture settings from the cluster state, null when it does not capture. */
    public QueryCapture(Function<String, CapturedSpec> specs) {
        this.specs = specs;
    }

    /** The node's {@code hubness} breaker, which holds the queued copies (at 4 096 × d 16 000 floats, 256 MB). */
    public void setBreaker(CircuitBreaker breaker) {
        this.breaker = breaker;
    }

    /** Called once per search request, on the coordinating node, when the search pinned the bank. */
    public void offer(String bank, float[] query) {
        try {
            CapturedSpec spec = specs.apply(bank);
            if (spec == null) return;
            if (spec.rate() < 1 && ThreadLocalRandom.current().nextDouble() >= spec.rate()) return;
            sampled.increment();
            Captured c = new Captured(bank, query.clone());
            CircuitBreaker b = breaker;
            if (b != null) b.addEstimateBytesAndMaybeBreak(c.bytes(), "hubness query capture");
            if (!queue.offer(c)) {
                dropped.increment();
                if (b != null) b.addWithoutBreaking(-c.bytes());
            }
        } catch (RuntimeException e) {
            dropped.increment(); // capture never fails a search; a breaker without room lands here too
        }
    }

    /**
     * Gives back the breaker bytes of vectors {@link #drain} took, once they are written, failed or dropped. The
     * breaker in force when they were queued is the node's only one, so releasing through the current one is exact.
     */
    void release(List<Captured> batch) {
        CircuitBreaker b = breaker;
        if (b == null) return;
        long bytes = 0;
        for (Captured c : batch) bytes += c.bytes();
        b.addWithoutBreaking(-bytes);
    }

    /** Takes up to {@code max} queued vectors. */
    List<Captured> drain(int max) {
        List<Captured> out = new ArrayList<>(Math.min(max, queue.size()));
        queue.drainTo(out, max);
        return out;
    }

    CapturedSpec spec(String bank) {
        return specs.apply(bank);
    }

    void written(int n) {
        written.add(n);
    }

    void failed(int n) {
        writeFailures.add(n);
    }

    void dropped(int n) {
        dropped.add(n);
    }

    /** This node's counters: vectors sampled, dropped (queue full, or the bank stopped capturing), written, failed. */
    public CaptureStats stats() {
        return new CaptureStats(sampled.sum(), dropped.sum(), written.sum(), writeFailures.sum(), queue.size());
    }
}
