package org.opensearch.hubness.transport;

import java.io.IOException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.tasks.Task;
import org.opensearch.transport.TransportService;

/**
 * PUT /_plugins/_hubness/banks/{name}: define a bank and build its version 1 on this node. The request carries the
 * JSON body as the user sent it (like an ingest pipeline's PUT), parsed where it runs.
 */
public final class PutBank {

    public static final String NAME = "cluster:admin/hubness/bank/put";
    public static final ActionType<BankResponse> ACTION = new ActionType<>(NAME, BankResponse::new);

    private PutBank() {}

    public static final class Request extends BuildRequest {
        private final String bodyJson;

        public Request(String bank, String bodyJson, boolean background) {
            super(bank, background);
            this.bodyJson = bodyJson;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            bodyJson = in.readString();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(bodyJson);
        }
    }

    public static final class TransportAction extends HandledTransportAction<Request, BankResponse> {
        private final BuildRunner runner;

        @Inject
        public TransportAction(TransportService t, ActionFilters f, BuildRunner runner) {
            super(NAME, t, f, Request::new);
            this.runner = runner;
        }

        @Override
        protected void doExecute(Task task, Request r, ActionListener<BankResponse> listener) {
            runner.create(r.bank(), r.bodyJson, r.background(), r.started(), listener);
        }
    }
}
