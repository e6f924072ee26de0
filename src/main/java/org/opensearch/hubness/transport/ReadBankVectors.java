/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.transport;

import java.io.IOException;
import java.util.Set;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.routing.ShardRouting;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.hubness.build.ShardRows;
import org.opensearch.hubness.build.ShardSample;
import org.opensearch.index.engine.Engine;
import org.opensearch.index.shard.IndexShard;
import org.opensearch.indices.IndicesService;
import org.opensearch.transport.TransportService;

/**
 * Internal: the vectors of a bank read from an index (a query bank's index, or the gallery for a sampled gallery
 * bank), straight from Lucene on one started copy per shard: each shard answers its {@code limit} documents with the
 * smallest hash(seed, _id) ({@link ShardSample}), and the coordinator merges them.
 */
public final class ReadBankVectors {

    public static final String NAME = "cluster:admin/hubness/internal/bank/read_vectors";
    public static final ActionType<ShardFanOut.Response<ShardRows>> ACTION =
            new ActionType<>(NAME, in -> new ShardFanOut.Response<>(in, ShardRows::new));

    private ReadBankVectors() {}

    public static final class Request extends ShardFanOut.Request<Request> {
        private final String field;
        private final int dimension;
        private final int limit;
        private final long seed;

        public Request(String index, String field, int dimension, int limit, long seed, Set<Integer> shards) {
            super(index, ShardFanOut.copies(shards, false));
            this.field = field;
            this.dimension = dimension;
            this.limit = limit;
            this.seed = seed;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            field = in.readString();
            dimension = in.readVInt();
            limit = in.readVInt();
            seed = in.readLong();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(field);
            out.writeVInt(dimension);
            out.writeVInt(limit);
            out.writeLong(seed);
        }
    }

    public static final class TransportAction extends ShardFanOut.Action<Request, ShardRows> {
        private final IndicesService indices;

        @Inject
        public TransportAction(
                ClusterService c,
                TransportService t,
                ActionFilters f,
                IndexNameExpressionResolver r,
                IndicesService indices) {
            super(NAME, c, t, f, r, Request::new, ShardRows::new);
            this.indices = indices;
        }

        @Override
        protected ShardRows shardOperation(Request request, ShardRouting routing) throws IOException {
            IndexShard shard = indices.indexServiceSafe(routing.index()).getShard(routing.id());
            try (Engine.Searcher searcher = shard.acquireSearcher("hubness-bank-vectors")) {
                return new ShardRows(
                        routing.shardId(),
                        ShardSample.run(
                                searcher.getIndexReader(),
                                request.field,
                                request.dimension,
                                request.limit,
                                request.seed));
            }
        }
    }
}
