/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.security;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.action.ActionRequest;
import org.opensearch.action.DocWriteRequest;
import org.opensearch.action.IndicesRequest;
import org.opensearch.action.admin.indices.alias.IndicesAliasesRequest;
import org.opensearch.action.bulk.BulkRequest;
import org.opensearch.action.support.ActionFilter;
import org.opensearch.action.support.ActionFilterChain;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.metadata.IndexAbstraction;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.metadata.IndexNameExpressionResolver;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.core.action.ActionListener;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.tasks.Task;

/**
 * Bank storage is the plugin's: a plain write or admin change to {@code .hubness-banks} (index, bulk, update, delete,
 * by-query, mapping, settings, close, block, alias, index delete or create) is a 403 that points to the bank API,
 * unless it comes from the plugin acting as itself ({@link SystemIndexAccess}) or from OpenSearch's own system
 * context (replication, retention leases). The security plugin, where installed, refuses such requests first; this
 * covers clusters without it, where checksums would otherwise turn the damage into 503s with no warning.
 * {@code plugins.hubness.bank_storage.allow_direct_writes} lets an operator repair the index: each such write is then
 * logged as a warning instead.
 */
public final class BankStorageGuard implements ActionFilter {

    private static final Logger LOG = LogManager.getLogger(BankStorageGuard.class);

    /** Admin actions that change nothing an index holds or how it serves: always let through. */
    private static final List<String> HARMLESS_ADMIN = List.of(
            "indices:admin/get",
            "indices:admin/exists",
            "indices:admin/mappings/get",
            "indices:admin/mappings/fields/get",
            "indices:admin/aliases/get",
            "indices:admin/aliases/exists",
            "indices:admin/resolve/",
            "indices:admin/refresh",
            "indices:admin/flush",
            "indices:admin/forcemerge",
            "indices:admin/cache/clear",
            "indices:admin/analyze",
            "indices:admin/validate/",
            "indices:admin/shards/search_shards",
            "indices:admin/seq_no/",
            "indices:admin/mapping/auto_put",
            "indices:admin/data_stream/get");

    /** The transient the security plugin sets on every request it authenticated (its ConfigConstants). */
    private static final String SECURITY_PLUGIN_USER = "_opendistro_security_user";

    /** Filters are created before the node's services: these are looked up when a request arrives. */
    private final Supplier<ClusterService> clusterService;

    private final Supplier<IndexNameExpressionResolver> resolver;
    private final Supplier<ThreadContext> threadContext;
    private final BooleanSupplier directWritesAllowed;
    /** The bank storage index (bank/storage's, handed in so that storage and this guard do not import each other). */
    private final String storage;

    public BankStorageGuard(
            String storage,
            Supplier<ClusterService> clusterService,
            Supplier<IndexNameExpressionResolver> resolver,
            Supplier<ThreadContext> threadContext,
            BooleanSupplier directWritesAllowed) {
        this.storage = storage;
        this.clusterService = clusterService;
        this.resolver = resolver;
        this.threadContext = threadContext;
        this.directWritesAllowed = directWritesAllowed;
    }

    /** After the security plugin's filter (which answers first where it is installed), before the plugin's others. */
    @Override
    public int order() {
        return Integer.MIN_VALUE + 1000;
    }

    @Override
    public <Request extends ActionRequest, Response extends ActionResponse> void apply(
            Task task,
            String action,
            Request request,
            ActionListener<Response> listener,
            ActionFilterChain<Request, Response> chain) {
        if (guarded(action) && !trusted() && touchesBankStorage(request)) {
            if (!directWritesAllowed.getAsBoolean()) {
                listener.onFailure(new OpenSearchStatusException(
                        "[" + storage + "] is the hubness plugin's bank storage; [" + action
                                + "] on it is refused: change banks through /_plugins/_hubness/banks (an operator"
                                + " repairing the index can set plugins.hubness.bank_storage.allow_direct_writes)",
                        RestStatus.FORBIDDEN));
                return;
            }
            LOG.warn(
                    "[{}] on [{}], the hubness plugin's bank storage, let through because"
                            + " plugins.hubness.bank_storage.allow_direct_writes is true; a changed blob fails its"
                            + " checksum and its version is refused",
                    action,
                    storage);
        }
        chain.proceed(task, action, request, listener);
    }

    /** Writes and changing admin actions, at their entry point (shard-level sub-actions carry a "[" suffix). */
    static boolean guarded(String action) {
        if (action.indexOf('[') >= 0) return false;
        if (action.startsWith("indices:data/write/")) return true;
        if (!action.startsWith("indices:admin/")) return false;
        for (String harmless : HARMLESS_ADMIN) if (action.startsWith(harmless)) return false;
        return true;
    }

    /**
     * The plugin itself, OpenSearch's system context, or a request the security plugin authenticated: that plugin's
     * filter ran first and, with {@code plugins.security.system_indices.enabled}, let through only its super-admin
     * certificate, whose repairs this guard does not second-guess.
     */
    private boolean trusted() {
        ThreadContext context = threadContext.get();
        return context == null
                || context.isSystemContext()
                || SystemIndexAccess.isPlugin(context)
                || context.getTransient(SECURITY_PLUGIN_USER) != null;
    }

    private boolean touchesBankStorage(ActionRequest request) {
        ClusterService cs = clusterService.get();
        if (cs == null) return false;
        ClusterState state = cs.state();
        if (request instanceof BulkRequest bulk) {
            Set<String> names = new HashSet<>();
            for (DocWriteRequest<?> item : bulk.requests()) names.add(item.index());
            return names.stream().anyMatch(n -> namesBankStorage(state, n));
        }
        if (request instanceof IndicesAliasesRequest aliases) {
            for (IndicesAliasesRequest.AliasActions a : aliases.getAliasActions()) if (touches(state, a)) return true;
            return false;
        }
        return request instanceof IndicesRequest r && touches(state, r);
    }

    private boolean touches(ClusterState state, IndicesRequest r) {
        String[] names = r.indices();
        if (names == null) return false;
        for (String n : names) if (namesBankStorage(state, n)) return true;
        IndexNameExpressionResolver res = resolver.get();
        if (res == null) return false;
        try {
            for (String concrete : res.concreteIndexNamesWithSystemIndexAccess(state, r))
                if (storage.equals(concrete)) return true;
        } catch (RuntimeException unresolvable) {
            // a missing index or a bad pattern: the action itself answers that
        }
        return false;
    }

    /** The name itself, or an alias that points to it (created before this guard existed). */
    private boolean namesBankStorage(ClusterState state, String name) {
        if (storage.equals(name)) return true;
        if (name == null) return false;
        IndexAbstraction a = state.metadata().getIndicesLookup().get(name);
        if (a == null) return false;
        for (IndexMetadata m : a.getIndices()) if (storage.equals(m.getIndex().getName())) return true;
        return false;
    }
}
