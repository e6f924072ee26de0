package org.opensearch.hubness.transport;

import java.io.IOException;
import org.opensearch.ResourceNotFoundException;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.hubness.bank.state.BankTransitions;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.hubness.node.NodeBanks;
import org.opensearch.tasks.Task;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;

/** POST .../banks/{name}/_clear_cache and POST .../_clear_cache: every node drops cached terms (of one bank, or all). */
public final class ClearCache {

    public static final String NAME = "cluster:admin/hubness/cache/clear";
    /** A node's object in the answer. */
    static final NodesFanOut.Fields<Dropped> FIELDS =
            (dropped, out) -> out.field("cache_entries_dropped", dropped.entries());

    public static final ActionType<NodesFanOut.Response<Dropped>> ACTION =
            new ActionType<>(NAME, in -> new NodesFanOut.Response<>(in, Dropped::new, FIELDS));

    private ClearCache() {}

    /** Which bank's terms to drop; null: every bank's. */
    record Scope(String bank) implements Writeable {
        Scope(StreamInput in) throws IOException {
            this(in.readOptionalString());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeOptionalString(bank);
        }
    }

    /** How many cache entries a node dropped. */
    public record Dropped(int entries) implements Writeable {
        Dropped(StreamInput in) throws IOException {
            this(in.readVInt());
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeVInt(entries);
        }
    }

    public static final class Request extends NodesFanOut.Request<Scope> {
        /** @param bank null: every bank */
        public Request(String bank) {
            super(new Scope(bank));
        }
    }

    public static final class TransportAction extends NodesFanOut.TransportAction<Scope, Dropped> {
        private final NodeBanks node;

        @Inject
        public TransportAction(ThreadPool p, ClusterService c, TransportService t, ActionFilters f, NodeBanks node) {
            super(NAME, p, c, t, f, Scope::new, Dropped::new, FIELDS);
            this.node = node;
        }

        /** A bank the cluster state does not know is a 404, as for every other bank operation. */
        @Override
        protected void doExecute(
                Task task, NodesFanOut.Request<Scope> request, ActionListener<NodesFanOut.Response<Dropped>> listener) {
            String bank = request.payload().bank();
            if (bank != null && HubnessMetadata.of(clusterService.state()).bank(bank) == null) {
                listener.onFailure(
                        new ResourceNotFoundException("no bank [" + bank + "]; " + BankTransitions.createHint(bank)));
                return;
            }
            super.doExecute(task, request, listener);
        }

        @Override
        protected Dropped perform(Scope scope) {
            return new Dropped(node.clearCache(scope.bank()));
        }
    }
}
