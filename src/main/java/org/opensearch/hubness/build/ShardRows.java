/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.build;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.index.shard.ShardId;

/** One shard's answer to a bank read: its rows, in {@link ShardSample#ORDER}. */
public record ShardRows(ShardId shardId, List<ShardSample.Row> rows) implements Writeable {

    public ShardRows(StreamInput in) throws IOException {
        this(new ShardId(in), readRows(in));
    }

    private static List<ShardSample.Row> readRows(StreamInput in) throws IOException {
        int n = in.readVInt();
        List<ShardSample.Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) rows.add(new ShardSample.Row(in.readLong(), in.readString(), in.readFloatArray()));
        return rows;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        shardId.writeTo(out);
        out.writeVInt(rows.size());
        for (ShardSample.Row r : rows) {
            out.writeLong(r.key());
            out.writeString(r.id());
            out.writeFloatArray(r.vector());
        }
    }
}
