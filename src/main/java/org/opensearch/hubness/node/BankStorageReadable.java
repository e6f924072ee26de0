package org.opensearch.hubness.node;

import org.opensearch.cluster.ClusterChangedEvent;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.routing.IndexRoutingTable;
import org.opensearch.hubness.bank.storage.BankBlobs;

/**
 * Whether {@code .hubness-banks} can be read in a cluster state: it exists, is open and its primary has started. A
 * snapshot restore of the index (which needs it closed or deleted first) makes it readable again.
 */
public final class BankStorageReadable {

    private BankStorageReadable() {}

    public static boolean in(ClusterState state) {
        IndexMetadata m = state.metadata().index(BankBlobs.NAME);
        if (m == null || m.getState() != IndexMetadata.State.OPEN) return false;
        IndexRoutingTable t = state.routingTable().index(BankBlobs.NAME);
        return t != null && t.allPrimaryShardsActive();
    }

    /** Readable, or not there at all: in both cases a read answers for good (a missing index holds nothing). */
    public static boolean answers(ClusterState state) {
        return state.metadata().index(BankBlobs.NAME) == null || in(state);
    }

    public static boolean becameReadable(ClusterChangedEvent event) {
        return in(event.state()) && !in(event.previousState());
    }
}
