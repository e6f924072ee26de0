package org.opensearch.hubness.transport;

import org.opensearch.action.ActionType;

/** Actions every node answers: stats, cache clearing, and the internal bank sync after builds and deletes. */
public final class NodesAction extends ActionType<NodesResponse> {

    public static final NodesAction STATS = new NodesAction("cluster:admin/hubness/stats");
    public static final NodesAction CLEAR_CACHE = new NodesAction("cluster:admin/hubness/cache/clear");
    public static final NodesAction INSTALL = new NodesAction("cluster:admin/hubness/bank/install");
    public static final NodesAction FORGET = new NodesAction("cluster:admin/hubness/bank/forget");

    private NodesAction(String name) {
        super(name, NodesResponse::new);
    }
}
