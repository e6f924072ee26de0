package org.opensearch.hubness.transport;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.clustermanager.AcknowledgedRequest;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.hubness.bank.state.BankRecord;
import org.opensearch.hubness.bank.state.BankTransitions;
import org.opensearch.hubness.bank.state.BuildTicket;
import org.opensearch.hubness.bank.state.BuildTrigger;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;

/**
 * Internal: the cluster manager records that a build starts (a new bank, or a rebuild), refusing a second build of
 * one bank with 409 and a PUT of an existing name with 400. Answers the ticket and the stored definition.
 */
public final class StartBuild {

    public static final String NAME = "cluster:admin/hubness/internal/bank/start_build";
    public static final ActionType<Response> ACTION = new ActionType<>(NAME, Response::new);

    private StartBuild() {}

    public static final class Request extends AcknowledgedRequest<Request> {
        private final String bank;
        /** Null for a rebuild (the stored definition is used). */
        private final BankDefinition definition;

        private final String buildId;
        private final String nodeId;
        private final String nodeEphemeralId;
        /** PUT for a new bank; for a rebuild, who asked for it. */
        private final BuildTrigger trigger;

        public Request(String bank, BankDefinition definition, String buildId, DiscoveryNode node) {
            this(bank, definition, buildId, node, definition == null ? BuildTrigger.REBUILD : BuildTrigger.PUT);
        }

        public Request(
                String bank, BankDefinition definition, String buildId, DiscoveryNode node, BuildTrigger trigger) {
            this.trigger = trigger;
            this.bank = bank;
            this.definition = definition;
            this.buildId = buildId;
            this.nodeId = node.getId();
            this.nodeEphemeralId = node.getEphemeralId();
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            bank = in.readString();
            definition = in.readOptionalWriteable(BankDefinition::new);
            buildId = in.readString();
            nodeId = in.readString();
            nodeEphemeralId = in.readString();
            trigger = in.readEnum(BuildTrigger.class);
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(bank);
            out.writeOptionalWriteable(definition);
            out.writeString(buildId);
            out.writeString(nodeId);
            out.writeString(nodeEphemeralId);
            out.writeEnum(trigger);
        }

        @Override
        public ActionRequestValidationException validate() {
            return null;
        }
    }

    public static final class Response extends ActionResponse {
        private final BuildTicket ticket;
        private final BankDefinition definition;

        Response(BuildTicket ticket, BankDefinition definition) {
            this.ticket = ticket;
            this.definition = definition;
        }

        public Response(StreamInput in) throws IOException {
            super(in);
            ticket = new BuildTicket(in);
            definition = new BankDefinition(in);
        }

        public BuildTicket ticket() {
            return ticket;
        }

        public BankDefinition definition() {
            return definition;
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            ticket.writeTo(out);
            definition.writeTo(out);
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
            long now = threadPool.absoluteTimeInMillis();
            clusterService.submitStateUpdateTask(
                    "hubness-start-build[" + r.bank + "]",
                    new BankMetadataTask<>(
                            r,
                            listener,
                            m -> {
                                Set<String> live = new HashSet<>();
                                for (DiscoveryNode n : clusterService.state().nodes()) live.add(n.getEphemeralId());
                                return r.definition != null
                                        ? BankTransitions.create(
                                                m, r.bank, r.definition, r.buildId, r.nodeId, r.nodeEphemeralId, now)
                                        : BankTransitions.rebuild(
                                                m,
                                                r.bank,
                                                r.buildId,
                                                r.nodeId,
                                                r.nodeEphemeralId,
                                                now,
                                                live,
                                                r.trigger);
                            },
                            (m, acked) -> {
                                BankRecord b = m.bank(r.bank);
                                return new Response(b.build(), b.definition());
                            }));
        }
    }
}
