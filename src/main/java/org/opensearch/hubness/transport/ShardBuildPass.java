/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.transport;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.routing.ShardRouting;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.index.shard.ShardId;
import org.opensearch.core.indices.breaker.CircuitBreakerService;
import org.opensearch.hubness.bank.storage.BankBlobs;
import org.opensearch.hubness.build.PassSpec;
import org.opensearch.hubness.build.ShardBuildWork;
import org.opensearch.hubness.cache.DocTermsCache;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.PassPartial;
import org.opensearch.indices.IndicesService;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;

/**
 * Internal: the gallery pass of a bank build, fanned out to the nodes that hold the gallery's started shard copies.
 * Every copy reads its vectors from Lucene and runs the pass on the node's build pool, putting the version's bank
 * terms into the node's cache; each answers its {@link PassPartial} and the ids its activation lists name. The
 * coordinator keeps one partial per shard ({@code build/GalleryBuild}).
 */
public final class ShardBuildPass {

    public static final String NAME = "cluster:admin/hubness/internal/bank/build_pass";
    public static final ActionType<ShardFanOut.Response<ShardResult>> ACTION =
            new ActionType<>(NAME, in -> new ShardFanOut.Response<>(in, ShardResult::new));

    private ShardBuildPass() {}

    public static final class Request extends ShardFanOut.Request<Request> {
        private final PassSpec spec;

        public Request(PassSpec spec, Set<Integer> shards) {
            super(spec.index(), ShardFanOut.copies(shards, true));
            this.spec = spec;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            spec = new PassSpec(in);
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

        public PassPartial readPartial(NormParams params) throws IOException {
            return PassPartial.readFrom(new DataInputStream(new ByteArrayInputStream(partial)), params);
        }
    }

    /** Runs {@link ShardBuildWork} on each copy and answers its outcome. */
    public static final class TransportAction extends ShardFanOut.Action<Request, ShardResult> {
        private final ShardBuildWork work;

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
            this.work = new ShardBuildWork(indices, cache, threadPool, blobs, breakers, c.getNodeName());
        }

        @Override
        protected ShardResult shardOperation(Request request, ShardRouting routing) throws IOException {
            ShardBuildWork.Outcome outcome = work.run(request.spec, routing);
            return new ShardResult(routing.shardId(), routing.primary(), outcome.partial(), outcome.activationIds());
        }
    }
}
