package org.opensearch.hubness.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.hubness.bank.BankRefusedException;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.bank.state.BankRecord;
import org.opensearch.hubness.bank.state.BankTransitions;
import org.opensearch.hubness.bank.state.BankVersion;
import org.opensearch.hubness.bank.state.BuildTrigger;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.hubness.bank.state.StateFixtures;
import org.opensearch.hubness.bank.storage.VersionDigest;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.Similarity;
import org.opensearch.hubness.testing.TestBanks;
import org.opensearch.hubness.testing.TestBreakers;

/**
 * The node's bank registry against cluster-state records and a real circuit breaker: which versions it keeps, that a
 * re-created bank never mixes with the old one, that a refusal is remembered (the bank is not re-read per search),
 * and that the breaker accounts exactly the versions held.
 */
class BankRegistryTests {

    private static final String DEF =
            "{\"gallery\":{\"index\":\"g\",\"field\":\"v\"},\"query_bank\":{\"index\":\"q\",\"field\":\"v\",\"max_size\":10}}";
    private static final int D = 4;

    private HubnessMetadata state = HubnessMetadata.EMPTY;
    private final Map<String, LoadedBank> stored = new HashMap<>();
    private final AtomicInteger reads = new AtomicInteger();

    private BankRegistry registry() {
        return new BankRegistry(name -> state.bank(name), (name, v) -> {
            reads.incrementAndGet();
            LoadedBank b = stored.get(v.buildId());
            if (b == null)
                throw new BankRefusedException("bank [" + name + "] version " + v.version() + " is not stored");
            if (!VersionDigest.of(b).equals(v.sha256())) throw new BankRefusedException("checksum mismatch");
            return b;
        });
    }

    private static LoadedBank bank(String name, long version, String buildId, int rows) {
        return TestBanks.queryBankOnly(name, version, buildId, rows, D);
    }

    /** Builds and publishes the next version of {@code name}, as the cluster manager would. */
    private BankVersion publish(String name, int rows) {
        BankRecord r = state.bank(name);
        String buildId = name + "-" + (r == null ? 1 : r.lastVersion() + 1) + "-" + System.nanoTime();
        state = r == null
                ? BankTransitions.create(state, name, StateFixtures.stored(name, DEF), buildId, "n", "e", 0)
                : BankTransitions.rebuild(state, name, buildId, "n", "e", 0, Set.of(), BuildTrigger.REBUILD);
        long v = state.bank(name).build().version();
        LoadedBank b = bank(name, v, buildId, rows);
        stored.put(buildId, b);
        BankVersion version =
                new BankVersion(v, buildId, VersionDigest.of(b), D, rows, 0, StateFixtures.report(v, rows));
        state = BankTransitions.publish(state, name, buildId, version);
        return version;
    }

    @Test
    void keepsTheServingAndThePreviousVersionAndDropsOlderOnes() {
        BankRegistry registry = registry();
        registry.load("b", publish("b", 3));
        registry.load("b", publish("b", 3));
        assertEquals(List.of(2L, 1L), registry.versionsOf("b"));
        registry.load("b", publish("b", 3));
        List<Long> dropped = registry.retain("b", state.bank("b").liveBuildIds());
        assertEquals(List.of(3L, 2L), registry.versionsOf("b"));
        assertTrue(dropped.isEmpty(), "version 1 went when version 3 came: " + dropped);
        assertSame(registry.current("b"), registry.version("b", 3));
        assertEquals(2, registry.version("b", 2).version());
        assertNull(registry.version("b", 1), "the cluster state no longer names version 1");
    }

    @Test
    void aBankDeletedAndCreatedAgainNeverServesTheOldLineage() {
        BankRegistry registry = registry();
        registry.load("b", publish("b", 3));
        LoadedBank old = registry.current("b");
        state = BankTransitions.delete(state, "b");
        assertNull(registry.version("b", 1), "a deleted bank has no version");
        registry.load("b", publish("b", 5));
        assertNotSame(old, registry.current("b"));
        assertEquals(5, registry.version("b", 1).queryBankSize(), "version 1 is the new bank's");
        assertEquals(List.of(1L), registry.versionsOf("b"));
    }

