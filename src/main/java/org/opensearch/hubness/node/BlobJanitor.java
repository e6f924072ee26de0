package org.opensearch.hubness.node;

import java.util.HashSet;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.hubness.bank.state.BankRecord;
import org.opensearch.hubness.bank.state.HubnessMetadata;
import org.opensearch.hubness.bank.storage.BankBlobs;
import org.opensearch.hubness.bank.storage.CapturedVectors;
import org.opensearch.threadpool.ThreadPool;

/**
 * Deletes the blobs a bank no longer references (versions older than the previous one, failed or overtaken builds,
 * deleted banks), in the background after the cluster state changed. What is referenced is read from the cluster
 * state again before every page.
 */
public final class BlobJanitor {

    private static final Logger LOG = LogManager.getLogger(BlobJanitor.class);

    private final BankBlobs blobs;
    private final ClusterService clusterService;
    private final ThreadPool threadPool;

    public BlobJanitor(BankBlobs blobs, ClusterService clusterService, ThreadPool threadPool) {
        this.blobs = blobs;
        this.clusterService = clusterService;
        this.threadPool = threadPool;
    }

    public void cleanLater(String bank) {
        threadPool.generic().execute(() -> {
            try {
                int n = blobs.deleteUnreferenced(bank, () -> referenced(bank));
                if (n > 0) LOG.info("deleted {} unreferenced blob documents of bank [{}]", n, bank);
            } catch (RuntimeException e) {
                LOG.warn(
                        () -> "could not clean up the blobs of bank [" + bank + "]; the next build or delete retries",
                        e);
            }
        });
    }

    /** The build ids whose blobs the cluster state still names for this bank (never empty, for the terms query). */
    Set<String> referenced(String bank) {
        Set<String> out = new HashSet<>();
        out.add("-");
        BankRecord r = HubnessMetadata.of(clusterService.state()).bank(bank);
        if (r == null) return out;
        out.addAll(r.liveBuildIds());
        out.addAll(r.definition().postedBlobIds());
        // captured vectors and their tallies stay while the definition captures; a delete or a PUT without it drops
        // them
        if (r.definition().queryBank() != null && r.definition().queryBank().captured() != null)
            out.add(CapturedVectors.BUILD_ID);
        return out;
    }
}
