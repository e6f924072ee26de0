package org.opensearch.hubness.transport;

import java.io.IOException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.breaker.CircuitBreaker;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.indices.breaker.CircuitBreakerService;
import org.opensearch.hubness.bank.state.BuildTrigger;
import org.opensearch.hubness.build.BuildRunner;
import org.opensearch.tasks.CancellableTask;
import org.opensearch.tasks.Task;
import org.opensearch.tasks.TaskManager;
import org.opensearch.transport.TransportService;

/** POST /_plugins/_hubness/banks/{name}/_rebuild: build the next version on this node; one build per bank (else 409). */
public final class RebuildBank {

    public static final String NAME = "cluster:admin/hubness/bank/rebuild";
    public static final ActionType<BankResponse> ACTION = new ActionType<>(NAME, BankResponse::new);

    private RebuildBank() {}

    public static final class Request extends BuildRequest {
        /** Whether the REST request had a body: refused here, after authorisation, not before it. */
        private final boolean withBody;
        /** {@code rebuild} for the REST route; {@code policy} for the bank's rebuild policy (recorded in the build). */
        private final BuildTrigger trigger;

        public Request(String bank, boolean withBody, boolean background) {
            this(bank, withBody, background, BuildTrigger.REBUILD);
        }

        public Request(String bank, boolean withBody, boolean background, BuildTrigger trigger) {
            super(bank, background);
            this.withBody = withBody;
            if (trigger == BuildTrigger.PUT) throw new IllegalArgumentException("a rebuild is not a PUT");
            this.trigger = trigger;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            withBody = in.readBoolean();
            trigger = in.readEnum(BuildTrigger.class);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeBoolean(withBody);
            out.writeEnum(trigger);
        }
    }

    public static final class TransportAction extends HandledTransportAction<Request, BankResponse> {
        private final BuildRunner runner;
        /** The coordinating node holds the banks while it builds: their bytes go in its request breaker. */
        private final CircuitBreakerService breakers;
        /** Cancels the build's task (and its shard passes) when the bank is deleted while it builds. */
        private final TaskManager tasks;

        @Inject
        public TransportAction(
                TransportService t, ActionFilters f, BuildRunner runner, CircuitBreakerService breakers) {
            super(NAME, t, f, Request::new);
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
            if (r.withBody) {
                IllegalArgumentException e = new IllegalArgumentException("_rebuild takes no body: it rebuilds bank ["
                        + r.bank() + "] from its stored definition; to change the definition, DELETE the bank and PUT "
                        + "it again");
                if (r.started() != null) r.started().onFailure(e);
                listener.onFailure(e);
                return;
            }
            runner.rebuild(
                    r.bank(),
                    r.trigger,
                    requestBreaker(),
                    (CancellableTask) task,
                    tasks,
                    r.started(),
                    ActionListener.map(listener, BankResponse::published));
        }
    }
}
