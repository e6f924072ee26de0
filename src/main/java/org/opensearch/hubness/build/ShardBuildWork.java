/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.build;

import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.opensearch.action.ActionRunnable;
import org.opensearch.cluster.routing.ShardRouting;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.common.breaker.CircuitBreakingException;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.indices.breaker.CircuitBreakerService;
import org.opensearch.core.tasks.TaskCancelledException;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.bank.storage.BankBlobs;
import org.opensearch.hubness.cache.DocTermsCache;
import org.opensearch.index.engine.Engine;
import org.opensearch.index.shard.IndexShard;
import org.opensearch.indices.IndicesService;
import org.opensearch.threadpool.ThreadPool;

/**
 * A build's gallery pass on one shard copy of this node: reads the version's banks from storage, runs the pass over
 * the copy's segments on the build pool, and puts the version's bank terms into the node's cache as it goes.
 */
public final class ShardBuildWork {

    /** The copy's partial (as {@link org.opensearch.hubness.norm.PassPartial#writeTo} wrote it) and the ids it names. */
    public record Outcome(byte[] partial, Map<Long, String> activationIds) {}

    private final IndicesService indices;
    private final DocTermsCache cache;
    private final ThreadPool threadPool;
    private final BankBlobs blobs;
    private final CircuitBreakerService breakers;
    private final String localNode;

    public ShardBuildWork(
            IndicesService indices,
            DocTermsCache cache,
            ThreadPool threadPool,
            BankBlobs blobs,
            CircuitBreakerService breakers,
            String localNode) {
        this.indices = indices;
        this.cache = cache;
        this.threadPool = threadPool;
        this.blobs = blobs;
        this.breakers = breakers;
        this.localNode = localNode;
    }

    /**
     * Reserves the banks' bytes in the node's request breaker (they live as long as this request, like an
     * aggregation's; the plugin's own breaker accounts the versions a node keeps), reads them from storage, runs
     * the pass, and gives the bytes and the searcher back whatever happens: done, failed or cancelled. Runs on the
     * build pool and waits for nothing; the pass asks {@code cancelled} between chunks. A node's shard copies run one
     * after another, so a node holds one copy of the banks at a time; a breaker refusal fails this copy with the
     * breaker's message (another copy may answer).
     */
    public void run(PassSpec spec, ShardRouting routing, BooleanSupplier cancelled, ActionListener<Outcome> listener) {
        threadPool
                .executor(BuildPool.NAME)
                .execute(ActionRunnable.wrap(listener, l -> start(spec, routing, cancelled, l)));
    }

    private void start(PassSpec spec, ShardRouting routing, BooleanSupplier cancelled, ActionListener<Outcome> listener)
            throws IOException {
        if (cancelled.getAsBoolean()) throw new TaskCancelledException("the build's shard pass was cancelled");
        CircuitBreaker breaker = breakers.getBreaker(CircuitBreaker.REQUEST);
        long bytes = spec.vectorBytes();
        try {
            breaker.addEstimateBytesAndMaybeBreak(
                    bytes, "hubness build of bank [" + spec.bank() + "] version " + spec.version());
        } catch (CircuitBreakingException e) {
            throw new CircuitBreakingException(
                    "node [" + localNode + "] has no room for the " + bytes
                            + " bytes of bank [" + spec.bank() + "]'s vectors in its [request] circuit breaker ("
                            + e.getMessage() + "); raise indices.breaker.request.limit or use a smaller bank",
                    e.getBytesWanted(),
                    e.getByteLimit(),
                    e.getDurability());
        }
        // given back before the copy's answer goes out: once the coordinator hears of every copy, the bytes are free
        ActionListener<Outcome> releasing =
                ActionListener.runBefore(listener, () -> breaker.addWithoutBreaking(-bytes));
        try {
            float[][] banks = blobs.readBuildVectors(
                    spec.bank(),
                    spec.buildId(),
                    spec.queryBankSize(),
                    spec.galleryBankSize(),
                    spec.dimension(),
                    spec.vectorsDigest());
            runPass(spec, routing, banks[0], banks[1], cancelled, releasing);
        } catch (Exception e) {
            releasing.onFailure(e);
        }
    }

    private void runPass(
            PassSpec spec,
            ShardRouting routing,
            float[] queryBank,
            float[] galleryBank,
            BooleanSupplier cancelled,
            ActionListener<Outcome> listener) {
        IndexShard shard = indices.indexServiceSafe(routing.index()).getShard(routing.id());
        LoadedBank building = spec.asBuilding(queryBank, galleryBank);
        int threads = Math.max(1, threadPool.info(BuildPool.NAME).getMax());
        ShardPass pass = new ShardPass(
                spec.pass(queryBank, galleryBank),
                spec.similarity(),
                spec.field(),
                spec.dimension(),
                threadPool.executor(BuildPool.NAME),
                threads,
                spec.stepRows());
        Engine.Searcher searcher = shard.acquireSearcher("hubness-build");
        // the searcher is released once the pass has ended, however it ended, before the listener hears of it
        ActionListener<ShardPass.Outcome> closing = ActionListener.runBefore(
                ActionListener.wrap(outcome -> listener.onResponse(serialized(outcome)), listener::onFailure),
                searcher::close);
        try {
            pass.run(
                    searcher.getIndexReader(),
                    (leaf, docs, terms) -> {
                        Object key = cache.segmentKey(leaf);
                        // a refusal (budget, breaker) is fine: searches and later loads fill the terms
                        if (key != null)
                            cache.putAll(building, key, leaf.reader().maxDoc(), docs, terms);
                    },
                    cancelled,
                    closing);
        } catch (RuntimeException e) {
            closing.onFailure(e);
        }
    }

    private static Outcome serialized(ShardPass.Outcome outcome) throws IOException {
        BytesStreamOutput out = new BytesStreamOutput();
        try (DataOutputStream data = new DataOutputStream(out)) {
            outcome.partial().writeTo(data);
        }
        return new Outcome(BytesReference.toBytes(out.bytes()), outcome.activationIds());
    }
}
