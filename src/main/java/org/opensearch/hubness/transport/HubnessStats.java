package org.opensearch.hubness.transport;

import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.hubness.node.NodeBanks;
import org.opensearch.hubness.node.NodeStats;
import org.opensearch.hubness.transport.NodesFanOut.NoPayload;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;

/** GET /_plugins/_hubness/stats: every node's {@link NodeStats}. */
public final class HubnessStats {

    public static final String NAME = "cluster:admin/hubness/stats";
    /** A node's object in the answer: its stats. */
    static final NodesFanOut.Fields<NodeStats> FIELDS = (stats, out) -> stats.toXContent(out);

    public static final ActionType<NodesFanOut.Response<NodeStats>> ACTION =
            new ActionType<>(NAME, in -> new NodesFanOut.Response<>(in, NodeStats::new, FIELDS));

    private HubnessStats() {}

    public static final class Request extends NodesFanOut.Request<NoPayload> {
        public Request() {
            super(new NoPayload());
        }
    }

    public static final class TransportAction extends NodesFanOut.TransportAction<NoPayload, NodeStats> {
        private final NodeBanks node;

        @Inject
        public TransportAction(ThreadPool p, ClusterService c, TransportService t, ActionFilters f, NodeBanks node) {
            super(NAME, p, c, t, f, NoPayload::new, NodeStats::new, FIELDS);
            this.node = node;
        }

        @Override
        protected NodeStats perform(NoPayload nothing) {
            return node.stats();
        }
    }
}
