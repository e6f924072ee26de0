package org.opensearch.hubness.transport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.opensearch.action.ActionType;
import org.opensearch.action.FailedNodeException;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.hubness.cache.CacheWarmer;
import org.opensearch.hubness.cache.DocTermsCache;
import org.opensearch.hubness.node.NodeBanks;
import org.opensearch.hubness.transport.NodesFanOut.NodeResponse;
import org.opensearch.indices.IndicesService;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;

/**
 * Internal, on every node: with {@code load}, load (checking its hash) and warm the serving version of a bank that
 * the node's cluster state names — a PUT or _rebuild answers after this, so the first searches find the bank warm
 * everywhere; without, only report what the node serves or refused (GET).
 */
public final class LoadBank {

    public static final String NAME = "cluster:admin/hubness/internal/bank/load";
    /** A node's object in the answer (read by GET and the build, which turn it into {@link NodeView}s). */
    static final NodesFanOut.Fields<NodeState> FIELDS =
            (node, out) -> out.field("held_version", node.state().heldVersion())
                    .field("refused_version", node.state().refusedVersion())
                    .field("refusal", node.state().refusal());

    public static final ActionType<NodesFanOut.Response<NodeState>> ACTION =
            new ActionType<>(NAME, in -> new NodesFanOut.Response<>(in, NodeState::new, FIELDS));

    private LoadBank() {}

    /** Which bank, and whether to load it or only report; the same for the fan-out request and each node's copy. */
    record Target(String bank, boolean load) implements Writeable {
        Target(StreamInput in) throws IOException {
            this(in.readString(), in.readBoolean());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeString(bank);
            out.writeBoolean(load);
        }
    }

    /** What a node serves or refused of the bank, and how many documents it warmed. */
    public record NodeState(NodeBanks.BankOnNode state) implements Writeable {
        NodeState(StreamInput in) throws IOException {
            this(new NodeBanks.BankOnNode(
                    in.readOptionalLong(), in.readOptionalLong(), in.readOptionalString(), in.readVLong()));
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeOptionalLong(state.heldVersion());
            out.writeOptionalLong(state.refusedVersion());
            out.writeOptionalString(state.refusal());
            out.writeVLong(state.documentsWarmed());
        }
    }

    public static final class Request extends NodesFanOut.Request<Target> {
        public Request(String bank, boolean load) {
            super(new Target(bank, load));
        }
    }

    /** Each node's view of the bank, and the nodes that did not answer. */
    public static List<NodeView> views(NodesFanOut.Response<NodeState> response) {
        List<NodeView> out = new ArrayList<>();
        for (NodeResponse<NodeState> n : response.getNodes()) {
            NodeBanks.BankOnNode s = n.result().state();
            out.add(new NodeView(
                    n.getNode().getId(),
                    n.getNode().getName(),
                    s.heldVersion(),
                    s.refusedVersion(),
                    s.refusal(),
                    null));
        }
        for (FailedNodeException f : response.failures())
            out.add(new NodeView(f.nodeId(), null, null, null, null, f.getDetailedMessage()));
        return out;
    }

    public static final class TransportAction extends NodesFanOut.TransportAction<Target, NodeState> {
        private final NodeBanks node;
        private final CacheWarmer warmer;

        @Inject
        public TransportAction(
                ThreadPool p,
                ClusterService c,
                TransportService t,
                ActionFilters f,
                NodeBanks node,
                IndicesService indices,
                DocTermsCache cache) {
            super(NAME, p, c, t, f, Target::new, NodeState::new, FIELDS);
            this.node = node;
            this.warmer = new CacheWarmer(indices, c, cache);
        }

        @Override
        protected NodeState perform(Target target) {
            return new NodeState(target.load() ? node.load(target.bank(), warmer) : node.describe(target.bank(), 0));
        }
    }
}
