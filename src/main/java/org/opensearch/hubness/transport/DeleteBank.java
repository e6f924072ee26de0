package org.opensearch.hubness.transport;

import java.io.IOException;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.clustermanager.AcknowledgedRequest;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.hubness.bank.state.BankTransitions;
import org.opensearch.hubness.node.BlobJanitor;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;

/**
 * DELETE /_plugins/_hubness/banks/{name}: the cluster manager removes the bank from the cluster state, which cancels
 * its running build (that build can no longer publish); acknowledged once every node applied it, i.e. dropped the
 * bank from memory. The blobs are deleted afterwards in the background.
 */
public final class DeleteBank {

    public static final String NAME = "cluster:admin/hubness/bank/delete";
    public static final ActionType<Response> ACTION = new ActionType<>(NAME, Response::new);

    private DeleteBank() {}

    public static final class Request extends AcknowledgedRequest<Request> {
        private final String bank;

        public Request(String bank) {
            this.bank = bank;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            bank = in.readString();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(bank);
        }

        @Override
        public ActionRequestValidationException validate() {
            return null;
        }
    }

    public static final class Response extends ActionResponse implements ToXContentObject {
        private final boolean acknowledged;
        private final String bank;

        Response(boolean acknowledged, String bank) {
            this.acknowledged = acknowledged;
            this.bank = bank;
        }

        public Response(StreamInput in) throws IOException {
            super(in);
            acknowledged = in.readBoolean();
            bank = in.readString();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeBoolean(acknowledged);
            out.writeString(bank);
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder b, Params params) throws IOException {
            return b.startObject()
                    .field("acknowledged", acknowledged)
                    .field("bank", bank)
                    .endObject();
        }
    }

    public static final class TransportAction extends BankClusterManagerAction<Request, Response> {
        private final BlobJanitor janitor;

        @Inject
        public TransportAction(
                TransportService t,
                ClusterService c,
                ThreadPool p,
                ActionFilters f,
                IndexNameExpressionResolver r,
                BlobJanitor janitor) {
            super(NAME, t, c, p, f, Request::new, Response::new, r);
            this.janitor = janitor;
        }

        @Override
        protected void clusterManagerOperation(Request r, ClusterState state, ActionListener<Response> listener) {
            BankDefinition.validateName(r.bank);
            clusterService.submitStateUpdateTask(
                    "hubness-delete-bank[" + r.bank + "]",
                    new BankMetadataTask<>(
                            r,
                            ActionListener.runAfter(listener, () -> janitor.cleanLater(r.bank)),
                            m -> BankTransitions.delete(m, r.bank),
                            (m, acked) -> new Response(acked, r.bank)));
        }
    }
}
