/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.transport;

import java.io.IOException;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.XContentBuilder;

/**
 * How far a bank has drifted from one of its index sources (the gallery, or an index the query or gallery bank is read
 * from): documents with the vector field when the serving version was built (null before a version exists) and now
 * (null when the index does not exist any more).
 */
public record SourceCounts(String role, String index, String field, Long documentsAtBuild, Long documentsNow)
        implements Writeable {

    public SourceCounts(StreamInput in) throws IOException {
        this(in.readString(), in.readString(), in.readString(), in.readOptionalLong(), in.readOptionalLong());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(role);
        out.writeString(index);
        out.writeString(field);
        out.writeOptionalLong(documentsAtBuild);
        out.writeOptionalLong(documentsNow);
    }

    void toXContent(XContentBuilder b) throws IOException {
        b.startObject(role)
                .field("index", index)
                .field("field", field)
                .field("documents_at_build", documentsAtBuild)
                .field("documents_now", documentsNow)
                .endObject();
    }
}
