package org.opensearch.hubness.transport;

import java.io.IOException;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.clustermanager.AcknowledgedRequest;
import org.opensearch.action.support.clustermanager.TransportClusterManagerNodeAction;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.block.ClusterBlockException;
import org.opensearch.cluster.block.ClusterBlockLevel;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;

/** A bank operation the cluster manager runs as a metadata task; subclasses say what changes and what to answer. */
abstract class BankClusterManagerAction<Q extends AcknowledgedRequest<Q>, R extends ActionResponse>
        extends TransportClusterManagerNodeAction<Q, R> {

    private final Writeable.Reader<R> responseReader;

    protected BankClusterManagerAction(
            String name,
            TransportService transport,
            ClusterService cluster,
            ThreadPool pool,
            ActionFilters filters,
            Writeable.Reader<Q> reader,
            Writeable.Reader<R> responseReader,
            IndexNameExpressionResolver resolver) {
        super(name, transport, cluster, pool, filters, reader, resolver);
        this.responseReader = responseReader;
    }

    @Override
    protected R read(StreamInput in) throws IOException {
        return responseReader.read(in);
    }

    @Override
    protected String executor() {
        return ThreadPool.Names.SAME;
    }

    @Override
    protected ClusterBlockException checkBlock(Q request, ClusterState state) {
        return state.blocks().globalBlockedException(ClusterBlockLevel.METADATA_WRITE);
    }
}
