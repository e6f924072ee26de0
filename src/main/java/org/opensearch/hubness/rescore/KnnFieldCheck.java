package org.opensearch.hubness.rescore;

import java.util.Map;

/**
 * Decides from a knn_vector field's rendered mapping whether the rescorer can read it here. The k-NN zip this
 * project runs with has no native libraries, so faiss (k-NN's default engine in an {@code index.knn: true} index) and
 * nmslib fields, and fields backed by a trained model, are rejected; lucene-engine fields and knn_vector fields in an
 * {@code index.knn: false} index (binary doc values) are fine.
 */
public final class KnnFieldCheck {

    private KnnFieldCheck() {}

    /** Null when the field is usable, else a message naming the problem and the fix. */
    public static String rejectReason(String field, Map<String, Object> mapping, boolean indexKnn) {
        if (!indexKnn) return null; // k-NN's flat mapper: vectors in binary doc values, no engine involved
        Object modelId = mapping.get("model_id");
        if (modelId != null) {
            return "field [" + field + "] uses the trained model [" + modelId + "], i.e. a native (faiss) engine, which "
                + "this cluster cannot run; map the field with \"method\": {\"name\": \"hnsw\", \"engine\": \"lucene\"}";
        }
        String engine = null;
        if (mapping.get("method") instanceof Map<?, ?> method && method.get("engine") != null) {
            engine = String.valueOf(method.get("engine"));
        } else if (mapping.get("engine") != null) {
            engine = String.valueOf(mapping.get("engine"));
        }
        if ("lucene".equals(engine)) return null;
        String what = engine == null ? "no explicit engine, so k-NN's default engine (faiss)" : "engine [" + engine + "]";
        return "field [" + field + "] is a knn_vector with " + what + "; the hubness rescorer supports only "
            + "\"engine\": \"lucene\" fields (or knn_vector fields in an index with \"index.knn\": false) because the "
            + "k-NN native libraries are not available; reindex into a field mapped with "
            + "\"method\": {\"name\": \"hnsw\", \"engine\": \"lucene\"}";
    }
}
