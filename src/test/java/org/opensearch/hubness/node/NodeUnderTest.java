/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.node;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.opensearch.action.support.PlainActionFuture;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.block.ClusterBlocks;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.gateway.GatewayService;
import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.bank.state.BankRecord;
import org.opensearch.hubness.bank.state.BankTransitions;
import org.opensearch.hubness.bank.state.BankVersion;
import org.opensearch.hubness.bank.state.BuildTrigger;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.hubness.bank.state.StateFixtures;
import org.opensearch.hubness.bank.storage.VersionDigest;
import org.opensearch.hubness.cache.DocTermsCache;
import org.opensearch.hubness.testing.TestBanks;
import org.opensearch.hubness.testing.TestBreakers;
import org.opensearch.test.ClusterServiceUtils;
import org.opensearch.threadpool.TestThreadPool;
import org.opensearch.threadpool.ThreadPool;

/**
 * One node's bank machinery wired as the plugin wires it — a real cluster service whose applier calls the real
 * {@link BankSync}, a real thread pool with the plugin's load pool, the real registry and serving lookup — reading
 * versions from memory instead of {@code .hubness-banks}. A test publishes bank records the way the cluster manager
 * does and says, per build, what a read of it does (the stored bank, a refusal, a transient failure, a wait).
 */
final class NodeUnderTest implements AutoCloseable {

    static final BankDefinition DEF = StateFixtures.stored("b", StateFixtures.INDEX_BANK);
    static final int D = 4;

    /** What a read of one build does. */
    @FunctionalInterface
    interface Read {
        LoadedBank read(LoadedBank stored);
    }

    final ThreadPool threadPool = new TestThreadPool("node-under-test", LoadPool.executor(Settings.EMPTY));
    final ClusterService clusterService = ClusterServiceUtils.createClusterService(threadPool);
    final BankRegistry registry;
    final BankSync sync;
    final ServingBanks serving;
    final AtomicInteger reads = new AtomicInteger();
    private final Map<String, LoadedBank> stored = new ConcurrentHashMap<>();
    private final Map<String, Read> readers = new ConcurrentHashMap<>();

    NodeUnderTest() {
        registry = new BankRegistry(
                name -> HubnessMetadata.of(clusterService.state()).bank(name), (name, v) -> {
                    reads.incrementAndGet();
                    LoadedBank b = stored.get(v.buildId());
                    return readers.getOrDefault(v.buildId(), s -> s).read(b);
                });
        sync = new BankSync(clusterService, threadPool, registry, new DocTermsCache(() -> 1 << 20));
        clusterService.addListener(sync);
        serving = new ServingBanks(clusterService, registry, sync);
    }

    HubnessMetadata banks() {
        return HubnessMetadata.of(clusterService.state());
    }

    BankRecord record(String name) {
        return banks().bank(name);
    }

    /** Applies the bank records as the next cluster state (the node's BankSync sees it before this returns). */
    void apply(HubnessMetadata m) {
        ClusterServiceUtils.setState(clusterService, m.applyTo(clusterService.state()));
    }

    /** Records the start of the bank's next build (its first with create), as the cluster manager does. */
    String startBuild(String name) {
        BankRecord r = record(name);
        String buildId = name + "-" + (r == null ? 1 : r.lastVersion() + 1);
        String eph = clusterService.localNode().getEphemeralId();
        String node = clusterService.localNode().getId();
        apply(
                r == null
                        ? BankTransitions.create(banks(), name, DEF, buildId, node, eph, 0)
                        : BankTransitions.rebuild(
                                banks(), name, buildId, node, eph, 0, Set.of(eph), BuildTrigger.REBUILD));
        return buildId;
    }

    /** Stores the build's bank and publishes it (reads of it do what {@code read} says). */
    BankVersion publish(String name, String buildId, int rows, Read read) {
        long v = record(name).build().version();
        LoadedBank b = bank(name, v, buildId, rows);
        stored.put(buildId, b);
        readers.put(buildId, read);
        BankVersion version =
                new BankVersion(v, buildId, VersionDigest.of(b), D, rows, 0, StateFixtures.report(v, rows));
        apply(BankTransitions.publish(banks(), name, buildId, version));
        return version;
    }

    /** A whole build: start, store, publish. */
    BankVersion build(String name, int rows, Read read) {
        return publish(name, startBuild(name), rows, read);
    }

    /** Waits (bounded) for the node to settle on the build; true when it did before {@code timeout}. */
    boolean settled(String name, String buildId, TimeValue timeout) {
        PlainActionFuture<Boolean> f = PlainActionFuture.newFuture();
        sync.awaitSettled(name, buildId, timeout, f);
        return f.actionGet(30, TimeUnit.SECONDS);
    }

    boolean settled(String name, String buildId) {
        return settled(name, buildId, TimeValue.timeValueSeconds(20));
    }

    void blockStateRecovery() {
        ClusterServiceUtils.setState(
                clusterService,
                ClusterState.builder(clusterService.state())
                        .blocks(ClusterBlocks.builder().addGlobalBlock(GatewayService.STATE_NOT_RECOVERED_BLOCK)));
    }

    static LoadedBank bank(String name, long version, String buildId, int rows) {
        return TestBanks.queryBankOnly(name, version, buildId, rows, D);
    }

    static CircuitBreaker breaker(long limit) {
        return TestBreakers.hubness(limit);
    }

    @Override
    public void close() {
        clusterService.close();
        ThreadPool.terminate(threadPool, 10, TimeUnit.SECONDS);
    }
}
