package org.opensearch.hubness.node;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.cluster.ClusterChangedEvent;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.ClusterStateListener;
import org.opensearch.cluster.ClusterStateUpdateTask;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.Priority;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.gateway.GatewayService;
import org.opensearch.hubness.bank.BankRegistry;
import org.opensearch.hubness.bank.state.BankRecord;
import org.opensearch.hubness.bank.state.BankTransitions;
import org.opensearch.hubness.bank.state.BankVersion;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.hubness.cache.DocTermsCache;
import org.opensearch.threadpool.ThreadPool;

/**
 * Keeps this node's banks in step with the cluster state it applies: drops banks and versions the state no longer
 * names (at once, before the state is acknowledged), loads a new serving version in the background on the plugin's
 * load pool (one read per version, however many searches ask; a read that failed for a transient reason, such as
 * {@code .hubness-banks} not started yet after a restart, is retried after 2 s, 4 s, … up to a minute apart while the
 * version serves, since a quiet cluster may publish no new state to ask again), and — on
 * the elected cluster manager — fails builds whose node left, so no bank stays {@code building} forever. Searches
 * never load: they find the version held or start a load here and answer a retryable 503.
 */
public final class BankSync implements ClusterStateListener {

    private static final Logger LOG = LogManager.getLogger(BankSync.class);

    private final ClusterService clusterService;
    private final ThreadPool threadPool;
    private final BankRegistry registry;
    private final DocTermsCache cache;
    /** Build ids queued or loading on the pool. */
    private final Set<String> loading = ConcurrentHashMap.newKeySet();
    /** When a build's last load failed for a transient reason (index not readable yet): retried after a pause. */
    private final Map<String, Long> failedAt = new ConcurrentHashMap<>();

    /** How many reads of a build failed in a row: the pause before the next retry doubles with it. */
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();

    private static final long RETRY_PAUSE_MILLIS = 1_000;
    private static final long MAX_RETRY_PAUSE_MILLIS = 60_000;

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
            if (r == null) registry.remove(held);
            else registry.retain(held, r.liveBuildIds());
        }
        // swept by its own names: a build's shard pass fills the cache of nodes that never loaded the bank
        for (String cached : cache.banks()) {
            BankRecord r = banks.bank(cached);
            if (r == null) cache.invalidate(cached);
            else cache.retainBuilds(cached, r.liveBuildIds());
        }
        failedAt.keySet()
                .removeIf(buildId -> banks.banks().values().stream()
                        .noneMatch(r -> r.liveBuildIds().contains(buildId)));
        failures.keySet().retainAll(failedAt.keySet());
        loadAllServing(banks);
        if (event.localNodeClusterManager()) failBuildsOfDepartedNodes(event, banks);
    }

    /** Starts loading every serving version this node lacks (also when the breaker limit changed: refusals may lift). */
    public void loadAllServing(HubnessMetadata banks) {
        for (BankRecord r : banks.banks().values()) {
            if (r.serving() != null) loadInBackground(r.name(), r.serving());
        }
    }

    /**
     * Loads a version the cluster state names unless it is held, queued, refused (a refusal is not retried per
     * search) or failed less than a second ago; returns at once.
     */
    public void loadInBackground(String name, BankVersion v) {
        if (registry.held(name, v.version()) != null || registry.standingRefusal(name, v) != null) return;
        Long failed = failedAt.get(v.buildId());
        if (failed != null && threadPool.relativeTimeInMillis() - failed < RETRY_PAUSE_MILLIS) return;
        if (!loading.add(v.buildId())) return;
        try {
            threadPool.executor(LoadPool.NAME).execute(() -> load(name, v));
        } catch (RejectedExecutionException e) {
            loading.remove(v.buildId()); // the queue is full of other loads: a later search or state change asks again
        }
    }

    private void load(String name, BankVersion v) {
        try {
            registry.load(name, v);
            failedAt.remove(v.buildId());
            failures.remove(v.buildId());
            LOG.info("bank [{}] version {} serves on this node", name, v.version());
        } catch (RuntimeException e) {
            if (registry.standingRefusal(name, v) == null) {
                failedAt.put(v.buildId(), threadPool.relativeTimeInMillis());
                int failed = failures.merge(v.buildId(), 1, Integer::sum);
                retryLater(name, v, Math.min(MAX_RETRY_PAUSE_MILLIS, RETRY_PAUSE_MILLIS << Math.min(failed, 6)));
            }
            LOG.warn(
                    () -> "could not load bank [" + name + "] version " + v.version()
                            + "; retried after a pause while it serves, and a search that needs it asks again",
                    e);
        } finally {
            loading.remove(v.buildId());
        }
    }

    /** Asks again after a pause if the version still serves then (a DELETE or a newer build ends the retries). */
    private void retryLater(String name, BankVersion v, long pauseMillis) {
        threadPool.schedule(
                () -> {
                    BankRecord r = HubnessMetadata.of(clusterService.state()).bank(name);
                    if (r != null
                            && r.serving() != null
                            && r.serving().buildId().equals(v.buildId())) {
                        loadInBackground(name, r.serving());
                    }
                },
                TimeValue.timeValueMillis(pauseMillis),
                ThreadPool.Names.GENERIC);
    }

    private void failBuildsOfDepartedNodes(ClusterChangedEvent event, HubnessMetadata banks) {
        boolean becameManager = !event.previousState().nodes().isLocalNodeElectedClusterManager();
        if (!event.nodesChanged()
                && !becameManager
                && !event.changedCustomMetadataSet().contains(HubnessMetadata.TYPE)) return;
        Set<String> present = new HashSet<>();
        for (DiscoveryNode n : event.state().nodes()) present.add(n.getEphemeralId());
        long now = threadPool.absoluteTimeInMillis();
        if (BankTransitions.failBuildsOfDepartedNodes(banks, present, now).equals(banks)) return;
        clusterService.submitStateUpdateTask(
                "hubness-fail-builds-of-departed-nodes", new ClusterStateUpdateTask(Priority.NORMAL) {
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
