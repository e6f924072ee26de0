package org.opensearch.hubness.transport;

import java.io.IOException;
import java.util.Map;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.common.inject.Inject;
import org.opensearch.common.xcontent.XContentHelper;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.indices.breaker.CircuitBreakerService;
import org.opensearch.core.xcontent.MediaType;
import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.hubness.build.BuildRunner;
import org.opensearch.tasks.CancellableTask;
import org.opensearch.tasks.Task;
import org.opensearch.tasks.TaskManager;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;

/**
 * PUT /_plugins/_hubness/banks/{name}: define a bank and build its version 1 on this node. The request carries the
 * body as the user sent it (like an ingest pipeline's PUT), parsed once where the action runs, off the network thread:
 * after the security plugin authorised the action, so a caller without it gets a 403 whatever the body.
 */
public final class PutBank {

    public static final String NAME = "cluster:admin/hubness/bank/put";
    public static final ActionType<BankResponse> ACTION = new ActionType<>(NAME, BankResponse::new);

    private PutBank() {}

    public static final class Request extends BuildRequest {
        /** The body as sent (null without one), parsed only where the action runs, after authorisation. */
        private final BytesReference body;

        private final MediaType mediaType;

        public Request(String bank, BytesReference body, MediaType mediaType, boolean background) {
            super(bank, background);
            this.body = body;
            this.mediaType = body == null ? null : mediaType;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            body = in.readOptionalBytesReference();
            mediaType = body == null ? null : in.readMediaType();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeOptionalBytesReference(body);
            if (body != null) mediaType.writeTo(out);
        }

        /** The definition the body holds, parsed and validated: a 400 when it is not valid JSON or not a valid bank. */
        BankDefinition definition() {
            Map<String, Object> map = body == null
                    ? Map.of()
                    : XContentHelper.convertToMap(body, false, mediaType).v2();
            return BankDefinition.fromMap(bank(), map);
        }
    }

    public static final class TransportAction extends HandledTransportAction<Request, BankResponse> {
        private final BuildRunner runner;
        private final ThreadPool threadPool;
        /** The coordinating node holds the banks while it builds: their bytes go in its request breaker. */
        private final CircuitBreakerService breakers;
        /** Cancels the build's task (and its shard passes) when the bank is deleted while it builds. */
        private final TaskManager tasks;

        @Inject
        public TransportAction(
                TransportService t,
                ActionFilters f,
                ThreadPool threadPool,
                BuildRunner runner,
                CircuitBreakerService breakers) {
            super(NAME, t, f, Request::new);
            this.threadPool = threadPool;
            this.runner = runner;
            this.breakers = breakers;
            this.tasks = t.getTaskManager();
        }

        private CircuitBreaker requestBreaker() {
            return breakers.getBreaker(CircuitBreaker.REQUEST);
        }

        @Override
        protected void doExecute(Task task, Request r, ActionListener<BankResponse> outcome) {
            ActionListener<BankResponse> listener = r.forTask(outcome);
            // the action filters (the security plugin) authorised the action already; the body (up to the 50 MB the
            // setting allows) is parsed once, here, on a generic thread: never on the network thread that delivered it
            threadPool.generic().execute(() -> {
                BankDefinition definition;
                try {
                    definition = r.definition();
                } catch (RuntimeException e) {
                    if (r.started() != null) r.started().onFailure(e);
                    listener.onFailure(e);
                    return;
                }
                runner.create(
                        definition,
                        r.background(),
                        requestBreaker(),
                        (CancellableTask) task,
                        tasks,
                        r.started(),
                        ActionListener.map(listener, BankResponse::published));
            });
        }
    }
}
