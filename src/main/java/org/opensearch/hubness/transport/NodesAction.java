package org.opensearch.hubness.transport;

import org.opensearch.action.ActionType;

/** Actions every node answers: stats and cache clearing. */
public final class NodesAction extends ActionType<NodesResponse> {

    public static final NodesAction STATS = new NodesAction("cluster:admin/hubness/stats");
    public static final NodesAction CLEAR_CACHE = new NodesAction("cluster:admin/hubness/cache/clear");

    private NodesAction(String name) {
        super(name, NodesResponse::new);
    }
}
