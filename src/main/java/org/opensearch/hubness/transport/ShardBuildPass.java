/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.transport;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.routing.ShardRouting;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.common.breaker.CircuitBreakingException;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.index.shard.ShardId;
import org.opensearch.core.indices.breaker.CircuitBreakerService;
import org.opensearch.hubness.HubnessPlugin;
import org.opensearch.hubness.bank.BankBlobs;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.build.ShardPass;
import org.opensearch.hubness.cache.DocTermsCache;
import org.opensearch.hubness.norm.BankMatrix;
import org.opensearch.hubness.norm.DotPrecision;
import org.opensearch.hubness.norm.GalleryPass;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.PassPartial;
import org.opensearch.hubness.norm.Similarity;
import org.opensearch.index.engine.Engine;
import org.opensearch.index.shard.IndexShard;
import org.opensearch.indices.IndicesService;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;

/**
 * Internal: the gallery pass of a bank build, fanned out to the nodes that hold the gallery's started shard copies.
 * Every copy reads its vectors from Lucene and runs the pass on the node's build pool, putting the version's bank
 * terms into the node's cache; each answers its {@link PassPartial} and the ids its activation lists name. The
 * coordinator keeps one partial per shard ({@code transport/BankBuilder}).
 */
public final class ShardBuildPass {

    public static final String NAME = "cluster:admin/hubness/internal/bank/build_pass";
    public static final ActionType<ShardFanOut.Response<ShardResult>> ACTION =
            new ActionType<>(NAME, in -> new ShardFanOut.Response<>(in, ShardResult::new));

    private ShardBuildPass() {}

    /**
     * What every copy needs to run the pass: the version being built and where its prepared banks are. The vectors
     * themselves are not in the message (a bank of 200 000 × 768 is 600 MB): each copy reads them from {@code
     * .hubness-banks}, a few chunks per request, under the request breaker, and checks {@code vectorsDigest}.
     */
    public record Spec(
            String bank,
            long version,
            String buildId,
            String index,
            String field,
            int dimension,
            Similarity similarity,
            NormParams params,
            int reportRows,
            int stepRows,
            int queryBankSize,
            int galleryBankSize,
            String vectorsDigest)
            implements Writeable {

        Spec(StreamInput in) throws IOException {
            this(
                    in.readString(),
                    in.readVLong(),
                    in.readString(),
                    in.readString(),
                    in.readString(),
                    in.readVInt(),
                    in.readEnum(Similarity.class),
                    readParams(in),
                    in.readVInt(),
                    in.readVInt(),
                    in.readVInt(),
                    in.readVInt(),
                    in.readString());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(bank);
            out.writeVLong(version);
            out.writeString(buildId);
            out.writeString(index);
            out.writeString(field);
            out.writeVInt(dimension);
            out.writeEnum(similarity);
            Map<String, Number> p = new LinkedHashMap<>();
            params.writeTo(p::put);
            out.writeMap(p, StreamOutput::writeString, (o, v) -> o.writeDouble(v.doubleValue()));
            out.writeVInt(reportRows);
            out.writeVInt(stepRows);
            out.writeVInt(queryBankSize);
            out.writeVInt(galleryBankSize);
            out.writeString(vectorsDigest);
        }

        private static NormParams readParams(StreamInput in) throws IOException {
            Map<String, Double> p = in.readMap(StreamInput::readString, StreamInput::readDouble);
            return NormParams.readFrom(p::get);
        }

        /** Heap the two banks take on a node running the pass: reserved in the breaker before they are read. */
        long vectorBytes() {
            return 4L * ((long) queryBankSize + galleryBankSize) * dimension;
        }

        /** The version as the node's cache keys it (its activation sets are what the build is computing). */
        LoadedBank asBuilding(float[] queryBank, float[] galleryBank) {
            return new LoadedBank(
                    bank,
                    version,
                    buildId,
                    index,
                    field,
                    dimension,
                    similarity,
                    params,
                    queryBank,
                    queryBankSize,
                    galleryBank,
                    galleryBankSize,
                    Set.of(),
                    Set.of());
        }

        GalleryPass pass(float[] queryBank, float[] galleryBank) {
            return new GalleryPass(
                    similarity,
                    new BankMatrix(queryBank, queryBankSize, dimension),
                    new BankMatrix(galleryBank, galleryBankSize, dimension),
                    params,
                    reportRows,
                    DotPrecision.FLOAT);
        }
    }

