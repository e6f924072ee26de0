package org.opensearch.hubness.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The foundation: the plugin sits beside k-NN on every node, and a lucene-engine knn_vector index answers knn queries. */
class PluginInstalledIT {

    private static final String INDEX = "foundation-knn";
    private final LocalCluster cluster = LocalCluster.fromSystemProperties();

    @AfterEach
    void dropIndex() {
        cluster.delete("/" + INDEX);
    }

    @Test
    void pluginIsListedNextToKnnOnEveryNode() {
        JsonNode plugins = cluster.get("/_cat/plugins?format=json").ok().json();
        int nodes = cluster.get("/_cat/nodes?format=json").ok().json().size();
        Set<String> hubnessNodes = new HashSet<>();
        Set<String> knnNodes = new HashSet<>();
        for (JsonNode row : plugins) {
            if (row.get("component").asText().equals("opensearch-hubness"))
                hubnessNodes.add(row.get("name").asText());
            if (row.get("component").asText().equals("opensearch-knn"))
                knnNodes.add(row.get("name").asText());
        }
        assertEquals(nodes, hubnessNodes.size(), "opensearch-hubness on every node: " + plugins);
        assertEquals(hubnessNodes, knnNodes, "opensearch-knn beside it: " + plugins);
    }

    @Test
    void luceneEngineKnnIndexAnswersKnnQuery() {
        cluster.put("/" + INDEX, """
            {"settings": {"index": {"knn": true, "number_of_shards": 2}},
             "mappings": {"properties": {"embedding": {"type": "knn_vector", "dimension": 3,
               "method": {"name": "hnsw", "space_type": "cosinesimil", "engine": "lucene"}}}}}
            """).ok();
        cluster.post("/" + INDEX + "/_bulk?refresh=true", """
            {"index": {"_id": "x"}}
            {"embedding": [1, 0, 0]}
            {"index": {"_id": "y"}}
            {"embedding": [0, 1, 0]}
            {"index": {"_id": "z"}}
            {"embedding": [0, 0, 1]}
            """).ok();
        JsonNode hits = cluster.post("/" + INDEX + "/_search", """
            {"size": 3, "query": {"knn": {"embedding": {"vector": [0.1, 0.9, 0.2], "k": 3}}}}
            """)
                .ok()
                .json()
                .path("hits")
                .path("hits");
        assertEquals(3, hits.size(), hits.toString());
        assertEquals("y", hits.get(0).get("_id").asText());
        assertTrue(
                hits.get(0).get("_score").asDouble() > hits.get(1).get("_score").asDouble());
    }
}
