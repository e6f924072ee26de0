/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.opensearch.action.NoShardAvailableActionException;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.index.shard.ShardId;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.hubness.bank.BankRefusedException;
import org.opensearch.hubness.bank.state.BankTransitions;
import org.opensearch.hubness.bank.state.BankVersion;
import org.opensearch.transport.RemoteTransportException;

/**
 * A node's {@link BankSync} on a real cluster service and thread pool: it loads what the applied cluster state
 * serves (pulled, never pushed), tells waiters when it holds or refused a build, retries a transient failure and shows
 * its cause meanwhile, drops what the state no longer names, and switches versions. Each wait is on the node's own
 * signal ({@link BankSync#awaitSettled}) or on a latch inside a read, never on time.
 */
class BankSyncTests {

    private final NodeUnderTest node = new NodeUnderTest();

    @AfterEach
    void close() {
        node.close();
    }

    @Test
    void aPublishedVersionIsLoadedFromTheAppliedStateAndItsWaiterIsTold() {
        BankVersion v1 = node.build("b", 3, stored -> stored);
        assertTrue(node.settled("b", v1.buildId()), "the node holds version 1 without being asked to load it");
        assertEquals(1, node.registry.held("b", 1).version());
        assertEquals(1, node.reads.get(), "one read");
        assertTrue(node.settled("b", v1.buildId(), TimeValue.ZERO), "a late waiter is answered at once");
        assertEquals(1, node.reads.get(), "and nothing is read again");
    }

    @Test
    void aWaiterRegisteredBeforeThePublishIsToldOnceTheVersionIsHeld() throws Exception {
        String buildId = node.startBuild("b");
        CountDownLatch told = new CountDownLatch(1);
        boolean[] answer = new boolean[1];
        node.sync.awaitSettled(
                "b",
                buildId,
                TimeValue.timeValueSeconds(20),
                org.opensearch.core.action.ActionListener.wrap(
                        settled -> {
                            answer[0] = settled;
                            told.countDown();
                        },
                        e -> {}));
        assertEquals(1, told.getCount(), "a build still running has not settled");
        node.publish("b", buildId, 3, stored -> stored);
        assertTrue(told.await(20, TimeUnit.SECONDS));
        assertTrue(answer[0]);
        assertNotNull(node.registry.held("b", 1), "told only once it holds it");
    }

    @Test
    void aWaiterForABuildThatNeverSettlesIsToldFalseAtItsTimeout() {
        String buildId = node.startBuild("b");
        assertFalse(node.settled("b", buildId, TimeValue.timeValueMillis(50)), "the build never published");
    }

    @Test
    void aRefusedVersionSettlesItsWaiterAndIsNotReadAgain() {
        BankVersion v1 = node.build("b", 3, stored -> {
            throw new BankRefusedException("bank [b] version 1 is not stored");
        });
        assertTrue(node.settled("b", v1.buildId()), "a refusal settles the node");
        BankRegistry.Refusal refusal = node.registry.standingRefusal("b", v1);
        assertNotNull(refusal);
        assertEquals(RestStatus.SERVICE_UNAVAILABLE, refusal.status());
        assertNull(node.sync.retrying("b"), "a refusal is not a transient failure");
        node.sync.loadAllServing(node.banks());
        node.sync.loadInBackground("b", v1);
        assertEquals(1, node.reads.get(), "a standing refusal is not read again");
    }

    @Test
    void aVersionBeyondTheBreakerIsRefusedUnreadAndLoadedOnceTheLimitAllowsIt() {
        var breaker = NodeUnderTest.breaker(100);
        node.registry.setBreaker(breaker);
        BankVersion v1 = node.build("b", 50, stored -> stored);
        assertTrue(node.settled("b", v1.buildId()));
        assertEquals(
                RestStatus.TOO_MANY_REQUESTS,
                node.registry.standingRefusal("b", v1).status());
        assertEquals(0, node.reads.get(), "refused from its recorded shape, before any read");
        breaker.setLimitAndOverhead(1 << 20, 1.0);
        node.sync.loadAllServing(node.banks()); // what the plugin does when the limit setting changes
        assertTrue(node.settled("b", v1.buildId()));
        assertEquals(1, node.registry.held("b", 1).version());
        assertNull(node.registry.standingRefusal("b", v1));
    }

    @Test
    void aTransientFailureIsRetriedByTheNodeAndShowsItsCauseMeanwhile() throws Exception {
        CountDownLatch secondRead = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        int[] attempt = new int[1];
        BankVersion v1 = node.build("b", 3, stored -> {
            if (++attempt[0] == 1) {
                throw new RemoteTransportException(
                        "[node-2][get]",
                        new NoShardAvailableActionException(
                                new ShardId(".hubness-banks", "_na_", 0), "shard not started"));
            }
            secondRead.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return stored;
        });
        assertTrue(secondRead.await(20, TimeUnit.SECONDS), "the node retried by itself, no state change asked it");
        BankSync.Retry retry = node.sync.retrying("b");
        assertNotNull(retry, "the failure is visible while the retry runs");
        assertEquals(1, retry.version());
        assertEquals(1, retry.attempts());
        assertTrue(retry.reason().contains("shard not started"), "the cause, not the wrapper: " + retry.reason());
        assertFalse(retry.reason().contains("[node-2][get]"), retry.reason());
        assertNull(node.registry.standingRefusal("b", v1), "a transient failure is no refusal");
        release.countDown();
        assertTrue(node.settled("b", v1.buildId()));
        assertNotNull(node.registry.held("b", 1));
        assertNull(node.sync.retrying("b"), "a successful read clears it");
    }

    @Test
    void aNewVersionServesAndThePreviousStaysUntilAThirdArrives() {
        BankVersion v1 = node.build("b", 3, stored -> stored);
        assertTrue(node.settled("b", v1.buildId()));
        BankVersion v2 = node.build("b", 4, stored -> stored);
        assertTrue(node.settled("b", v2.buildId()));
        assertEquals(2, node.registry.current("b").version());
        assertEquals(List.of(2L, 1L), node.registry.versionsOf("b"));
        BankVersion v3 = node.build("b", 5, stored -> stored);
        assertTrue(node.settled("b", v3.buildId()));
        assertEquals(List.of(3L, 2L), node.registry.versionsOf("b"), "version 1 went as the state dropped it");
        assertTrue(node.settled("b", v1.buildId(), TimeValue.ZERO), "an overtaken build is settled: nothing to wait");
    }

    @Test
    void aDeletedBankIsDroppedAndItsWaitersAreTold() throws Exception {
        BankVersion v1 = node.build("b", 3, stored -> stored);
        assertTrue(node.settled("b", v1.buildId()));
        String building = node.startBuild("b");
        CountDownLatch told = new CountDownLatch(1);
        node.sync.awaitSettled(
                "b",
                building,
                TimeValue.timeValueSeconds(20),
                org.opensearch.core.action.ActionListener.wrap(settled -> told.countDown(), e -> {}));
        node.apply(BankTransitions.delete(node.banks(), "b"));
        assertTrue(told.await(20, TimeUnit.SECONDS), "the delete settles a waiter on its running build");
        assertFalse(node.registry.names().contains("b"), "and the node no longer holds the bank");
        assertNull(node.registry.current("b"));
    }
}
