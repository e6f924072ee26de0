package org.opensearch.hubness.transport;

import java.io.IOException;
import java.util.ArrayList;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.hubness.bank.state.BankRecord;
import org.opensearch.hubness.bank.state.BankTransitions;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.hubness.security.SystemIndexAccess;
import org.opensearch.tasks.Task;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.node.NodeClient;

/**
 * GET /_plugins/_hubness/banks/{name} and GET /_plugins/_hubness/banks: read from the cluster state this node
 * applied (acknowledged changes are in it); one bank also asks every node what it serves, refused or keeps retrying.
 */
public final class GetBank {

    public static final String NAME = "cluster:admin/hubness/bank/get";
    public static final ActionType<BankResponse> ACTION = new ActionType<>(NAME, BankResponse::new);

    private GetBank() {}

    public static final class Request extends ActionRequest {
        /** Null: list every bank. */
        private final String bank;

        public Request(String bank) {
            this.bank = bank;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            bank = in.readOptionalString();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeOptionalString(bank);
        }

        @Override
        public ActionRequestValidationException validate() {
            return null;
        }
    }

    public static final class TransportAction extends HandledTransportAction<Request, BankResponse> {
        private final ClusterService clusterService;
        private final NodeClient client;
        private final SystemIndexAccess asPlugin;

        @Inject
        public TransportAction(
                TransportService t,
                ActionFilters f,
                ClusterService clusterService,
                NodeClient client,
                SystemIndexAccess asPlugin) {
            super(NAME, t, f, Request::new);
            this.clusterService = clusterService;
            this.client = client;
            this.asPlugin = asPlugin;
        }

        @Override
        protected void doExecute(Task task, Request r, ActionListener<BankResponse> listener) {
            try {
                HubnessMetadata banks = HubnessMetadata.of(clusterService.state());
                if (r.bank == null) {
                    listener.onResponse(
                            BankResponse.list(new ArrayList<>(banks.banks().values())));
                    return;
                }
                BankDefinition.validateName(r.bank);
                BankRecord record = BankTransitions.require(banks, r.bank);
                // the nodes' report is the plugin's internal action: a viewer needs only bank/get
                asPlugin.<BankNodes.Response>callAsync(
                        l -> client.execute(BankNodes.ACTION, BankNodes.Request.now(r.bank), l),
                        ActionListener.wrap(
                                nodes -> listener.onResponse(BankResponse.one(record, nodes.nodes())),
                                listener::onFailure));
            } catch (Exception e) {
                listener.onFailure(e);
            }
        }
    }
}
