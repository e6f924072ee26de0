package org.opensearch.hubness.node;

import org.opensearch.OpenSearchException;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.hubness.bank.BankLookup;
import org.opensearch.hubness.bank.BankRegistry;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.bank.state.BankRecord;
import org.opensearch.hubness.bank.state.BankState;
import org.opensearch.hubness.bank.state.HubnessMetadata;

/**
 * How the rescorer finds banks: the cluster state says which version serves, the registry holds it. A bank that
 * exists but is not usable on this node right now is a 503 the client may retry (never "unknown bank"): its first
 * version is still building, or this node is loading it (started in the background), or it refused it (the reason
 * is in the message). Only a bank the cluster state does not know is unknown.
 */
public final class ServingBanks implements BankLookup {

    private final ClusterService clusterService;
    private final BankRegistry registry;
    private final BankSync sync;

    public ServingBanks(ClusterService clusterService, BankRegistry registry, BankSync sync) {
        this.clusterService = clusterService;
        this.registry = registry;
        this.sync = sync;
    }

    @Override
    public LoadedBank current(String name) {
        BankRecord r = HubnessMetadata.of(clusterService.state()).bank(name);
        if (r == null) return null;
        if (r.serving() == null) {
            if (r.state() == BankState.BUILDING) {
                throw new OpenSearchStatusException("bank [" + name + "] is building its first version; retry when GET /_plugins/_hubness/banks/"
                    + name + " says [ready]", RestStatus.SERVICE_UNAVAILABLE);
            }
            throw new OpenSearchStatusException("bank [" + name + "] has no built version: its build failed ("
                + (r.failure() == null ? "unknown reason" : r.failure().reason()) + "); fix the sources and rebuild it", RestStatus.CONFLICT);
        }
        BankRegistry.Held held = registry.currentHeld(name);
        if (held != null && held.buildId().equals(r.serving().buildId())) return held.bank();
        if (held != null && r.previous() != null && held.buildId().equals(r.previous().buildId())) {
            // the switch to a new version is under way on this node: the previous one is still a valid pin
            sync.loadInBackground(r);
            return held.bank();
        }
        BankRegistry.Refusal refused = registry.refusal(name);
        if (refused != null && refused.buildId().equals(r.serving().buildId())) {
            throw new OpenSearchStatusException("node [" + clusterService.localNode().getName() + "] refused bank [" + name + "] version "
                + refused.version() + ": " + refused.reason(), refused.status());
        }
        sync.loadInBackground(r);
        throw new OpenSearchStatusException("bank [" + name + "] version " + r.serving().version() + " is being loaded on node ["
            + clusterService.localNode().getName() + "]; retry the search", RestStatus.SERVICE_UNAVAILABLE);
    }

    @Override
    public LoadedBank version(String name, long version) {
        try {
            return registry.version(name, version);
        } catch (OpenSearchStatusException e) {
            throw new OpenSearchStatusException("node [" + clusterService.localNode().getName() + "] cannot serve bank [" + name + "] version "
                + version + ": " + e.getMessage(), e.status(), e);
        } catch (OpenSearchException | IllegalStateException e) {
            throw new OpenSearchStatusException("node [" + clusterService.localNode().getName() + "] cannot load bank [" + name + "] version "
                + version + " now (" + e.getMessage() + "); retry the search", RestStatus.SERVICE_UNAVAILABLE, e);
        }
    }
}
