package org.opensearch.hubness.node;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.search.SearchAction;
import org.opensearch.action.search.SearchRequest;
import org.opensearch.action.support.ActionFilter;
import org.opensearch.action.support.ActionFilterChain;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.hubness.bank.state.BankRecord;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.hubness.rescore.HubnessRescorerBuilder;
import org.opensearch.search.rescore.RescorerBuilder;
import org.opensearch.tasks.Task;

/**
 * A bank's terms and activation sets describe one gallery index: a hubness rescore of a search over any other index
 * would normalise with the wrong documents' statistics, so it is a 400 that names both, before the search runs.
 */
public final class GalleryIndexFilter implements ActionFilter {

    /** Filters are created before the node's services: both are looked up when a search arrives. */
    private final Supplier<ClusterService> clusterService;

    private final Supplier<IndexNameExpressionResolver> resolver;

    /** The gallery index of each bank's definition, parsed once per definition rather than once per search. */
    private final Map<String, Gallery> galleries = new ConcurrentHashMap<>();

    private record Gallery(String definitionJson, String index) {}

    public GalleryIndexFilter(Supplier<ClusterService> clusterService, Supplier<IndexNameExpressionResolver> resolver) {
        this.clusterService = clusterService;
        this.resolver = resolver;
    }

    @Override
    public int order() {
        return Integer.MAX_VALUE - 1;
    }

    @Override
    public <Request extends ActionRequest, Response extends ActionResponse> void apply(
            Task task,
            String action,
            Request request,
            ActionListener<Response> listener,
            ActionFilterChain<Request, Response> chain) {
        if (SearchAction.NAME.equals(action)
                && request instanceof SearchRequest search
                && search.source() != null
                && search.source().rescores() != null) {
            try {
                for (RescorerBuilder<?> r : search.source().rescores()) {
                    if (r instanceof HubnessRescorerBuilder h)
                        check(search, h.clause().bank());
                }
            } catch (IllegalArgumentException e) {
                listener.onFailure(e);
                return;
            }
        }
        chain.proceed(task, action, request, listener);
    }

    private String galleryIndex(String bank, String definitionJson) {
        Gallery known = galleries.get(bank);
        if (known != null && known.definitionJson().equals(definitionJson))
            return known.index(); // same instance: no compare
        String index = BankDefinition.fromStoredJson(bank, definitionJson).galleryIndex();
        galleries.put(bank, new Gallery(definitionJson, index));
        return index;
    }

    private void check(SearchRequest search, String bank) {
        ClusterState state = clusterService.get().state();
        BankRecord record = HubnessMetadata.of(state).bank(bank);
        if (record == null) { // the rescorer reports an unknown bank
            galleries.remove(bank);
            return;
        }
        String gallery = galleryIndex(bank, record.definitionJson());
        Set<String> targets = new TreeSet<>(Set.of(resolver.get().concreteIndexNames(state, search)));
        targets.remove(gallery);
        if (!targets.isEmpty()) {
            throw new IllegalArgumentException("bank [" + bank + "] was built over the gallery index [" + gallery
                    + "], but this search also " + "targets " + targets + "; search [" + gallery
                    + "] only, or build a bank over the index you search");
        }
    }
}
