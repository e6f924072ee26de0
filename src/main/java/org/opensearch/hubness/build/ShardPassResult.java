/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.build;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.Map;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.index.shard.ShardId;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.PassPartial;

/** One shard copy's answer to a build's pass: its partial (as {@link PassPartial#writeTo} wrote it) and the ids it names. */
public record ShardPassResult(ShardId shardId, boolean primary, byte[] partial, Map<Long, String> ids)
        implements Writeable {

    public ShardPassResult(StreamInput in) throws IOException {
        this(
                new ShardId(in),
                in.readBoolean(),
                in.readByteArray(),
                in.readMap(StreamInput::readLong, StreamInput::readString));
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        shardId.writeTo(out);
        out.writeBoolean(primary);
        out.writeByteArray(partial);
        out.writeMap(ids, StreamOutput::writeLong, StreamOutput::writeString);
    }

    public PassPartial readPartial(NormParams params) throws IOException {
        return PassPartial.readFrom(new DataInputStream(new ByteArrayInputStream(partial)), params);
    }
}
