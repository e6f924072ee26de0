/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.opensearch.Version;
import org.opensearch.action.FailedNodeException;
import org.opensearch.cluster.ClusterName;
import org.opensearch.cluster.node.DiscoveryNode;
import org.opensearch.common.io.stream.BytesStreamOutput;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.transport.TransportAddress;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.core.xcontent.XContentBuilder;
import org.opensearch.hubness.transport.NodesFanOut.NodeResponse;

/** The per-node operations share one wire format and one JSON shape (docs/api.md: stats, _clear_cache). */
class NodesFanOutTests {

    private static DiscoveryNode node(String id, String name) {
        return new DiscoveryNode(
                name,
                id,
                new TransportAddress(InetAddress.getLoopbackAddress(), 9300),
                Map.of(),
                Set.of(),
                Version.CURRENT);
    }

    private static StreamInput sent(org.opensearch.core.common.io.stream.Writeable w) throws Exception {
        BytesStreamOutput out = new BytesStreamOutput();
        w.writeTo(out);
        return out.bytes().streamInput();
    }

    @Test
    void aClearCacheAnswerSurvivesTheWireAndRendersEveryNodeAndFailure() throws Exception {
        NodesFanOut.Response<ClearCache.Dropped> answer = new NodesFanOut.Response<>(
                new ClusterName("c1"),
                List.of(
                        new NodeResponse<>(node("n1", "node-1"), new ClearCache.Dropped(3)),
                        new NodeResponse<>(node("n2", "node-2"), new ClearCache.Dropped(0))),
                List.of(new FailedNodeException("n3", "node-3 left", new IllegalStateException("gone"))),
                ClearCache.FIELDS);
        NodesFanOut.Response<ClearCache.Dropped> received;
        try (StreamInput in = sent(answer)) {
            received = ClearCache.ACTION.getResponseReader().read(in);
        }
        XContentBuilder b = JsonXContent.contentBuilder();
        received.toXContent(b, ToXContent.EMPTY_PARAMS);
        JsonNode json = new ObjectMapper().readTree(b.toString());
        assertEquals("c1", json.path("cluster_name").asText());
        assertEquals("node-1", json.path("nodes").path("n1").path("name").asText());
        assertEquals(
                3, json.path("nodes").path("n1").path("cache_entries_dropped").asInt());
        assertEquals(
                0, json.path("nodes").path("n2").path("cache_entries_dropped").asInt());
        assertEquals("n3", json.path("failures").get(0).path("node").asText());
        assertEquals(1, json.path("failures").size());
    }

    @Test
    void theRequestCarriesItsPayloadToEveryNode() throws Exception {
        try (StreamInput in = sent(new ClearCache.Request("captions"))) {
            assertEquals(
                    "captions",
                    new NodesFanOut.Request<>(in, ClearCache.Scope::new)
                            .payload()
                            .bank());
        }
        try (StreamInput in = sent(new ClearCache.Request(null))) {
            assertNull(new NodesFanOut.Request<>(in, ClearCache.Scope::new)
                    .payload()
                    .bank());
        }
        try (StreamInput in = sent(new NodesFanOut.NodeRequest<>(new ClearCache.Scope("b")))) {
            assertEquals(new ClearCache.Scope("b"), new NodesFanOut.NodeRequest<>(in, ClearCache.Scope::new).payload());
        }
    }
}
