package org.opensearch.hubness.transport;

import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Map;

/** An admin API answer: a JSON object, carried between nodes as a generic map. */
public final class JsonResponse extends ActionResponse implements ToXContentObject {

    private final Map<String, Object> body;

    public JsonResponse(Map<String, Object> body) {
        this.body = body;
    }

    public JsonResponse(StreamInput in) throws IOException {
        super(in);
        body = in.readMap();
    }

    public Map<String, Object> body() {
        return body;
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeMap(body);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        return builder.map(body);
    }
}
