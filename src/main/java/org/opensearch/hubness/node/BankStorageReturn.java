package org.opensearch.hubness.node;

import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.opensearch.cluster.ClusterChangedEvent;
import org.opensearch.cluster.ClusterStateListener;
import org.opensearch.gateway.GatewayService;
import org.opensearch.hubness.bank.state.HubnessMetadata;

/**
 * On every node: a refusal for missing blobs is not final. When {@code .hubness-banks} becomes readable again (restored
 * from a snapshot, or re-created), the refusals for blobs are forgotten and the serving versions loaded again, so a
 * bank whose cluster state was restored before its index serves once the index is back.
 */
public final class BankStorageReturn implements ClusterStateListener {

    private static final Logger LOG = LogManager.getLogger(BankStorageReturn.class);

    private final BankRegistry registry;
    private final BankSync sync;

    public BankStorageReturn(BankRegistry registry, BankSync sync) {
        this.registry = registry;
        this.sync = sync;
    }

    @Override
    public void clusterChanged(ClusterChangedEvent event) {
        if (event.state().blocks().hasGlobalBlock(GatewayService.STATE_NOT_RECOVERED_BLOCK)) return;
        if (!BankStorageReadable.becameReadable(event)) return;
        Set<String> retried = registry.forgetBlobRefusals();
        if (!retried.isEmpty()) LOG.info("the bank index is readable again; loading banks {} again", retried);
        sync.loadAllServing(HubnessMetadata.of(event.state()));
    }
}
