/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.transport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.opensearch.action.ActionListenerResponseHandler;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.NoShardAvailableActionException;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.ChannelActionListener;
import org.opensearch.action.support.GroupedActionListener;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.block.ClusterBlockException;
import org.opensearch.cluster.block.ClusterBlockLevel;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.cluster.routing.ShardRouting;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.support.DefaultShardOperationFailedException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.indices.breaker.CircuitBreakerService;
import org.opensearch.core.tasks.TaskId;
import org.opensearch.core.transport.TransportResponse;
import org.opensearch.hubness.bank.storage.BankBlobs;
import org.opensearch.hubness.build.BuildTask;
import org.opensearch.hubness.build.PassSpec;
import org.opensearch.hubness.build.ShardBuildWork;
import org.opensearch.hubness.build.ShardPassResult;
import org.opensearch.hubness.cache.DocTermsCache;
import org.opensearch.hubness.norm.PassPartial;
import org.opensearch.indices.IndicesService;
import org.opensearch.tasks.CancellableTask;
import org.opensearch.tasks.Task;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportRequest;
import org.opensearch.transport.TransportRequestOptions;
import org.opensearch.transport.TransportService;

/**
 * Internal: the gallery pass of a bank build, fanned out to the nodes that hold the gallery's started shard copies
 * ({@code [n]}, one request per node). Every copy reads its vectors from Lucene and runs the pass on the node's build
 * pool, putting the version's bank terms into the node's cache; each answers its {@link PassPartial} and the ids its
 * activation lists name. The coordinator keeps one partial per shard ({@code build/GalleryBuild}). The node requests
 * are child tasks of the build's task (the request's parent): cancelling the build bans them on every node, and each
 * copy's pass stops at its next chunk.
 */
public final class ShardBuildPass {

    public static final String NAME = "cluster:admin/hubness/internal/bank/build_pass";
    /** One node's copies; the tasks {@code _tasks?actions=*build_pass*} lists while a build runs its pass. */
    public static final String NODE_NAME = NAME + "[n]";

    public static final ActionType<ShardFanOut.Response<ShardPassResult>> ACTION =
            new ActionType<>(NAME, in -> new ShardFanOut.Response<>(in, ShardPassResult::new));

    private ShardBuildPass() {}

    /** The pass and the shards wanted (every started copy of each); its parent task is the build's. */
    public static final class Request extends ActionRequest {
        private final PassSpec spec;
        private final ShardCopies copies;

        public Request(PassSpec spec, Set<Integer> shards) {
            this.spec = spec;
            this.copies = ShardFanOut.copies(shards, true);
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            spec = new PassSpec(in);
            copies = new ShardCopies(in);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            spec.writeTo(out);
            copies.writeTo(out);
        }

        @Override
        public ActionRequestValidationException validate() {
            return null;
        }

        @Override
        public Task createTask(long id, String type, String action, TaskId parentTaskId, Map<String, String> headers) {
            return new BuildTask(id, type, action, getDescription(), parentTaskId, headers);
        }

        @Override
        public String getDescription() {
            return "gallery pass of bank [" + spec.bank() + "] version " + spec.version();
        }
    }

    /** One node's share: the pass and the node's copies, run one after another. */
    static final class NodeRequest extends TransportRequest {
        private final PassSpec spec;
        private final List<ShardRouting> shards;

        NodeRequest(PassSpec spec, List<ShardRouting> shards) {
            this.spec = spec;
            this.shards = shards;
        }

        NodeRequest(StreamInput in) throws IOException {
            super(in);
            spec = new PassSpec(in);
            shards = in.readList(ShardRouting::new);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            spec.writeTo(out);
            out.writeList(shards);
        }

        @Override
        public Task createTask(long id, String type, String action, TaskId parentTaskId, Map<String, String> headers) {
            return new BuildTask(id, type, action, getDescription(), parentTaskId, headers);
        }

        @Override
        public String getDescription() {
            return "gallery pass of bank [" + spec.bank() + "] version " + spec.version() + " on " + shards.size()
                    + " shard copies";
        }
    }

    /** One node's answers: its copies' results and its copies' failures. */
    static final class NodeResponse extends TransportResponse {
        private final List<ShardPassResult> results;
        private final List<DefaultShardOperationFailedException> failures;

        NodeResponse(List<ShardPassResult> results, List<DefaultShardOperationFailedException> failures) {
            this.results = results;
            this.failures = failures;
        }

        NodeResponse(StreamInput in) throws IOException {
            results = in.readList(ShardPassResult::new);
            failures = in.readList(DefaultShardOperationFailedException::readShardOperationFailed);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeList(results);
            out.writeList(failures);
        }

        /** Every copy of a node that could not be asked, or did not answer, failed with {@code e}. */
        static NodeResponse failed(List<ShardRouting> shards, Exception e) {
            List<DefaultShardOperationFailedException> failures = new ArrayList<>();
            for (ShardRouting s : shards)
                failures.add(new DefaultShardOperationFailedException(s.getIndexName(), s.id(), e));
            return new NodeResponse(List.of(), failures);
        }
    }

