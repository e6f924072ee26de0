package org.opensearch.hubness.capture;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.hubness.bank.CapturedSpec;
import org.opensearch.hubness.bank.storage.CapturedVectors;

/**
 * Writes what {@link QueryCapture} queued, on the capture pool every {@link #INTERVAL_MILLIS}: per bank one bulk of
 * vectors plus its tally, then the trim to the bank's {@code max_size}, then the tallies older than the serving version
 * are pruned. A failed write is counted, logged and given up (capture is a sample: a lost batch biases nothing).
 */
public final class CaptureFlusher implements Runnable {

    private static final Logger LOG = LogManager.getLogger(CaptureFlusher.class);
    public static final long INTERVAL_MILLIS = 1000;
    /** Vectors per bulk: about 1 MB of base64 at 512 dimensions. */
    static final int BATCH = 500;

    private final QueryCapture capture;
    private final CapturedVectors store;
    /** When a bank's serving version was built (tallies before it are no longer counted), or -1. */
    private final ToLongFunction<String> servingBuiltAt;
    /** Cleans a bank's storage again when it stopped capturing while its vectors were written. */
    private final Consumer<String> cleanUp;

    public CaptureFlusher(
            QueryCapture capture,
            CapturedVectors store,
            ToLongFunction<String> servingBuiltAt,
            Consumer<String> cleanUp) {
        this.capture = capture;
        this.store = store;
        this.servingBuiltAt = servingBuiltAt;
        this.cleanUp = cleanUp;
    }

    @Override
    public void run() {
        List<QueryCapture.Captured> batch;
        while (!(batch = capture.drain(BATCH)).isEmpty()) {
            try {
                Map<String, List<float[]>> byBank = new LinkedHashMap<>();
                for (QueryCapture.Captured c : batch)
                    byBank.computeIfAbsent(c.bank(), b -> new ArrayList<>()).add(c.vector());
                byBank.forEach(this::flush);
            } finally {
                capture.release(batch);
            }
        }
    }

    private void flush(String bank, List<float[]> vectors) {
        CapturedSpec spec = capture.spec(bank);
        if (spec == null) {
            capture.dropped(vectors.size()); // deleted, or redefined without capture, since the search
            return;
        }
        try {
            store.write(bank, vectors, System.currentTimeMillis());
            capture.written(vectors.size());
        } catch (RuntimeException e) {
            capture.failed(vectors.size());
            LOG.warn(() -> "could not write " + vectors.size() + " captured vectors of bank [" + bank + "]", e);
            return;
        }
        try {
            store.trim(bank, spec.maxSize());
            long built = servingBuiltAt.applyAsLong(bank);
            if (built > 0) store.pruneTallies(bank, built);
            if (capture.spec(bank) == null) cleanUp.accept(bank); // deleted while written: the janitor removes them
        } catch (RuntimeException e) {
            LOG.warn(() -> "could not trim the captured vectors of bank [" + bank + "]; the next batch retries", e);
        }
    }
}
