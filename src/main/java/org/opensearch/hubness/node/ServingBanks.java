package org.opensearch.hubness.node;

import org.opensearch.OpenSearchStatusException;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.gateway.GatewayService;
import org.opensearch.hubness.bank.BankLookup;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.bank.state.BankRecord;
import org.opensearch.hubness.bank.state.BankState;
import org.opensearch.hubness.bank.state.BankVersion;
import org.opensearch.hubness.bank.state.HubnessMetadata;

/**
 * How the rescorer finds banks, on the coordinating node and on every shard. It never reads {@code .hubness-banks}:
 * the cluster state says which version serves, the registry holds it or the node's {@link BankSync} loads it in the
 * background. A bank that exists but is not usable on this node right now is a 503 the client may retry (never
 * "unknown bank"): its first version is still building, this node has not recovered the cluster state yet, or it is
 * loading the version (the message names the node and the version); a version this node refused answers with the
 * refusal's status and reason. Only a bank the cluster state does not know is unknown.
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
        BankRecord r = record(name);
        if (r == null) return null;
        if (r.serving() == null) {
            if (r.state() == BankState.BUILDING) {
                throw new OpenSearchStatusException(
                        "bank [" + name + "] is building its first version; retry when GET /_plugins/_hubness/banks/"
                                + name + " says [ready]",
                        RestStatus.SERVICE_UNAVAILABLE);
            }
            throw new OpenSearchStatusException(
                    "bank [" + name + "] has no built version: its build failed ("
                            + (r.failure() == null
                                    ? "unknown reason"
                                    : r.failure().reason()) + "); fix the sources and rebuild it",
                    RestStatus.CONFLICT);
        }
        BankRegistry.Held held = registry.currentHeld(name);
        if (held != null && held.buildId().equals(r.serving().buildId())) return held.bank();
        throwIfRefused(
                name, r.serving()); // never serve the previous version silently when this node refused the new one
        sync.loadInBackground(name, r.serving());
        if (held != null
                && r.previous() != null
                && held.buildId().equals(r.previous().buildId())) {
            return held.bank(); // the switch to the new version is under way on this node: the previous one is still a
            // valid pin
        }
        throw loading(name, r.serving());
    }

    /** The pinned version if this node holds it; else a background load starts and the shard answers a retryable 503. */
    @Override
    public LoadedBank version(String name, long version) {
        LoadedBank held = registry.held(name, version);
        if (held != null) return held;
        BankRecord r = record(name);
        BankVersion wanted = r == null ? null : r.version(version);
        if (wanted == null) return null; // rebuilt twice or deleted since the coordinator pinned it
        throwIfRefused(name, wanted);
        sync.loadInBackground(name, wanted);
        throw loading(name, wanted);
    }

    private BankRecord record(String name) {
        ClusterState state = clusterService.state();
        if (state.blocks().hasGlobalBlock(GatewayService.STATE_NOT_RECOVERED_BLOCK)) {
            throw new OpenSearchStatusException(
                    "node [" + nodeName() + "] has not recovered the cluster state yet, so it does not know bank ["
                            + name + "] yet; retry the search",
                    RestStatus.SERVICE_UNAVAILABLE);
        }
        return HubnessMetadata.of(state).bank(name);
    }

    private void throwIfRefused(String name, BankVersion v) {
        BankRegistry.Refusal refused = registry.standingRefusal(name, v);
        if (refused != null) {
            throw new OpenSearchStatusException(
                    "node [" + nodeName() + "] refused bank [" + name + "] version " + refused.version() + ": "
                            + refused.reason(),
                    refused.status());
        }
    }

    private OpenSearchStatusException loading(String name, BankVersion v) {
        BankSync.Retry retry = sync.retrying(name);
        String why = retry == null || retry.version() != v.version()
                ? ""
                : " (" + retry.attempts() + " reads failed so far, retried automatically: " + retry.reason() + ")";
        return new OpenSearchStatusException(
                "bank [" + name + "] version " + v.version() + " is still being loaded on node [" + nodeName() + "]"
                        + why + "; retry the search",
                RestStatus.SERVICE_UNAVAILABLE);
    }

    private String nodeName() {
        return clusterService.localNode().getName();
    }
}
