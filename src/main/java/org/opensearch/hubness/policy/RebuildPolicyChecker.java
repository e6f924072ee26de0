package org.opensearch.hubness.policy;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.ExceptionsHelper;
import org.opensearch.action.support.clustermanager.AcknowledgedResponse;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.LocalNodeClusterManagerListener;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.action.ActionListener;
import org.opensearch.gateway.GatewayService;
import org.opensearch.hubness.bank.RebuildPolicy;
import org.opensearch.hubness.bank.state.BankRecord;
import org.opensearch.hubness.bank.state.BuildTicket;
import org.opensearch.hubness.bank.state.BuildTrigger;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.hubness.bank.state.PolicyCheck;
import org.opensearch.hubness.build.GalleryOperations;
import org.opensearch.hubness.security.SystemIndexAccess;
import org.opensearch.hubness.stats.PolicyStats;
import org.opensearch.hubness.transport.BankResponse;
import org.opensearch.hubness.transport.RebuildBank;
import org.opensearch.hubness.transport.RecordPolicyCheck;
import org.opensearch.threadpool.Scheduler;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.client.Client;

/**
 * On the elected cluster manager only: checks every bank with a {@code rebuild_policy} once per its interval and
 * starts the ordinary rebuild (the {@code _rebuild} action, as the plugin, trigger {@code policy}) when the gallery
 * changed or enough queries were captured since the serving version's build. When the node becomes the cluster manager
 * it starts a light tick (a look at the cluster state each second); when it stops being it, the tick stops. The
 * schedule lives in the cluster state (each bank's last check, else its build time), so a new cluster manager or a
 * restarted cluster resumes it. Nothing blocks: the counts and the rebuild's start are asynchronous, one check per bank
 * at a time, and a bank that builds is not checked.
 */
public final class RebuildPolicyChecker implements LocalNodeClusterManagerListener {

    private static final Logger LOG = LogManager.getLogger(RebuildPolicyChecker.class);
    /** The tick: the shortest interval a policy may name, so a 1s policy is checked every second. */
    static final TimeValue TICK = RebuildPolicy.MIN_INTERVAL;

    private final ClusterService clusterService;
    private final ThreadPool threadPool;
    private final Supplier<Client> client;
    private final SystemIndexAccess asPlugin;
    private final GalleryOperations operations;
    private final NewQueryCount newQueries;
    private final PolicyStats stats;
    /** Banks with a check under way on this node. */
    private final Set<String> checking = ConcurrentHashMap.newKeySet();
    /**
     * When this node last started a check of each bank: the schedule while a check's record is on its way, or when
     * recording it failed (so a failing bank is not checked every tick).
     */
    private final Map<String, Long> startedAt = new ConcurrentHashMap<>();

    private volatile Scheduler.Cancellable tick;

    public RebuildPolicyChecker(
            ClusterService clusterService,
            ThreadPool threadPool,
            Supplier<Client> client,
            SystemIndexAccess asPlugin,
            GalleryOperations operations,
            NewQueryCount newQueries,
            PolicyStats stats) {
        this.clusterService = clusterService;
        this.threadPool = threadPool;
        this.client = client;
        this.asPlugin = asPlugin;
        this.operations = operations;
        this.newQueries = newQueries;
        this.stats = stats;
    }

    @Override
    public synchronized void onClusterManager() {
        if (tick != null) return;
        tick = threadPool.scheduleWithFixedDelay(this::checkDue, TICK, ThreadPool.Names.GENERIC);
    }

    @Override
    public synchronized void offClusterManager() {
        if (tick != null) tick.cancel();
        tick = null;
        startedAt.clear(); // the next cluster manager schedules from the cluster state
    }

    /** Starts a check of every bank whose interval has passed since its last check (or its build). */
    void checkDue() {
        try {
            ClusterState state = clusterService.state();
            if (!state.nodes().isLocalNodeElectedClusterManager()) return;
            if (state.blocks().hasGlobalBlock(GatewayService.STATE_NOT_RECOVERED_BLOCK)) return;
            long now = threadPool.absoluteTimeInMillis();
            for (BankRecord r : HubnessMetadata.of(state).banks().values()) {
                RebuildPolicy policy = r.definition().rebuildPolicy();
                if (policy == null || r.serving() == null || buildsOnAPresentNode(r, state)) continue;
                if (now < due(r, policy) || !checking.add(r.name())) continue;
                startedAt.put(r.name(), now);
                try {
                    check(r, policy, now);
                } catch (RuntimeException e) {
                    failed(r.name(), e);
                }
            }
            startedAt.keySet().retainAll(HubnessMetadata.of(state).banks().keySet());
        } catch (RuntimeException e) {
            LOG.warn("the rebuild-policy tick failed; the next tick tries again", e);
        }
    }

