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
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.hubness.bank.state.BankFailure;
import org.opensearch.hubness.bank.state.BankTransitions;
import org.opensearch.hubness.bank.state.BankVersion;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;

/**
 * Internal: the cluster manager ends a build — publishes its version, records its failure, or (a first build whose
 * definition proved invalid while the caller waited) removes the bank. Applied only while the build id is still the
 * bank's running build: a build overtaken by a DELETE or a newer PUT changes nothing and answers {@code applied=false}.
 */
public final class EndBuild {

    public static final String NAME = "cluster:admin/hubness/internal/bank/end_build";
    public static final ActionType<Response> ACTION = new ActionType<>(NAME, Response::new);

    private EndBuild() {}

    public enum Outcome implements Writeable {
        PUBLISHED,
        FAILED,
        ABANDONED;

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeEnum(this);
        }
    }

    public static final class Request extends AcknowledgedRequest<Request> {
        private final String bank;
        private final String buildId;
        private final Outcome outcome;
        private final BankVersion version;
        private final BankFailure failure;

        public static Request published(String bank, String buildId, BankVersion version) {
            return new Request(bank, buildId, Outcome.PUBLISHED, version, null);
        }

        public static Request failed(String bank, String buildId, BankFailure failure, boolean abandon) {
            return new Request(bank, buildId, abandon ? Outcome.ABANDONED : Outcome.FAILED, null, failure);
        }

        private Request(String bank, String buildId, Outcome outcome, BankVersion version, BankFailure failure) {
            this.bank = bank;
            this.buildId = buildId;
            this.outcome = outcome;
            this.version = version;
            this.failure = failure;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            bank = in.readString();
            buildId = in.readString();
            outcome = in.readEnum(Outcome.class);
            version = in.readOptionalWriteable(BankVersion::new);
            failure = in.readOptionalWriteable(BankFailure::new);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(bank);
            out.writeString(buildId);
            outcome.writeTo(out);
            out.writeOptionalWriteable(version);
            out.writeOptionalWriteable(failure);
        }

        @Override
        public ActionRequestValidationException validate() {
            return null;
        }

        HubnessMetadata apply(HubnessMetadata m) {
            return switch (outcome) {
                case PUBLISHED -> BankTransitions.publish(m, bank, buildId, version);
                case FAILED -> BankTransitions.fail(m, bank, buildId, failure);
                case ABANDONED -> BankTransitions.abandon(m, bank, buildId, failure);
            };
        }
    }

    public static final class Response extends ActionResponse {
        private final boolean applied;

        Response(boolean applied) {
            this.applied = applied;
        }

        public Response(StreamInput in) throws IOException {
            super(in);
            applied = in.readBoolean();
        }

        /** False when the build had been overtaken (deleted, re-created, failed by the cluster manager). */
        public boolean applied() {
            return applied;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeBoolean(applied);
        }
    }

    public static final class TransportAction extends BankClusterManagerAction<Request, Response> {
        @Inject
        public TransportAction(
                TransportService t, ClusterService c, ThreadPool p, ActionFilters f, IndexNameExpressionResolver r) {
            super(NAME, t, c, p, f, Request::new, Response::new, r);
        }

        @Override
        protected void clusterManagerOperation(Request r, ClusterState state, ActionListener<Response> listener) {
            boolean[] applied = new boolean[1];
            clusterService.submitStateUpdateTask(
                    "hubness-end-build[" + r.bank + "]",
                    new BankMetadataTask<>(
                            r,
                            listener,
                            m -> {
                                applied[0] = BankTransitions.isCurrentBuild(m, r.bank, r.buildId);
                                return r.apply(m);
                            },
                            (m, acked) -> new Response(applied[0])));
        }
    }
}
