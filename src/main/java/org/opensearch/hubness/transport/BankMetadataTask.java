package org.opensearch.hubness.transport;

import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.opensearch.cluster.AckedClusterStateUpdateTask;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.ack.AckedRequest;
import org.opensearch.common.Priority;
import org.opensearch.core.action.ActionListener;
import org.opensearch.hubness.bank.state.HubnessMetadata;

/**
 * A change of the banks' cluster metadata, run by the cluster manager's single update thread (so bank operations are
 * serialised) and answered once every node has applied the result (so a GET on any node sees it).
 */
final class BankMetadataTask<R> extends AckedClusterStateUpdateTask<R> {

    private final UnaryOperator<HubnessMetadata> change;
    private final BiFunction<HubnessMetadata, Boolean, R> response;
    private volatile HubnessMetadata after;

    BankMetadataTask(
            AckedRequest request,
            ActionListener<R> listener,
            UnaryOperator<HubnessMetadata> change,
            BiFunction<HubnessMetadata, Boolean, R> response) {
        super(Priority.NORMAL, request, listener);
        this.change = change;
        this.response = response;
    }

    @Override
    public ClusterState execute(ClusterState current) {
        HubnessMetadata before = HubnessMetadata.of(current);
        HubnessMetadata next = change.apply(before);
        after = next;
        return next.equals(before) ? current : next.applyTo(current);
    }

    @Override
    protected R newResponse(boolean acknowledged) {
        return response.apply(after, acknowledged);
    }
}