    /** One interval after the latest of: the last recorded check, this node's last check, the serving build. */
    private long due(BankRecord r, RebuildPolicy policy) {
        long last = r.serving().buildInfo().builtAt();
        if (r.policyCheck() != null) last = Math.max(last, r.policyCheck().checkedAt());
        Long mine = startedAt.get(r.name());
        if (mine != null) last = Math.max(last, mine);
        return last + policy.interval().millis();
    }

    private static boolean buildsOnAPresentNode(BankRecord r, ClusterState state) {
        if (r.build() == null) return false;
        for (DiscoveryNode n : state.nodes())
            if (n.getEphemeralId().equals(r.build().nodeEphemeralId())) return true;
        return false;
    }

    private void check(BankRecord r, RebuildPolicy policy, long now) {
        String bank = r.name();
        ActionListener<PolicyCheck> decided = ActionListener.wrap(c -> act(bank, c), e -> failed(bank, e));
        countOperations(
                r,
                policy,
                ActionListener.wrap(
                        ops -> countQueries(
                                r,
                                policy,
                                ActionListener.wrap(
                                        queries -> decided.onResponse(PolicyDecision.decide(
                                                policy,
                                                r.serving().version(),
                                                r.serving().buildInfo(),
                                                ops,
                                                queries,
                                                now)),
                                        decided::onFailure)),
                        decided::onFailure));
    }

    private void countOperations(BankRecord r, RebuildPolicy policy, ActionListener<Long> listener) {
        if (policy.minGalleryChange() == null) {
            listener.onResponse(null);
            return;
        }
        String index = r.definition().galleryIndex();
        operations.count(index, ActionListener.wrap(listener::onResponse, e -> {
            // a gallery that cannot be counted now (closed, deleted, a primary not started) is no change to act on
            LOG.debug(() -> "rebuild policy of bank [" + r.name() + "] could not count [" + index + "]", e);
            listener.onResponse(null);
        }));
    }

    private void countQueries(BankRecord r, RebuildPolicy policy, ActionListener<Long> listener) {
        if (policy.minNewQueries() == null) {
            listener.onResponse(null);
            return;
        }
        newQueries.countSince(r.name(), r.serving().buildInfo().builtAt(), listener);
    }

    /** Records the check, after starting the rebuild it calls for (so the record says which version it started). */
    private void act(String bank, PolicyCheck check) {
        stats.checked();
        if (check.outcome() == PolicyCheck.Outcome.UNCHANGED) {
            record(bank, check);
            return;
        }
        RebuildBank.Request rebuild = new RebuildBank.Request(bank, false, false, BuildTrigger.POLICY);
        // once: a refusal before the build's start (an action filter's) reaches only the outcome listener below
        rebuild.onStarted(ActionListener.notifyOnce(ActionListener.wrap(
                (BuildTicket ticket) -> {
                    stats.rebuildStarted();
                    LOG.info(
                            "rebuild policy of bank [{}] started version {} (gallery change {}, new queries {})",
                            bank,
                            ticket.version(),
                            check.galleryChange(),
                            check.newQueries());
                    record(bank, check.withOutcome(PolicyCheck.Outcome.REBUILD_STARTED, ticket.version(), null));
                },
                e -> {
                    stats.rebuildNotStarted();
                    LOG.info("rebuild policy of bank [{}] could not start a rebuild: {}", bank, e.getMessage());
                    record(bank, check.withOutcome(PolicyCheck.Outcome.REBUILD_NOT_STARTED, null, reason(e)));
                })));
        ActionListener<BankResponse> outcome =
                ActionListener.wrap(built -> LOG.debug("rebuild policy's build of bank [{}] ended", bank), e -> {
                    // a failed build is the bank's failure in GET; a refusal before its start is this check's outcome
                    rebuild.started().onFailure(e);
                    LOG.debug(() -> "rebuild policy's build of bank [" + bank + "] failed", e);
                });
        try {
            asPlugin.<BankResponse>callAsync(l -> client.get().execute(RebuildBank.ACTION, rebuild, l), outcome);
        } catch (RuntimeException e) {
            rebuild.started().onFailure(e);
        }
    }

    private static String reason(Exception e) {
        Throwable cause = ExceptionsHelper.unwrapCause(e);
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    private void record(String bank, PolicyCheck check) {
        asPlugin.<AcknowledgedResponse>callAsync(
                l -> client.get().execute(RecordPolicyCheck.ACTION, new RecordPolicyCheck.Request(bank, check), l),
                ActionListener.wrap(recorded -> checking.remove(bank), e -> failed(bank, e)));
    }

    private void failed(String bank, Exception e) {
        stats.checkFailed();
        checking.remove(bank);
        LOG.warn(() -> "rebuild policy check of bank [" + bank + "] failed; it is checked again after its interval", e);
    }
}
