package org.opensearch.hubness.transport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionRunnable;
import org.opensearch.action.ActionType;
import org.opensearch.action.support.ActionFilters;
import org.opensearch.action.support.HandledTransportAction;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.inject.Inject;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.hubness.bank.BankHubs;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.bank.VectorSource;
import org.opensearch.hubness.bank.state.BankRecord;
import org.opensearch.hubness.bank.state.BankTransitions;
import org.opensearch.hubness.bank.state.BuildReport;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.hubness.node.NodeBanks;
import org.opensearch.hubness.security.SourceVisibility;
import org.opensearch.hubness.security.SystemIndexAccess;
import org.opensearch.index.IndexNotFoundException;
import org.opensearch.indices.IndexClosedException;
import org.opensearch.tasks.Task;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.TransportService;
import org.opensearch.transport.client.node.NodeClient;

/**
 * GET /_plugins/_hubness/banks/{name}, GET /_plugins/_hubness/banks and GET /_plugins/_hubness/banks/{name}/_hubs:
 * read from the cluster state this node applied (acknowledged changes are in it); one bank also asks every node what
 * it serves, refused or keeps retrying, and counts the documents of its index sources now (the drift since the build); the hubs come
 * from the serving version as this node loaded it (checked against its digest). One permission for all three: who
 * may see a bank may see its hubs.
 */
public final class GetBank {

    private static final Logger LOG = LogManager.getLogger(GetBank.class);

    public static final String NAME = "cluster:admin/hubness/bank/get";
    public static final ActionType<BankResponse> ACTION = new ActionType<>(NAME, BankResponse::new);

    private GetBank() {}

    public static final class Request extends ActionRequest {
        /** Null: list every bank. */
        private final String bank;
        /** Null: the bank itself; else how many hubs of each bank to answer. */
        private final Integer hubs;

        public Request(String bank) {
            this(bank, null);
        }

        /** The first {@code hubs} hubs of each bank of {@code bank}'s serving version. */
        public Request(String bank, Integer hubs) {
            this.bank = bank;
            this.hubs = hubs;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            bank = in.readOptionalString();
            hubs = in.readOptionalVInt();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeOptionalString(bank);
            out.writeOptionalVInt(hubs);
        }

        @Override
        public ActionRequestValidationException validate() {
            if (hubs != null && (hubs < 0 || hubs > BankHubs.MAX_STORED)) {
                ActionRequestValidationException e = new ActionRequestValidationException();
                e.addValidationError("[size] must be between 0 and " + BankHubs.MAX_STORED
                        + " (a version stores its top " + BankHubs.MAX_STORED + " hubs per bank), got [" + hubs + "]");
                return e;
            }
            return null;
        }
    }

    public static final class TransportAction extends HandledTransportAction<Request, BankResponse> {
        private final ClusterService clusterService;
        private final NodeClient client;
        private final SystemIndexAccess asPlugin;
        private final ThreadPool threadPool;
        private final NodeBanks nodeBanks;
        private final SourceVisibility sources;

        @Inject
        public TransportAction(
                TransportService t,
                ActionFilters f,
                ClusterService clusterService,
                NodeClient client,
                SystemIndexAccess asPlugin,
                ThreadPool threadPool,
                NodeBanks nodeBanks) {
            super(NAME, t, f, Request::new);
            this.clusterService = clusterService;
            this.client = client;
            this.asPlugin = asPlugin;
            this.threadPool = threadPool;
            this.nodeBanks = nodeBanks;
            this.sources = new SourceVisibility(client, asPlugin);
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
                if (r.hubs != null) {
                    // loading a version reads its blobs: blocking, so not on a transport thread
                    threadPool.generic().execute(ActionRunnable.supply(listener, () -> hubs(record, r.hubs)));
                    return;
                }
                // the nodes' report is the plugin's internal action: a viewer needs only bank/get
                asPlugin.<BankNodes.Response>callAsync(
                        l -> client.execute(BankNodes.ACTION, BankNodes.Request.now(r.bank), l),
                        ActionListener.wrap(
                                nodes -> threadPool
                                        .generic()
                                        .execute(ActionRunnable.supply(
                                                listener,
                                                () -> BankResponse.one(record, nodes.nodes(), drift(record)))),
                                listener::onFailure));
            } catch (Exception e) {
                listener.onFailure(e);
            }
        }

        private BankResponse hubs(BankRecord record, int size) {
            if (record.serving() == null) {
                throw new OpenSearchStatusException(
                        "bank [" + record.name() + "] has no built version yet (state ["
                                + record.state().externalName() + "]); its hubs exist once a build completes",
                        RestStatus.NOT_FOUND);
            }
            LoadedBank v = nodeBanks.serving(record.name(), record.serving());
            if (!v.hasHubs()) {
                throw new OpenSearchStatusException(
                        "bank [" + record.name() + "] version " + v.version()
                                + " was built before builds recorded hubs; rebuild it (POST /_plugins/_hubness/banks/"
                                + record.name() + "/_rebuild) to record them",
                        RestStatus.NOT_FOUND);
            }
            List<HubsView> views = new ArrayList<>();
            if (v.queryHubs() != null) views.add(HubsView.of("query_bank", v.queryHubs(), size));
            if (v.galleryHubs() != null) views.add(HubsView.of("gallery_bank", v.galleryHubs(), size));
            return BankResponse.hubs(record, views);
        }

        /**
         * The documents with the vector field in the gallery and in each index bank source, at the serving version's
         * build (from its build report) and now (a count, as the plugin, like the build's own count).
         */
        private List<SourceCounts> drift(BankRecord record) {
            BankDefinition def = record.definition();
            BuildReport built =
                    record.serving() == null ? null : record.serving().buildInfo();
            List<SourceCounts> out = new ArrayList<>();
            out.add(counts(
                    "gallery",
                    def.galleryIndex(),
                    def.galleryField(),
                    built == null ? null : built.galleryDocuments()));
            String[] roles = {"query_bank", "gallery_bank"};
            VectorSource[] banks = {def.queryBank(), def.galleryBank()};
            Long[] atBuild = {
                built == null ? null : built.queryBankSourceDocuments(),
                built == null ? null : built.galleryBankSourceDocuments()
            };
            for (int i = 0; i < roles.length; i++) {
                // a posted or sampled bank has no index of its own to drift from
                if (banks[i] == null || banks[i].kind() != VectorSource.Kind.INDEX) continue;
                out.add(counts(roles[i], banks[i].index(), banks[i].field(), atBuild[i]));
            }
            return out;
        }

        private SourceCounts counts(String role, String index, String field, Long atBuild) {
            Long now;
            try {
                now = sources.documentsWithField(index, field);
            } catch (IndexNotFoundException | IndexClosedException gone) {
                now = null; // GET describes the bank whatever became of its sources: the count is what it cannot give
            } catch (RuntimeException unavailable) {
                LOG.debug(() -> "GET of a bank could not count [" + index + "] now", unavailable);
                now = null;
            }
            return new SourceCounts(role, index, field, atBuild, now);
        }
    }
}
