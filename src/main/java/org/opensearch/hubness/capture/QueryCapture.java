package org.opensearch.hubness.capture;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.opensearch.hubness.bank.CapturedSpec;

/**
 * The search path's side of capture, one per node: a search that uses a bank whose definition captures contributes
 * its query vector with probability {@code rate} — a random draw and an array copy into a bounded queue, nothing
 * else. A full queue drops the vector (counted); the {@link CaptureFlusher} writes the queue out in the background.
 * Never throws into a search.
 */
public final class QueryCapture {

    /** Vectors waiting for the flusher: at 512 floats about 8 MB when full. */
    public static final int QUEUE_CAPACITY = 4096;

    /** A captured query vector of one bank. */
    record Captured(String bank, float[] vector) {}

    private final Function<String, CapturedSpec> specs;
    private final ArrayBlockingQueue<Captured> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final LongAdder sampled = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final LongAdder writeFailures = new LongAdder();

    /** {@code specs}: a bank's capture settings from the cluster state, null when it does not capture. */
    public QueryCapture(Function<String, CapturedSpec> specs) {
        this.specs = specs;
    }

    /** Called once per search request, on the coordinating node, when the search pinned the bank. */
    public void offer(String bank, float[] query) {
        try {
            CapturedSpec spec = specs.apply(bank);
            if (spec == null) return;
            if (spec.rate() < 1 && ThreadLocalRandom.current().nextDouble() >= spec.rate()) return;
            sampled.increment();
            if (!queue.offer(new Captured(bank, query.clone()))) dropped.increment();
        } catch (RuntimeException e) {
            dropped.increment(); // capture never fails a search
        }
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
