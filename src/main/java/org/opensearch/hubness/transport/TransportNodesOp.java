package org.opensearch.hubness.transport;

import org.opensearch.ResourceNotFoundException;
import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.nodes.TransportNodesAction;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.hubness.bank.state.BankTransitions;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.hubness.node.NodeBanks;
import org.opensearch.tasks.Task;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** A per-node operation fanned out to every node; each subclass is one action with its own name. */
public abstract class TransportNodesOp extends TransportNodesAction<NodesRequest, NodesResponse, NodesRequest.Node, NodesResponse.Node> {

    protected final NodeBanks node;

    protected TransportNodesOp(NodesAction action, ThreadPool pool, ClusterService cluster, TransportService transport,
                               ActionFilters filters, NodeBanks node) {
        super(action.name(), pool, cluster, transport, filters, NodesRequest::new, NodesRequest.Node::new, ThreadPool.Names.GENERIC,
            NodesResponse.Node.class);
        this.node = node;
    }

    @Override
    protected NodesResponse newResponse(NodesRequest request, List<NodesResponse.Node> nodes, List<FailedNodeException> failures) {
        return new NodesResponse(clusterService.getClusterName(), nodes, failures);
    }

    @Override
    protected NodesRequest.Node newNodeRequest(NodesRequest request) {
        return new NodesRequest.Node(request);
    }

    @Override
    protected NodesResponse.Node newNodeResponse(StreamInput in) throws IOException {
        return new NodesResponse.Node(in);
    }

    @Override
    protected NodesResponse.Node nodeOperation(NodesRequest.Node request) {
        return new NodesResponse.Node(clusterService.localNode(), run(request));
    }

    protected abstract Map<String, Object> run(NodesRequest.Node request);

    public static final class Stats extends TransportNodesOp {
        @Inject
        public Stats(ThreadPool p, ClusterService c, TransportService t, ActionFilters f, NodeBanks n) {
            super(NodesAction.STATS, p, c, t, f, n);
        }

        @Override
        protected Map<String, Object> run(NodesRequest.Node r) {
            return node.stats();
        }
    }

    public static final class ClearCache extends TransportNodesOp {
        @Inject
        public ClearCache(ThreadPool p, ClusterService c, TransportService t, ActionFilters f, NodeBanks n) {
            super(NodesAction.CLEAR_CACHE, p, c, t, f, n);
        }

        /** A bank the cluster state does not know is a 404, as for every other bank operation. */
        @Override
        protected void doExecute(Task task, NodesRequest request, ActionListener<NodesResponse> listener) {
            String bank = request.bank();
            if (bank != null && HubnessMetadata.of(clusterService.state()).bank(bank) == null) {
                listener.onFailure(new ResourceNotFoundException("no bank [" + bank + "]; " + BankTransitions.createHint(bank)));
                return;
            }
            super.doExecute(task, request, listener);
        }

        @Override
        protected Map<String, Object> run(NodesRequest.Node r) {
            return node.clearCache(r.bank());
        }
    }
}
