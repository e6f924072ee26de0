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
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.index.shard.ShardId;
import org.opensearch.hubness.HubnessPlugin;
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

    /** What every copy needs to run the pass: the version being built and its prepared banks. */
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
            float[] queryBank,
            float[] galleryBank)
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
                    in.readFloatArray(),
                    in.readFloatArray());
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
            out.writeFloatArray(queryBank);
            out.writeFloatArray(galleryBank);
        }

        private static NormParams readParams(StreamInput in) throws IOException {
            Map<String, Double> p = in.readMap(StreamInput::readString, StreamInput::readDouble);
            return NormParams.readFrom(p::get);
        }

        int queryBankSize() {
            return queryBank.length / dimension;
        }

        int galleryBankSize() {
            return galleryBank.length / dimension;
        }

        /** The version as the node's cache keys it (its activation sets are what the build is computing). */
        LoadedBank asBuilding() {
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
                    queryBankSize(),
                    galleryBank,
                    galleryBankSize(),
                    Set.of(),
                    Set.of());
        }

        GalleryPass pass() {
            return new GalleryPass(
                    similarity,
                    new BankMatrix(queryBank, queryBankSize(), dimension),
                    new BankMatrix(galleryBank, galleryBankSize(), dimension),
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

        @Inject
        public TransportAction(
                ClusterService c,
                TransportService t,
                ActionFilters f,
                IndexNameExpressionResolver r,
                IndicesService indices,
                DocTermsCache cache,
                ThreadPool threadPool) {
            super(NAME, c, t, f, r, Request::new, ShardResult::new);
            this.indices = indices;
            this.cache = cache;
            this.threadPool = threadPool;
        }

        @Override
        protected ShardResult shardOperation(Request request, ShardRouting routing) throws IOException {
            Spec spec = request.spec;
            IndexShard shard = indices.indexServiceSafe(routing.index()).getShard(routing.id());
            LoadedBank building = spec.asBuilding();
            int threads = Math.max(1, threadPool.info(HubnessPlugin.BUILD_POOL).getMax());
            ShardPass pass = new ShardPass(
                    spec.pass(),
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
