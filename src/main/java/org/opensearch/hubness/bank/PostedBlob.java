package org.opensearch.hubness.bank;

import java.io.IOException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;

/**
 * Vectors posted in a PUT, stored once as immutable chunks in the bank index (never in the definition or the cluster
 * state): the definition keeps only this reference and the content hash that a rebuild verifies.
 */
public record PostedBlob(String blobId, int count, int dimension, String sha256) implements Writeable {

    public PostedBlob(StreamInput in) throws IOException {
        this(in.readString(), in.readVInt(), in.readVInt(), in.readString());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(blobId);
        out.writeVInt(count);
        out.writeVInt(dimension);
        out.writeString(sha256);
    }
}