    public static final class Request extends ShardFanOut.Request<Request> {
        private final Spec spec;

        Request(Spec spec, Set<Integer> shards) {
            super(spec.index(), ShardFanOut.copies(shards, true));
            this.spec = spec;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            spec = new Spec(in);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            spec.writeTo(out);
        }
    }

    /** One copy's answer: its partial (as {@link PassPartial#writeTo} wrote it) and the ids it names. */
    public record ShardResult(ShardId shardId, boolean primary, byte[] partial, Map<Long, String> ids)
            implements Writeable {

        ShardResult(StreamInput in) throws IOException {
            this(
                    new ShardId(in),
                    in.readBoolean(),
                    in.readByteArray(),
                    in.readMap(StreamInput::readLong, StreamInput::readString));
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            shardId.writeTo(out);
            out.writeBoolean(primary);
            out.writeByteArray(partial);
            out.writeMap(ids, StreamOutput::writeLong, StreamOutput::writeString);
        }

        PassPartial readPartial(NormParams params) throws IOException {
            return PassPartial.readFrom(new DataInputStream(new ByteArrayInputStream(partial)), params);
        }
    }

    public static final class TransportAction extends ShardFanOut.Action<Request, ShardResult> {
        private final IndicesService indices;
        private final DocTermsCache cache;
        private final ThreadPool threadPool;
        private final BankBlobs blobs;
        private final CircuitBreakerService breakers;
        private final String localNode;

        @Inject
        public TransportAction(
                ClusterService c,
                TransportService t,
                ActionFilters f,
                IndexNameExpressionResolver r,
                IndicesService indices,
                DocTermsCache cache,
                ThreadPool threadPool,
                BankBlobs blobs,
                CircuitBreakerService breakers) {
            super(NAME, c, t, f, r, Request::new, ShardResult::new);
            this.indices = indices;
            this.cache = cache;
            this.threadPool = threadPool;
            this.blobs = blobs;
            this.breakers = breakers;
            this.localNode = c.getNodeName();
        }

        /**
         * Reserves the banks' bytes in the node's request breaker (they live as long as this request, like an
         * aggregation's; the plugin's own breaker accounts the versions a node keeps), reads them from storage, runs
         * the pass, and gives the bytes back whatever happens. A node's shard copies run one after another, so a node holds one copy of the
         * banks at a time; a breaker refusal fails this copy with the breaker's message (another copy may answer).
         */
        @Override
        protected ShardResult shardOperation(Request request, ShardRouting routing) throws IOException {
            Spec spec = request.spec;
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
            try {
                float[][] banks = blobs.readBuildVectors(
                        spec.bank(),
                        spec.buildId(),
                        spec.queryBankSize(),
                        spec.galleryBankSize(),
                        spec.dimension(),
                        spec.vectorsDigest());
                return runPass(spec, routing, banks[0], banks[1]);
            } finally {
                breaker.addWithoutBreaking(-bytes);
            }
        }

        private ShardResult runPass(Spec spec, ShardRouting routing, float[] queryBank, float[] galleryBank)
                throws IOException {
            IndexShard shard = indices.indexServiceSafe(routing.index()).getShard(routing.id());
            LoadedBank building = spec.asBuilding(queryBank, galleryBank);
            int threads = Math.max(1, threadPool.info(HubnessPlugin.BUILD_POOL).getMax());
            ShardPass pass = new ShardPass(
                    spec.pass(queryBank, galleryBank),
                    spec.similarity(),
                    spec.field(),
                    spec.dimension(),
                    threadPool.executor(HubnessPlugin.BUILD_POOL),
                    threads,
                    spec.stepRows());
            ShardPass.Outcome outcome;
            try (Engine.Searcher searcher = shard.acquireSearcher("hubness-build")) {
                outcome = pass.run(searcher.getIndexReader(), (leaf, docs, terms) -> {
                    Object key = cache.segmentKey(leaf);
                    // a refusal (budget, breaker) is fine: searches and later loads fill the terms
                    if (key != null) cache.putAll(building, key, leaf.reader().maxDoc(), docs, terms);
                });
            }
            BytesStreamOutput bytes = new BytesStreamOutput();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                outcome.partial().writeTo(out);
            }
            return new ShardResult(
                    routing.shardId(),
                    routing.primary(),
                    BytesReference.toBytes(bytes.bytes()),
                    outcome.activationIds());
        }
    }
}
