package org.opensearch.hubness.build;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.cluster.ClusterChangedEvent;
import org.opensearch.cluster.ClusterStateListener;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.unit.TimeValue;
import org.opensearch.core.action.ActionListener;
import org.opensearch.gateway.GatewayService;
import org.opensearch.hubness.bank.state.BankRecord;
import org.opensearch.hubness.bank.state.BankVersion;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.hubness.bank.storage.BankBlobs;
import org.opensearch.hubness.node.BankStorageReadable;
import org.opensearch.threadpool.ThreadPool;

/**
 * On the elected cluster manager: a serving version that arrived without a build of it (a snapshot restore of the
 * global state, which carries the banks' records but not their blobs, or the state a full restart recovered), and every
 * serving version once {@code .hubness-banks} became readable again (restored), is looked up in that index as soon as
 * the index answers. A version whose blobs are not there is rebuilt with the ordinary {@code _rebuild}, one bank at a
 * time, so the bank serves again without an operator; meanwhile the nodes' refusals in GET say why.
 */
public final class RestoredVersionCheck implements ClusterStateListener {

    private static final Logger LOG = LogManager.getLogger(RestoredVersionCheck.class);
    /** A lookup that failed while the index looked readable is asked again after this pause. */
    private static final TimeValue RETRY = TimeValue.timeValueSeconds(5);

    private final ClusterService clusterService;
    private final ThreadPool threadPool;
    private final BankBlobs blobs;
    /** Sends the ordinary {@code _rebuild}, as the plugin. */
    private final BuildCalls calls;
    /** Bank name to the build id of the serving version still to look up. */
    private final Map<String, String> pending = new ConcurrentHashMap<>();
    /** One lookup or repair at a time. */
    private final AtomicBoolean running = new AtomicBoolean();

    public RestoredVersionCheck(
            ClusterService clusterService, ThreadPool threadPool, BankBlobs blobs, BuildCalls calls) {
        this.clusterService = clusterService;
        this.threadPool = threadPool;
        this.blobs = blobs;
        this.calls = calls;
    }

    @Override
    public void clusterChanged(ClusterChangedEvent event) {
        if (event.state().blocks().hasGlobalBlock(GatewayService.STATE_NOT_RECOVERED_BLOCK)) return;
        if (!event.localNodeClusterManager()) {
            pending.clear(); // the new cluster manager looks them up
            return;
        }
        boolean storageBack = BankStorageReadable.becameReadable(event);
        if (storageBack || event.changedCustomMetadataSet().contains(HubnessMetadata.TYPE)) {
            HubnessMetadata before = HubnessMetadata.of(event.previousState());
            for (BankRecord r : HubnessMetadata.of(event.state()).banks().values()) {
                if (r.serving() != null && (storageBack || arrivedWithoutBuild(before.bank(r.name()), r.serving()))) {
                    pending.put(r.name(), r.serving().buildId());
                }
            }
        }
        if (!pending.isEmpty() && BankStorageReadable.answers(event.state())) checkNext();
    }

    /** Neither served before nor built by the bank's running build: the state was restored or recovered. */
    static boolean arrivedWithoutBuild(BankRecord before, BankVersion serving) {
        if (before == null) return true;
        if (before.serving() != null && before.serving().buildId().equals(serving.buildId())) return false;
        return before.build() == null || !before.build().buildId().equals(serving.buildId());
    }

    private void checkNext() {
        if (pending.isEmpty() || !running.compareAndSet(false, true)) return;
        Map.Entry<String, String> next = pending.entrySet().iterator().next();
        threadPool.generic().execute(() -> check(next.getKey(), next.getValue()));
    }

    private void check(String bank, String buildId) {
        BankRecord r = HubnessMetadata.of(clusterService.state()).bank(bank);
        if (r == null || r.serving() == null || !r.serving().buildId().equals(buildId) || buildingOnAPresentNode(r)) {
            pending.remove(bank, buildId); // deleted or replaced since, or a running build replaces it
            done();
            return;
        }
        boolean stored;
        try {
            stored = blobs.versionStored(bank, buildId);
        } catch (RuntimeException notReadable) {
            LOG.debug("cannot look up bank [{}] in [{}] yet: {}", bank, BankBlobs.NAME, notReadable.toString());
            running.set(false);
            threadPool.schedule(this::checkIfAnswers, RETRY, ThreadPool.Names.GENERIC);
            return;
        }
        pending.remove(bank, buildId);
        if (stored) {
            done();
            return;
        }
        LOG.warn(
                "bank [{}] version {} is in the cluster state but its blobs are not in [{}] (a snapshot restore of the"
                        + " cluster state without the index?); rebuilding it",
                bank,
                r.serving().version(),
                BankBlobs.NAME);
        ActionListener<Void> outcome = ActionListener.wrap(
                rebuilt -> {
                    LOG.info("bank [{}] rebuilt after its blobs were found missing", bank);
                    done();
                },
                e -> {
                    // a running build (409) repairs it as well; any other failure is the bank's state in GET
                    LOG.warn(() -> "the rebuild of bank [" + bank + "] after its blobs were found missing failed", e);
                    done();
                });
        try {
            calls.rebuild(bank, outcome);
        } catch (RuntimeException e) {
            outcome.onFailure(e);
        }
    }

    private boolean buildingOnAPresentNode(BankRecord r) {
        if (r.build() == null) return false;
        for (DiscoveryNode n : clusterService.state().nodes())
            if (n.getEphemeralId().equals(r.build().nodeEphemeralId())) return true;
        return false;
    }

    private void done() {
        running.set(false);
        checkIfAnswers();
    }

    private void checkIfAnswers() {
        if (clusterService.state().nodes().isLocalNodeElectedClusterManager()
                && BankStorageReadable.answers(clusterService.state())) checkNext();
    }
}
