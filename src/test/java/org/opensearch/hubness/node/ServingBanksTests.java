/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.hubness.bank.BankRefusedException;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.bank.state.BankFailure;
import org.opensearch.hubness.bank.state.BankTransitions;
import org.opensearch.hubness.bank.state.BankVersion;

/**
 * Which version a search finds on a node ({@link ServingBanks}), on the real cluster service, thread pool, registry and
 * {@link BankSync}: the held serving version; never a version the node refused; the previous version while the switch
 * is under way; a retryable 503 (with the cause of a transient failure) while it loads; a 503 before the node knows the
 * cluster state; a 409 for a bank whose only build failed; nothing for an unknown bank.
 */
class ServingBanksTests {

    private final NodeUnderTest node = new NodeUnderTest();

    @AfterEach
    void close() {
        node.close();
    }

    private OpenSearchStatusException refusedCurrent(String bank) {
        return assertThrows(OpenSearchStatusException.class, () -> node.serving.current(bank));
    }

    @Test
    void anUnknownBankIsNullAndAHeldVersionServes() {
        assertNull(node.serving.current("nope"));
        BankVersion v1 = node.build("b", 3, stored -> stored);
        assertTrue(node.settled("b", v1.buildId()));
        LoadedBank held = node.serving.current("b");
        assertEquals(1, held.version());
        assertSame(held, node.serving.version("b", 1), "a search pinned to version 1 finds the same bank");
        assertNull(node.serving.version("b", 7), "a version the state does not name is gone, not loading");
    }

    @Test
    void aFirstVersionStillBuildingIsARetryable503AndAFailedOneA409() {
        String buildId = node.startBuild("b");
        OpenSearchStatusException building = refusedCurrent("b");
        assertEquals(RestStatus.SERVICE_UNAVAILABLE, building.status());
        assertTrue(building.getMessage().contains("building its first version"), building.getMessage());
        node.apply(BankTransitions.fail(
                node.banks(), "b", buildId, new BankFailure(1, "IllegalStateException", "boom", 0)));
        OpenSearchStatusException failed = refusedCurrent("b");
        assertEquals(RestStatus.CONFLICT, failed.status());
        assertTrue(failed.getMessage().contains("boom"), failed.getMessage());
    }

    @Test
    void aNodeThatHasNotRecoveredTheStateAnswersARetryable503() {
        node.blockStateRecovery();
        OpenSearchStatusException e = refusedCurrent("b");
        assertEquals(RestStatus.SERVICE_UNAVAILABLE, e.status());
        assertTrue(e.getMessage().contains("has not recovered the cluster state"), e.getMessage());
    }

    @Test
    void aVersionStillLoadingIsARetryable503ThatNamesTheNode() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        BankVersion v1 = node.build("b", 3, stored -> {
            await(release);
            return stored;
        });
        OpenSearchStatusException loading = refusedCurrent("b");
        assertEquals(RestStatus.SERVICE_UNAVAILABLE, loading.status());
        assertTrue(
                loading.getMessage()
                        .contains("still being loaded on node ["
                                + node.clusterService.localNode().getName() + "]"),
                loading.getMessage());
        release.countDown();
        assertTrue(node.settled("b", v1.buildId()));
        assertEquals(1, node.serving.current("b").version());
        assertEquals(1, node.reads.get(), "the searches that met the load started no read of their own");
    }

    @Test
    void aRefusedVersionAnswersTheRefusalAndNeverThePreviousVersion() {
        BankVersion v1 = node.build("b", 3, stored -> stored);
        assertTrue(node.settled("b", v1.buildId()));
        BankVersion v2 = node.build("b", 3, stored -> {
            throw new BankRefusedException("bank [b] version 2 fails its checksum");
        });
        assertTrue(node.settled("b", v2.buildId()));
        OpenSearchStatusException refused = refusedCurrent("b");
        assertEquals(RestStatus.SERVICE_UNAVAILABLE, refused.status());
        assertTrue(refused.getMessage().contains("refused bank [b] version 2"), refused.getMessage());
        assertTrue(refused.getMessage().contains("checksum"), refused.getMessage());
        assertEquals(1, node.serving.version("b", 1).version(), "a search pinned to version 1 still finds it");
    }

    @Test
    void aBreakerRefusalIsA429() {
        node.registry.setBreaker(NodeUnderTest.breaker(100));
        BankVersion v1 = node.build("b", 50, stored -> stored);
        assertTrue(node.settled("b", v1.buildId()));
        OpenSearchStatusException refused = refusedCurrent("b");
        assertEquals(RestStatus.TOO_MANY_REQUESTS, refused.status());
        assertTrue(refused.getMessage().contains("plugins.hubness.breaker.limit"), refused.getMessage());
    }

    @Test
    void whileTheNodeLoadsTheNewVersionThePreviousOneServes() throws Exception {
        BankVersion v1 = node.build("b", 3, stored -> stored);
        assertTrue(node.settled("b", v1.buildId()));
        CountDownLatch release = new CountDownLatch(1);
        BankVersion v2 = node.build("b", 4, stored -> {
            await(release);
            return stored;
        });
        assertEquals(1, node.serving.current("b").version(), "the switch is under way: version 1 is a valid pin");
        release.countDown();
        assertTrue(node.settled("b", v2.buildId()));
        assertEquals(2, node.serving.current("b").version());
    }

    @Test
    void aDeletedBankIsUnknownAtOnce() {
        BankVersion v1 = node.build("b", 3, stored -> stored);
        assertTrue(node.settled("b", v1.buildId()));
        node.apply(BankTransitions.delete(node.banks(), "b"));
        assertNull(node.serving.current("b"));
        assertNull(node.serving.version("b", 1));
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) throw new IllegalStateException("the test never released the read");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
