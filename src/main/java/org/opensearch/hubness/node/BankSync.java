package org.opensearch.hubness.node;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.ExceptionsHelper;
import org.opensearch.cluster.ClusterChangedEvent;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.ClusterStateListener;
import org.opensearch.cluster.ClusterStateUpdateTask;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.Priority;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.action.ActionListener;
import org.opensearch.gateway.GatewayService;
import org.opensearch.hubness.bank.state.BankRecord;
import org.opensearch.hubness.bank.state.BankTransitions;
import org.opensearch.hubness.bank.state.BankVersion;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.hubness.cache.CacheWarmer;
import org.opensearch.hubness.cache.DocTermsCache;
import org.opensearch.threadpool.ThreadPool;

/**
 * Keeps this node's banks in step with the cluster state it applies — the only way a node loads a version: drops banks
 * and versions the state no longer names (at once, before the state is acknowledged), loads and warms a new serving
 * version in the background on the plugin's load pool (one read per version, however many searches ask; a read that
 * failed for a transient reason, such as {@code .hubness-banks} not started yet after a restart, is retried after 2 s,
 * 4 s, … up to a minute apart while the version serves, since a quiet cluster may publish no new state to ask again,
 * and GET shows the reason meanwhile), tells the callers waiting for a build ({@link #awaitSettled}: the answer of a
 * PUT or _rebuild) once this node holds or refused it, and — on
 * the elected cluster manager — fails builds whose node left, so no bank stays {@code building} forever. Searches
 * never load: they find the version held or start a load here and answer a retryable 503.
 */
public final class BankSync implements ClusterStateListener {

    private static final Logger LOG = LogManager.getLogger(BankSync.class);

    private final ClusterService clusterService;
    private final ThreadPool threadPool;
    private final BankRegistry registry;
    private final DocTermsCache cache;
    /** Build ids queued or loading on the pool (loading includes warming the cache for the local gallery shards). */
    private final Set<String> loading = ConcurrentHashMap.newKeySet();
    /** Per build id, the transient failures of its last reads in a row: retried after a pause doubling with them. */
    private final Map<String, Retry> retries = new ConcurrentHashMap<>();

    private final LoadWaiters waiters;
    /** Fills the cache for the local gallery shards once a version is loaded (wired once the node's indices exist). */
    private volatile CacheWarmer warmer;

    private static final long RETRY_PAUSE_MILLIS = 1_000;
    private static final long MAX_RETRY_PAUSE_MILLIS = 60_000;

    /**
     * A version this node could not read for a reason that may pass (its bank index not readable yet, a shard still
     * recovering): how many reads failed in a row, the last one's root cause, and when; it is retried, not refused.
     */
    public record Retry(long version, int attempts, String reason, long atMillis) {}

    public BankSync(ClusterService clusterService, ThreadPool threadPool, BankRegistry registry, DocTermsCache cache) {
        this.clusterService = clusterService;
        this.threadPool = threadPool;
        this.registry = registry;
        this.cache = cache;
        this.waiters = new LoadWaiters(threadPool, this::settled);
    }

    /** Warms the cache after every load from now on (the plugin wires it once the node's indices service exists). */
    public void warmWith(CacheWarmer warmer) {
        this.warmer = warmer;
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
        retries.keySet()
                .removeIf(buildId -> banks.banks().values().stream()
                        .noneMatch(r -> r.liveBuildIds().contains(buildId)));
        loadAllServing(banks);
        waiters.recheck(); // a deleted bank or an overtaken build settles its waiters
        if (event.localNodeClusterManager()) failBuildsOfDepartedNodes(event, banks);
    }

    /**
     * Answers once this node has settled on a bank's build — holds it (loaded and warmed), refused it, or no longer
     * needs it (the bank was deleted or a newer build serves) — or with {@code false} when the timeout passes first.
     * Nothing waits on a thread: the answer comes from the load that settles it or from the timer.
     */
    public void awaitSettled(String bank, String buildId, TimeValue timeout, ActionListener<Boolean> listener) {
        waiters.await(bank, buildId, timeout, listener);
    }

    /** Whether this node has settled on the build, in the cluster state it applied. */
    boolean settled(String bank, String buildId) {
        BankRecord r = HubnessMetadata.of(clusterService.state()).bank(bank);
        if (r == null) return true; // deleted
        if (r.build() != null && r.build().buildId().equals(buildId)) return false; // not published here yet
        BankVersion v = r.serving();
        if (v == null || !v.buildId().equals(buildId)) return true; // overtaken: a newer build serves
        if (loading.contains(buildId)) return false;
        return registry.held(bank, v.version()) != null || registry.standingRefusal(bank, v) != null;
    }

    /** The transient failures of the bank's serving version on this node, or null (none, or it loaded since). */
    public Retry retrying(String bank) {
        BankRecord r = HubnessMetadata.of(clusterService.state()).bank(bank);
        return r == null || r.serving() == null ? null : retries.get(r.serving().buildId());
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
        Retry failed = retries.get(v.buildId());
        if (failed != null && threadPool.relativeTimeInMillis() - failed.atMillis() < RETRY_PAUSE_MILLIS) return;
        if (!loading.add(v.buildId())) return;
        try {
            threadPool.executor(LoadPool.NAME).execute(() -> load(name, v));
        } catch (RejectedExecutionException e) {
            loading.remove(v.buildId()); // the queue is full of other loads: a later search or state change asks again
        }
    }

    private void load(String name, BankVersion v) {
        try {
            BankRegistry.Held held = registry.load(name, v);
            retries.remove(v.buildId());
            CacheWarmer w = warmer;
            long warmed = w == null ? 0 : w.warm(held.bank());
            LOG.info("bank [{}] version {} serves on this node ({} documents warmed)", name, v.version(), warmed);
        } catch (RuntimeException e) {
            if (registry.standingRefusal(name, v) == null) {
                Retry retry = retries.merge(
                        v.buildId(),
                        new Retry(v.version(), 1, rootCause(e), threadPool.relativeTimeInMillis()),
                        (before, now) -> new Retry(v.version(), before.attempts() + 1, now.reason(), now.atMillis()));
                retryLater(
                        name, v, Math.min(MAX_RETRY_PAUSE_MILLIS, RETRY_PAUSE_MILLIS << Math.min(retry.attempts(), 6)));
            }
            LOG.warn(
                    () -> "could not load bank [" + name + "] version " + v.version()
                            + "; retried after a pause while it serves, and a search that needs it asks again",
                    e);
        } finally {
            loading.remove(v.buildId());
            waiters.recheck();
        }
    }

    /** The cause's message, not a transport wrapper's: what GET shows of a transient failure. */
    static String rootCause(Exception e) {
        Throwable cause = ExceptionsHelper.unwrapCause(e);
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
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
