/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.transport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.opensearch.cluster.ClusterState;
import org.opensearch.cluster.routing.IndexRoutingTable;
import org.opensearch.cluster.routing.IndexShardRoutingTable;
import org.opensearch.cluster.routing.PlainShardsIterator;
import org.opensearch.cluster.routing.ShardRouting;
import org.opensearch.cluster.routing.ShardsIterator;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;

/**
 * Which shard copies of one index a build's fan-out reaches: the started copies of the wanted shards (all shards when
 * none are named; a retry names the shards that got no answer), every copy or one per shard (the primary when it is
 * started, else the first started replica).
 */
record ShardCopies(Set<Integer> shards, boolean allCopies) {

    ShardCopies {
        shards = shards == null ? null : Collections.unmodifiableSet(new TreeSet<>(shards));
    }

    ShardCopies(StreamInput in) throws IOException {
        this(in.readBoolean() ? new TreeSet<>(in.readList(StreamInput::readVInt)) : null, in.readBoolean());
    }

    void writeTo(StreamOutput out) throws IOException {
        out.writeBoolean(shards != null);
        if (shards != null) out.writeCollection(shards, StreamOutput::writeVInt);
        out.writeBoolean(allCopies);
    }

    ShardsIterator select(ClusterState state, String[] concreteIndices) {
        List<ShardRouting> out = new ArrayList<>();
        for (String index : concreteIndices) {
            IndexRoutingTable table = state.routingTable().index(index);
            if (table == null) continue;
            for (IndexShardRoutingTable shard : table) {
                if (shards != null && !shards.contains(shard.shardId().id())) continue;
                List<ShardRouting> active = shard.activeShards();
                if (active.isEmpty()) continue;
                if (allCopies) {
                    out.addAll(active);
                } else {
                    ShardRouting primary = shard.primaryShard();
                    out.add(primary != null && primary.active() ? primary : active.get(0));
                }
            }
        }
        return new PlainShardsIterator(out);
    }
}
