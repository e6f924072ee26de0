package org.opensearch.hubness.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.hubness.bank.CapturedSpec;
import org.opensearch.hubness.testing.TestBreakers;

/** The search path's side of capture: the draw, the copy, the bound and the counters. */
class QueryCaptureTests {

    private static final Map<String, CapturedSpec> SPECS =
            Map.of("all", new CapturedSpec(1, 100, 0), "tenth", new CapturedSpec(0.1, 100, 0));

    @Test
    void aSampledVectorIsCopiedAndABankThatDoesNotCaptureIsIgnored() {
        QueryCapture capture = new QueryCapture(SPECS::get);
        float[] query = {1, 2, 3};
        capture.offer("all", query);
        query[0] = 99; // the search's own array may change after the offer
        capture.offer("other", query);
        List<QueryCapture.Captured> queued = capture.drain(10);
        assertEquals(1, queued.size());
        assertEquals("all", queued.get(0).bank());
        assertArrayEquals(new float[] {1, 2, 3}, queued.get(0).vector());
        assertEquals(new CaptureStats(1, 0, 0, 0, 0), capture.stats());
    }

    @Test
    void theRateIsTheShareOfSearchesDrawn() {
        QueryCapture capture = new QueryCapture(SPECS::get);
        int searches = 20_000;
        for (int i = 0; i < searches; i++) {
            capture.offer("tenth", new float[] {i});
            capture.drain(QueryCapture.QUEUE_CAPACITY);
        }
        long sampled = capture.stats().sampled();
        // binomial(20000, 0.1): mean 2000, sd 42; 6 sd either side fails once in ~10^9 runs
        assertTrue(Math.abs(sampled - 2000) < 6 * 42.5, "sampled " + sampled + " of " + searches);
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfWaiting() {
        QueryCapture capture = new QueryCapture(SPECS::get);
        for (int i = 0; i < QueryCapture.QUEUE_CAPACITY + 5; i++) capture.offer("all", new float[] {i});
        CaptureStats s = capture.stats();
        assertEquals(QueryCapture.QUEUE_CAPACITY + 5, s.sampled());
        assertEquals(5, s.dropped());
        assertEquals(QueryCapture.QUEUE_CAPACITY, s.queued());
        assertEquals(
                QueryCapture.QUEUE_CAPACITY, capture.drain(Integer.MAX_VALUE).size());
    }

    /**
     * The queued copies are held in the hubness breaker: a breaker without room drops the vector (counted) instead of
     * failing the search, and the bytes go back once the flusher is done with a batch.
     */
    @Test
    void queuedCopiesHoldBreakerBytesAndABreakerWithoutRoomDrops() {
        QueryCapture capture = new QueryCapture(SPECS::get);
        long one = new QueryCapture.Captured("all", new float[512]).bytes();
        CircuitBreaker breaker = TestBreakers.hubness(3 * one);
        capture.setBreaker(breaker);
        for (int i = 0; i < 5; i++) capture.offer("all", new float[512]);
        assertEquals(3 * one, breaker.getUsed(), "three copies fit");
        CaptureStats s = capture.stats();
        assertEquals(5, s.sampled());
        assertEquals(2, s.dropped(), "the breaker refused two: dropped, not thrown");
        assertEquals(3, s.queued());
        assertTrue(breaker.getTrippedCount() >= 2, "the refusals are the breaker's own");
        List<QueryCapture.Captured> batch = capture.drain(10);
        assertEquals(3 * one, breaker.getUsed(), "held while the batch is written");
        capture.release(batch);
        assertEquals(0, breaker.getUsed());
    }

    @Test
    void aFullQueueGivesTheRefusedCopysBytesBack() {
        QueryCapture capture = new QueryCapture(SPECS::get);
        CircuitBreaker breaker = TestBreakers.hubness(Long.MAX_VALUE / 2);
        capture.setBreaker(breaker);
        for (int i = 0; i < QueryCapture.QUEUE_CAPACITY + 5; i++) capture.offer("all", new float[] {i});
        long one = new QueryCapture.Captured("all", new float[1]).bytes();
        assertEquals(QueryCapture.QUEUE_CAPACITY * one, breaker.getUsed());
        capture.release(capture.drain(Integer.MAX_VALUE));
        assertEquals(0, breaker.getUsed());
    }

    @Test
    void aFailingLookupNeverReachesTheSearch() {
        QueryCapture capture = new QueryCapture(bank -> {
            throw new IllegalStateException("no cluster state yet");
        });
        capture.offer("all", new float[] {1});
        assertEquals(1, capture.stats().dropped());
    }
}