    @Test
    void aForgedVersionIsRefusedOnceAndNotReReadPerSearch() {
        BankRegistry registry = registry();
        BankVersion v = publish("b", 3);
        stored.get(v.buildId()).queryBank()[0] = -stored.get(v.buildId()).queryBank()[0];
        OpenSearchStatusException first = assertThrows(OpenSearchStatusException.class, () -> registry.version("b", 1));
        assertEquals(RestStatus.SERVICE_UNAVAILABLE, first.status());
        int readsAfterFirst = reads.get();
        OpenSearchStatusException again = assertThrows(OpenSearchStatusException.class, () -> registry.version("b", 1));
        assertTrue(again.getMessage().contains("checksum"), again.getMessage());
        assertEquals(readsAfterFirst, reads.get(), "a refusal is remembered, not re-read");
        assertEquals("checksum mismatch", registry.refusal("b").reason());
        registry.load("b", publish("b", 3));
        assertNull(registry.refusal("b"), "a new build is tried afresh");
    }

    /** A version whose blobs were missing is read again once they are back (a snapshot restored the bank index). */
    @Test
    void aRefusalForMissingBlobsLiftsWhenTheBlobsAreBack() {
        BankRegistry registry = registry();
        BankVersion v = publish("b", 3);
        LoadedBank blobs = stored.remove(v.buildId());
        assertThrows(OpenSearchStatusException.class, () -> registry.load("b", v));
        int readsAfterRefusal = reads.get();
        assertThrows(OpenSearchStatusException.class, () -> registry.load("b", v));
        assertEquals(readsAfterRefusal, reads.get(), "the refusal stands until the index comes back");
        stored.put(v.buildId(), blobs);
        assertEquals(Set.of("b"), registry.forgetBlobRefusals());
        assertSame(blobs, registry.load("b", v).bank(), "read again, and served");
        assertNull(registry.refusal("b"));
        assertTrue(registry.forgetBlobRefusals().isEmpty(), "nothing left to forget");
    }

    @Test
    void theBreakerAccountsExactlyTheHeldVersionsAndRefusesOnceWithoutReReading() {
        CircuitBreaker breaker = TestBreakers.hubness(10_000);
        BankRegistry registry = registry();
        registry.setBreaker(breaker);
        registry.load("b", publish("b", 10));
        registry.load("b", publish("b", 10));
        assertEquals(registry.ramBytesUsed(), breaker.getUsed());
        registry.load("b", publish("b", 10));
        assertEquals(registry.ramBytesUsed(), breaker.getUsed(), "the version that fell out was released");
        BankVersion big = publish("b", 1000); // 16 KB of vectors: beyond the 10 KB limit
        int before = reads.get();
        OpenSearchStatusException refused =
                assertThrows(OpenSearchStatusException.class, () -> registry.version("b", 4));
        assertEquals(RestStatus.TOO_MANY_REQUESTS, refused.status());
        assertTrue(refused.getMessage().contains("plugins.hubness.breaker.limit"), refused.getMessage());
        assertThrows(OpenSearchStatusException.class, () -> registry.version("b", 4));
        assertEquals(
                before, reads.get(), "refused from the recorded shape, before reading, and not re-read per search");
        assertTrue(registry.standingRefusal("b", big) != null);
        breaker.setLimitAndOverhead(100_000, 1.0); // the operator raises the (dynamic) limit
        assertNull(registry.standingRefusal("b", big), "a refusal for room lifts once the version fits");
        assertEquals(4, registry.version("b", 4).version());
        assertEquals(before + 1, reads.get());
        assertEquals(registry.ramBytesUsed(), breaker.getUsed());
        registry.remove("b");
        assertEquals(0, breaker.getUsed());
    }

    private static CircuitBreaker breaker(long limit) {
        return TestBreakers.hubness(limit);
    }

