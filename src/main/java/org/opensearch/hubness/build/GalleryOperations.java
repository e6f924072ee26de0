package org.opensearch.hubness.build;

import org.opensearch.action.admin.indices.stats.IndicesStatsRequestBuilder;
import org.opensearch.action.admin.indices.stats.IndicesStatsResponse;
import org.opensearch.action.admin.indices.stats.ShardStats;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.core.action.ActionListener;
import org.opensearch.hubness.security.SystemIndexAccess;
import org.opensearch.index.seqno.SeqNoStats;
import org.opensearch.transport.client.Client;

/**
 * The index and delete operations an index's primaries have applied since it was created: the sum over its primaries
 * of {@code max_seq_no + 1}. A rebuild policy's measure of gallery change: the difference between now and the build
 * counts every index, update and delete (an update that keeps the document count equal too), needs no refresh, and
 * survives restarts, as sequence numbers are persisted. Read as the plugin (a background check has no caller).
 */
public final class GalleryOperations {

    private final Client client;
    private final ClusterService clusterService;
    private final SystemIndexAccess asPlugin;

    public GalleryOperations(Client client, ClusterService clusterService, SystemIndexAccess asPlugin) {
        this.client = client;
        this.clusterService = clusterService;
        this.asPlugin = asPlugin;
    }

    /** The operations of {@code index}'s primaries, or null when a primary did not answer (not started, relocating). */
    public void count(String index, ActionListener<Long> listener) {
        asPlugin.<IndicesStatsResponse>callAsync(
                l -> statsRequest(index).execute(l),
                ActionListener.wrap(stats -> listener.onResponse(primaries(index, stats)), listener::onFailure));
    }

    /** Blocking, for a build on the build pool; null when a primary did not answer. */
    public Long countNow(String index) {
        IndicesStatsResponse stats = asPlugin.call(() -> statsRequest(index).get());
        return primaries(index, stats);
    }

    /** The stats request both counts send; every shard copy's stats carry its sequence numbers. */
    private IndicesStatsRequestBuilder statsRequest(String index) {
        return client.admin().indices().prepareStats(index).clear().setDocs(true);
    }

    private Long primaries(String index, IndicesStatsResponse stats) {
        IndexMetadata meta = clusterService.state().metadata().index(index);
        if (meta == null) return null;
        long operations = 0;
        int answered = 0;
        for (ShardStats s : stats.getShards()) {
            if (!s.getShardRouting().primary()
                    || !s.getShardRouting().getIndexName().equals(index)) continue;
            SeqNoStats seq = s.getSeqNoStats();
            if (seq == null) continue;
            operations += seq.getMaxSeqNo() + 1;
            answered++;
        }
        // a primary missing from the sum would read as operations undone: no number rather than a wrong one
        return answered == meta.getNumberOfShards() ? operations : null;
    }
}