    /**
     * Sends each node its copies as a child of the build's task and gathers every copy's result and failure; on each
     * node runs {@link ShardBuildWork} on its copies one after another, on the build pool, until cancelled.
     */
    public static final class TransportAction
            extends HandledTransportAction<Request, ShardFanOut.Response<ShardPassResult>> {
        private final ClusterService clusterService;
        private final TransportService transportService;
        private final ShardBuildWork work;

        @Inject
        public TransportAction(
                ClusterService c,
                TransportService t,
                ActionFilters f,
                IndicesService indices,
                DocTermsCache cache,
                ThreadPool threadPool,
                BankBlobs blobs,
                CircuitBreakerService breakers) {
            super(NAME, t, f, Request::new);
            this.clusterService = c;
            this.transportService = t;
            this.work = new ShardBuildWork(indices, cache, threadPool, blobs, breakers, c.getNodeName());
            // registered on the transport like a broadcast's [n] action: reached only from the coordinating node
            t.registerRequestHandler(
                    NODE_NAME,
                    ThreadPool.Names.SAME,
                    NodeRequest::new,
                    (request, channel, task) -> runCopies(
                            request,
                            (CancellableTask) task,
                            0,
                            new NodeResponse(new ArrayList<>(), new ArrayList<>()),
                            new ChannelActionListener<>(channel, NODE_NAME, request)));
        }

        @Override
        protected void doExecute(
                Task task, Request request, ActionListener<ShardFanOut.Response<ShardPassResult>> listener) {
            ClusterState state = clusterService.state();
            String[] index = {request.spec.index()};
            ClusterBlockException blocked = state.blocks().globalBlockedException(ClusterBlockLevel.READ);
            if (blocked == null) blocked = state.blocks().indicesBlockedException(ClusterBlockLevel.READ, index);
            if (blocked != null) {
                listener.onFailure(blocked);
                return;
            }
            Map<String, List<ShardRouting>> byNode = new LinkedHashMap<>();
            int total = 0;
            for (ShardRouting copy : request.copies.select(state, index)) {
                byNode.computeIfAbsent(copy.currentNodeId(), n -> new ArrayList<>())
                        .add(copy);
                total++;
            }
            if (byNode.isEmpty()) {
                listener.onResponse(new ShardFanOut.Response<>(0, 0, 0, List.of(), List.of()));
                return;
            }
            int copies = total;
            GroupedActionListener<NodeResponse> all = new GroupedActionListener<>(
                    ActionListener.map(listener, answers -> merged(copies, answers)), byNode.size());
            // the node requests are children of the build's task, so cancelling the build bans them on every node
            TaskId parent = request.getParentTask().isSet()
                    ? request.getParentTask()
                    : new TaskId(clusterService.localNode().getId(), task.getId());
            for (Map.Entry<String, List<ShardRouting>> e : byNode.entrySet()) {
                List<ShardRouting> shards = e.getValue();
                ActionListener<NodeResponse> one = ActionListener.wrap(
                        all::onResponse, failure -> all.onResponse(NodeResponse.failed(shards, failure)));
                DiscoveryNode node = state.nodes().get(e.getKey());
                if (node == null) {
                    one.onFailure(
                            new NoShardAvailableActionException(shards.get(0).shardId(), "node left"));
                    continue;
                }
                NodeRequest nodeRequest = new NodeRequest(request.spec, shards);
                nodeRequest.setParentTask(parent);
                transportService.sendRequest(
                        node,
                        NODE_NAME,
                        nodeRequest,
                        TransportRequestOptions.EMPTY,
                        new ActionListenerResponseHandler<>(one, NodeResponse::new));
            }
        }

        private static ShardFanOut.Response<ShardPassResult> merged(int total, Collection<NodeResponse> answers) {
            List<ShardPassResult> results = new ArrayList<>();
            List<DefaultShardOperationFailedException> failures = new ArrayList<>();
            for (NodeResponse a : answers) {
                results.addAll(a.results);
                failures.addAll(a.failures);
            }
            return new ShardFanOut.Response<>(total, results.size(), failures.size(), results, failures);
        }

        /** The node's copies one after another (one copy of the banks in memory at a time); never waits. */
        private void runCopies(
                NodeRequest request,
                CancellableTask task,
                int i,
                NodeResponse answer,
                ActionListener<NodeResponse> done) {
            if (i == request.shards.size()) {
                done.onResponse(answer);
                return;
            }
            ShardRouting copy = request.shards.get(i);
            work.run(
                    request.spec,
                    copy,
                    task::isCancelled,
                    ActionListener.wrap(
                            outcome -> {
                                answer.results.add(new ShardPassResult(
                                        copy.shardId(), copy.primary(), outcome.partial(), outcome.activationIds()));
                                runCopies(request, task, i + 1, answer, done);
                            },
                            failure -> {
                                answer.failures.add(new DefaultShardOperationFailedException(
                                        copy.getIndexName(), copy.id(), failure));
                                runCopies(request, task, i + 1, answer, done);
                            }));
        }
    }
}
