package org.opensearch.hubness.capture;

import java.io.IOException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.XContentBuilder;

/** One node's capture counters, shown by GET /_plugins/_hubness/stats as {@code capture}. */
public record CaptureStats(long sampled, long dropped, long written, long writeFailures, int queued)
        implements Writeable {

    public CaptureStats(StreamInput in) throws IOException {
        this(in.readVLong(), in.readVLong(), in.readVLong(), in.readVLong(), in.readVInt());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeVLong(sampled);
        out.writeVLong(dropped);
        out.writeVLong(written);
        out.writeVLong(writeFailures);
        out.writeVInt(queued);
    }

    public void toXContent(XContentBuilder b) throws IOException {
        b.startObject("capture")
                .field("sampled", sampled)
                .field("dropped", dropped)
                .field("written", written)
                .field("write_failures", writeFailures)
                .field("queued", queued)
                .endObject();
    }
}
