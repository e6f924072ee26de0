package org.opensearch.hubness.clients;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.opensearch.common.SuppressForbidden;
import org.opensearch.hubness.it.LocalCluster;

/** A small gallery with a hub, a query bank, and a bank over them, shared by the client ITs; plus the reference search. */
@SuppressForbidden(
        reason = "JSON text blocks filled by String#formatted with %s of strings only, which no locale changes")
final class ClientFixture {

    static final String FIELD = "embedding";
    static final float[] QUERY = {0.7f, 0.3f, 0.2f, 0.4f};

    private ClientFixture() {}

    static void create(LocalCluster cluster, String gallery, String bankIndex) {
        drop(cluster, gallery, bankIndex, null);
        String mapping = """
            {"settings": {"index": {"knn": true, "number_of_shards": 2}},
             "mappings": {"properties": {"embedding": {"type": "knn_vector", "dimension": 4,
               "method": {"name": "hnsw", "space_type": "cosinesimil", "engine": "lucene"}}}}}
            """;
        cluster.put("/" + gallery, mapping).ok();
        cluster.put("/" + bankIndex, mapping).ok();
        cluster.post("/" + gallery + "/_bulk?refresh=true", """
            {"index": {"_id": "dog"}}
            {"embedding": [0.9, 0.1, 0.1, 0.3]}
            {"index": {"_id": "cat"}}
            {"embedding": [0.1, 0.9, 0.1, 0.3]}
            {"index": {"_id": "bike"}}
            {"embedding": [0.1, 0.1, 0.9, 0.3]}
            {"index": {"_id": "crowd"}}
            {"embedding": [0.5, 0.5, 0.5, 0.6]}
            {"index": {"_id": "puppy"}}
            {"embedding": [0.8, 0.2, 0.1, 0.4]}
            {"index": {"_id": "kitten"}}
            {"embedding": [0.2, 0.8, 0.2, 0.4]}
            """).ok();
        cluster.post("/" + bankIndex + "/_bulk?refresh=true", """
            {"index": {}}
            {"embedding": [0.8, 0.2, 0.2, 0.5]}
            {"index": {}}
            {"embedding": [0.2, 0.8, 0.2, 0.5]}
            {"index": {}}
            {"embedding": [0.4, 0.4, 0.5, 0.6]}
            {"index": {}}
            {"embedding": [0.2, 0.2, 0.8, 0.5]}
            {"index": {}}
            {"embedding": [0.5, 0.4, 0.4, 0.6]}
            """).ok();
    }

    static void drop(LocalCluster cluster, String gallery, String bankIndex, String bank) {
        if (bank != null) cluster.delete("/_plugins/_hubness/banks/" + bank);
        cluster.delete("/" + gallery);
        cluster.delete("/" + bankIndex);
    }

    /** The same search over plain HTTP: the ids of the hits, best first, and their scores. */
    static List<String> referenceIds(
            LocalCluster cluster, String gallery, String bank, String method, List<Double> scores) {
        String body = """
            {"size": 10, "query": {"knn": {"embedding": {"vector": [0.7, 0.3, 0.2, 0.4], "k": 100}}},
             "rescore": {"window_size": 100, "hubness": {"bank": "%s", "method": "%s", "query_vector": [0.7, 0.3, 0.2, 0.4]}}}
            """.formatted(bank, method);
        List<String> ids = new ArrayList<>();
        for (JsonNode hit : cluster.post("/" + gallery + "/_search", body)
                .ok()
                .json()
                .path("hits")
                .path("hits")) {
            ids.add(hit.path("_id").asText());
            scores.add(hit.path("_score").asDouble());
        }
        return ids;
    }
}
