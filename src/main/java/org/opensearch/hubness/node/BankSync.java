package org.opensearch.hubness.node;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.cluster.ClusterChangedEvent;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.ClusterStateListener;
import org.opensearch.cluster.ClusterStateUpdateTask;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.Priority;
import org.opensearch.gateway.GatewayService;
import org.opensearch.hubness.bank.BankRegistry;
import org.opensearch.hubness.bank.state.BankRecord;
import org.opensearch.hubness.bank.state.BankTransitions;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.hubness.cache.DocTermsCache;
import org.opensearch.threadpool.ThreadPool;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps this node's banks in step with the cluster state it applies: drops banks and versions the state no longer
 * names (at once, before the state is acknowledged), loads a new serving version in the background, and — on the
 * elected cluster manager — fails builds whose node left, so no bank stays {@code building} forever.
 */
public final class BankSync implements ClusterStateListener {

    private static final Logger LOG = LogManager.getLogger(BankSync.class);

    private final ClusterService clusterService;
    private final ThreadPool threadPool;
    private final BankRegistry registry;
    private final DocTermsCache cache;
    private final Set<String> loading = ConcurrentHashMap.newKeySet();

    public BankSync(ClusterService clusterService, ThreadPool threadPool, BankRegistry registry, DocTermsCache cache) {
        this.clusterService = clusterService;
        this.threadPool = threadPool;
        this.registry = registry;
        this.cache = cache;
    }

    @Override
    public void clusterChanged(ClusterChangedEvent event) {
        ClusterState state = event.state();
        if (state.blocks().hasGlobalBlock(GatewayService.STATE_NOT_RECOVERED_BLOCK)) return;
        HubnessMetadata banks = HubnessMetadata.of(state);
        for (String held : registry.names()) {
            BankRecord r = banks.bank(held);
            if (r == null) {
                registry.remove(held);
                cache.invalidate(held, -1);
            } else {
                for (long dropped : registry.retain(held, r.liveBuildIds())) cache.invalidate(held, dropped);
            }
        }
        for (BankRecord r : banks.banks().values()) {
            if (r.serving() != null) loadInBackground(r);
        }
        if (event.localNodeClusterManager()) failBuildsOfDepartedNodes(event, banks);
    }

    /** Loads the serving version unless it is held, loading, or was refused (a refusal is not retried per state). */
    public void loadInBackground(BankRecord r) {
        BankRegistry.Held held = registry.currentHeld(r.name());
        if (held != null && held.buildId().equals(r.serving().buildId())) return;
        BankRegistry.Refusal refused = registry.refusal(r.name());
        if (refused != null && refused.buildId().equals(r.serving().buildId())) return;
        String key = r.name() + "#" + r.serving().buildId();
        if (!loading.add(key)) return;
        threadPool.generic().execute(() -> {
            try {
                registry.load(r.name(), r.serving());
                cache.retainVersions(r.name(), new HashSet<>(registry.versionsOf(r.name())));
                LOG.info("bank [{}] version {} serves on this node", r.name(), r.serving().version());
            } catch (RuntimeException e) {
                LOG.warn(() -> "could not load bank [" + r.name() + "] version " + r.serving().version() + "; a search that needs it retries", e);
            } finally {
                loading.remove(key);
            }
        });
    }

    private void failBuildsOfDepartedNodes(ClusterChangedEvent event, HubnessMetadata banks) {
        boolean becameManager = !event.previousState().nodes().isLocalNodeElectedClusterManager();
        if (!event.nodesChanged() && !becameManager && !event.changedCustomMetadataSet().contains(HubnessMetadata.TYPE)) return;
        Set<String> present = new HashSet<>();
        for (DiscoveryNode n : event.state().nodes()) present.add(n.getEphemeralId());
        long now = threadPool.absoluteTimeInMillis();
        if (BankTransitions.failBuildsOfDepartedNodes(banks, present, now).equals(banks)) return;
        clusterService.submitStateUpdateTask("hubness-fail-builds-of-departed-nodes", new ClusterStateUpdateTask(Priority.NORMAL) {
            @Override
            public ClusterState execute(ClusterState current) {
                Set<String> nodes = new HashSet<>();
                for (DiscoveryNode n : current.nodes()) nodes.add(n.getEphemeralId());
                HubnessMetadata before = HubnessMetadata.of(current);
                HubnessMetadata after = BankTransitions.failBuildsOfDepartedNodes(before, nodes, now);
                return after.equals(before) ? current : after.applyTo(current);
            }

            @Override
            public void onFailure(String source, Exception e) {
                LOG.warn("could not fail the builds of departed nodes", e);
            }
        });
    }
}