    /** Issue 19: the bytes are reserved before the read allocates them, and every failed read gives them back. */
    @Test
    void theBreakerIsReservedBeforeTheReadAndReleasedOnEveryFailure() {
        CircuitBreaker breaker = breaker(1_000_000);
        AtomicInteger mode = new AtomicInteger(); // 0 read, 1 refuse (forged), 2 transient failure
        List<Long> usedDuringRead = new java.util.ArrayList<>();
        BankRegistry registry = new BankRegistry(name -> state.bank(name), (name, v) -> {
            usedDuringRead.add(breaker.getUsed());
            if (mode.get() == 1) throw new BankRefusedException("checksum mismatch");
            if (mode.get() == 2) throw new IllegalStateException("[.hubness-banks] not started yet");
            return stored.get(v.buildId());
        });
        registry.setBreaker(breaker);
        BankVersion first = publish("b", 100);
        registry.load("b", first);
        assertEquals(4L * 100 * D + 256, usedDuringRead.get(0), "the recorded shape was reserved before the read ran");
        long held = breaker.getUsed();
        assertEquals(registry.ramBytesUsed(), held, "trued up to the measured size once read");

        mode.set(1);
        BankVersion forged = publish("b", 200);
        assertThrows(OpenSearchStatusException.class, () -> registry.load("b", forged));
        assertEquals(held + 4L * 200 * D + 256, usedDuringRead.get(1));
        assertEquals(held, breaker.getUsed(), "a refused read gave its reservation back");

        mode.set(2);
        BankVersion flaky = publish("b", 300);
        assertThrows(IllegalStateException.class, () -> registry.load("b", flaky));
        assertEquals(held, breaker.getUsed(), "a failed read gave its reservation back");

        mode.set(0);
        registry.load("b", flaky);
        assertEquals(registry.ramBytesUsed(), breaker.getUsed());
        registry.remove("b");
        assertEquals(0, breaker.getUsed(), "a deleted bank gives everything back");
    }

    @Test
    void concurrentLoadsOfOneVersionShareOneRead() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        BankRegistry registry = new BankRegistry(name -> state.bank(name), (name, v) -> {
            reads.incrementAndGet();
            reading.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return stored.get(v.buildId());
        });
        BankVersion v = publish("b", 3);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<BankRegistry.Held>> loads = new ArrayList<>();
            loads.add(pool.submit(() -> registry.load("b", v)));
            reading.await();
            List<Thread> latecomers = new java.util.concurrent.CopyOnWriteArrayList<>();
            for (int i = 0; i < 3; i++)
                loads.add(pool.submit(() -> {
                    latecomers.add(Thread.currentThread());
                    return registry.load("b", v);
                }));
            // proof that the coalescing path is reached: each latecomer is parked waiting for the first read's future
            // (without this the test would pass too if they came only after the read and found the version held)
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (latecomers.size() < 3 || !latecomers.stream().allMatch(BankRegistryTests::waitsForTheRunningRead)) {
                assertTrue(System.nanoTime() < deadline, "the three latecomers wait for the running read");
                Thread.sleep(5);
            }
            assertNull(registry.held("b", 1), "nothing is held while the read runs");
            release.countDown();
            for (Future<BankRegistry.Held> f : loads)
                assertEquals(1, f.get().bank().version());
            assertEquals(1, reads.get(), "one read for four concurrent loads");
        } finally {
            pool.shutdownNow();
        }
    }

    /** Whether t is parked inside BankRegistry's wait for a read another caller started. */
    private static boolean waitsForTheRunningRead(Thread t) {
        if (t.getState() != Thread.State.WAITING) return false;
        for (StackTraceElement f : t.getStackTrace())
            if (f.getClassName().equals(BankRegistry.class.getName())
                    && f.getMethodName().equals("await")) return true;
        return false;
    }

    @Test
    void theDigestCoversVectorsAndActivationSetsButNotTheirOrder() {
        LoadedBank a = withQueryRows(bank("b", 1, "b-1", 3).queryBank(), new LinkedHashSet<>(List.of("d1", "d2")));
        LoadedBank sameSetsOtherOrder = withQueryRows(a.queryBank().clone(), new LinkedHashSet<>(List.of("d2", "d1")));
        assertEquals(VersionDigest.of(a), VersionDigest.of(sameSetsOtherOrder));
        LoadedBank otherSets = withQueryRows(a.queryBank().clone(), Set.of("d2", "d3"));
        assertTrue(!VersionDigest.of(a).equals(VersionDigest.of(otherSets)));
        float[] flipped = a.queryBank().clone();
        flipped[5] = Math.nextUp(flipped[5]);
        assertTrue(!VersionDigest.of(a).equals(VersionDigest.of(withQueryRows(flipped, Set.of("d1", "d2")))));
    }

    /** Bank [b] version 1 with three given query rows and query activation set: what the digest test varies. */
    private static LoadedBank withQueryRows(float[] queryRows, Set<String> queryActivation) {
        return new LoadedBank(
                "b",
                1,
                "b-1",
                "g",
                "v",
                D,
                Similarity.COSINE,
                NormParams.defaults(),
                queryRows,
                3,
                null,
                0,
                queryActivation,
                Set.of(),
                null,
                null);
    }
}
