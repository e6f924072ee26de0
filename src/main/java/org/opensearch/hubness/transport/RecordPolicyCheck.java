package org.opensearch.hubness.transport;

import java.io.IOException;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.clustermanager.AcknowledgedRequest;
import org.opensearch.action.support.clustermanager.AcknowledgedResponse;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.hubness.bank.state.BankTransitions;
import org.opensearch.hubness.bank.state.PolicyCheck;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;

/**
 * Internal: the cluster manager records a rebuild policy's check of a bank in the bank's record (GET shows it; a new
 * cluster manager resumes the schedule from it). Ignored for a deleted bank or when a later check is recorded.
 */
public final class RecordPolicyCheck {

    public static final String NAME = "cluster:admin/hubness/internal/bank/policy_check";
    public static final ActionType<AcknowledgedResponse> ACTION = new ActionType<>(NAME, AcknowledgedResponse::new);

    private RecordPolicyCheck() {}

    public static final class Request extends AcknowledgedRequest<Request> {
        private final String bank;
        private final PolicyCheck check;

        public Request(String bank, PolicyCheck check) {
            this.bank = bank;
            this.check = check;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            bank = in.readString();
            check = new PolicyCheck(in);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(bank);
            check.writeTo(out);
        }

        @Override
        public ActionRequestValidationException validate() {
            return null;
        }
    }

    public static final class TransportAction extends BankClusterManagerAction<Request, AcknowledgedResponse> {
        @Inject
        public TransportAction(
                TransportService t, ClusterService c, ThreadPool p, ActionFilters f, IndexNameExpressionResolver r) {
            super(NAME, t, c, p, f, Request::new, AcknowledgedResponse::new, r);
        }

        @Override
        protected void clusterManagerOperation(
                Request r, ClusterState state, ActionListener<AcknowledgedResponse> listener) {
            clusterService.submitStateUpdateTask(
                    "hubness-policy-check[" + r.bank + "]",
                    new BankMetadataTask<>(
                            r,
                            listener,
                            m -> BankTransitions.recordPolicyCheck(m, r.bank, r.check),
                            (m, acked) -> new AcknowledgedResponse(acked)));
        }
    }
}
