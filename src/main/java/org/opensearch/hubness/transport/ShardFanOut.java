/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.transport;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.broadcast.BroadcastRequest;
import org.opensearch.action.support.broadcast.BroadcastResponse;
import org.opensearch.action.support.broadcast.node.TransportBroadcastByNodeAction;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.block.ClusterBlockException;
import org.opensearch.cluster.block.ClusterBlockLevel;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.routing.ShardsIterator;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.core.action.support.DefaultShardOperationFailedException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.hubness.build.BuildCalls;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;

/**
 * What the build's two fan-outs ({@link ShardBuildPass}, {@link ReadBankVectors}) share: the chosen shard copies of one
 * index ({@link ShardCopies}) and a response with every copy's result and every copy's failure. The bank read is a
 * broadcast run on the generic pool (a node's shards one after another, each a short read); the gallery pass sends
 * its own cancellable node requests ({@link ShardBuildPass}).
 */
public final class ShardFanOut {

    private ShardFanOut() {}

    /** A request to some shard copies of one index. */
    public abstract static class Request<R extends Request<R>> extends BroadcastRequest<R> {
        private final ShardCopies copies;

        Request(String index, ShardCopies copies) {
            super(index);
            this.copies = copies;
        }

        Request(StreamInput in) throws IOException {
            super(in);
            copies = new ShardCopies(in);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            copies.writeTo(out);
        }
    }

    /** Every answering copy's result, and (in the broadcast fields) every failed copy. */
    public static final class Response<S extends Writeable> extends BroadcastResponse
            implements BuildCalls.ShardAnswers<S> {
        private final List<S> results;

        Response(
                int total,
                int successful,
                int failed,
                List<S> results,
                List<DefaultShardOperationFailedException> failures) {
            super(total, successful, failed, failures);
            this.results = results;
        }

        Response(StreamInput in, Writeable.Reader<S> reader) throws IOException {
            super(in);
            results = in.readList(reader);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeList(results);
        }

        @Override
        public List<S> results() {
            return results;
        }
    }

    public abstract static class Action<R extends Request<R>, S extends Writeable>
            extends TransportBroadcastByNodeAction<R, Response<S>, S> {
        private final Writeable.Reader<R> requestReader;
        private final Writeable.Reader<S> resultReader;

        Action(
                String name,
                ClusterService c,
                TransportService t,
                ActionFilters f,
                IndexNameExpressionResolver r,
                Writeable.Reader<R> requestReader,
                Writeable.Reader<S> resultReader) {
            super(name, c, t, f, r, requestReader, ThreadPool.Names.GENERIC);
            this.requestReader = requestReader;
            this.resultReader = resultReader;
        }

        @Override
        protected S readShardResult(StreamInput in) throws IOException {
            return resultReader.read(in);
        }

        @Override
        protected Response<S> newResponse(
                R request,
                int total,
                int successful,
                int failed,
                List<S> results,
                List<DefaultShardOperationFailedException> failures,
                ClusterState state) {
            return new Response<>(total, successful, failed, results, failures);
        }

        @Override
        protected R readRequestFrom(StreamInput in) throws IOException {
            return requestReader.read(in);
        }

        @Override
        protected ShardsIterator shards(ClusterState state, R request, String[] concreteIndices) {
            return ((Request<?>) request).copies.select(state, concreteIndices);
        }

        @Override
        protected ClusterBlockException checkGlobalBlock(ClusterState state, R request) {
            return state.blocks().globalBlockedException(ClusterBlockLevel.READ);
        }

        @Override
        protected ClusterBlockException checkRequestBlock(ClusterState state, R request, String[] concreteIndices) {
            return state.blocks().indicesBlockedException(ClusterBlockLevel.READ, concreteIndices);
        }
    }

    static ShardCopies copies(Set<Integer> shards, boolean allCopies) {
        return new ShardCopies(shards, allCopies);
    }
}
