package org.opensearch.hubness.bank;

import org.opensearch.action.admin.indices.mapping.get.GetMappingsResponse;
import org.opensearch.action.admin.indices.settings.get.GetSettingsResponse;
import org.opensearch.cluster.metadata.MappingMetadata;
import org.opensearch.hubness.norm.Similarity;
import org.opensearch.index.IndexNotFoundException;
import org.opensearch.transport.client.Client;

import java.util.Map;

/**
 * A knn_vector field as its mapping describes it: dimension, space type and engine. Refuses what the plugin cannot
 * serve: other field types, faiss fields (the k-NN zip here has no native libraries; a faiss flush kills the node),
 * and spaces that are neither cosine nor inner product.
 */
public record GalleryField(String index, String field, int dimension, Similarity similarity, String engine) {

    @SuppressWarnings("unchecked")
    public static GalleryField inspect(Client client, String index, String field) {
        GetMappingsResponse mappings;
        GetSettingsResponse settings;
        try {
            mappings = client.admin().indices().prepareGetMappings(index).get();
            settings = client.admin().indices().prepareGetSettings(index).get();
        } catch (IndexNotFoundException e) {
            throw new IllegalArgumentException("index [" + index + "] does not exist; create and fill it before building a bank on it", e);
        }
        if (mappings.mappings().isEmpty()) throw new IllegalArgumentException("index [" + index + "] does not exist or has no mapping");
        if (mappings.mappings().size() > 1) throw new IllegalArgumentException("[" + index + "] resolves to " + mappings.mappings().size() + " indices; a bank needs exactly one index");
        String concrete = mappings.mappings().keySet().iterator().next();
        MappingMetadata mapping = mappings.mappings().get(concrete);
        Map<String, Object> props = mapping == null ? null : (Map<String, Object>) mapping.sourceAsMap().get("properties");
        Map<String, Object> def = null;
        String[] path = field.split("\\.");
        for (int i = 0; i < path.length && props != null; i++) {
            def = (Map<String, Object>) props.get(path[i]);
            props = def == null ? null : (Map<String, Object>) def.get("properties");
        }
        if (def == null) throw new IllegalArgumentException("field [" + field + "] does not exist in index [" + concrete + "]");
        if (!"knn_vector".equals(def.get("type"))) {
            throw new IllegalArgumentException("field [" + field + "] of index [" + concrete + "] is of type [" + def.get("type") + "], not [knn_vector]");
        }
        if (def.get("model_id") != null) throw new IllegalArgumentException("field [" + field + "] uses a trained k-NN model; map it with \"method\": {\"engine\": \"lucene\"} instead");
        if (def.get("data_type") != null && !"float".equals(def.get("data_type"))) {
            throw new IllegalArgumentException("field [" + field + "] has data_type [" + def.get("data_type") + "]; only float vectors are supported");
        }
        int dimension = ((Number) def.get("dimension")).intValue();
        Map<String, Object> method = (Map<String, Object>) def.get("method");
        boolean knnIndex = settings.getIndexToSettings().get(concrete).getAsBoolean("index.knn", false);
        String engine = method == null ? null : (String) method.get("engine");
        if (knnIndex && !"lucene".equals(engine)) {
            throw new IllegalArgumentException("field [" + field + "] of index [" + concrete + "] uses the [" + (engine == null ? "faiss (default)" : engine)
                + "] engine; this k-NN installation has no native libraries, so map the field with \"method\": {\"name\": \"hnsw\", \"engine\": \"lucene\"} (or use index.knn: false)");
        }
        String space = method != null && method.get("space_type") != null ? (String) method.get("space_type") : (String) def.getOrDefault("space_type", "l2");
        Similarity similarity = switch (space) {
            case "cosinesimil" -> Similarity.COSINE;
            case "innerproduct" -> Similarity.DOT;
            default -> null;
        };
        return new GalleryField(concrete, field, dimension, similarity, knnIndex ? engine : "flat");
    }

    /** The similarity to build with: the one asked for, else the field's own space type. */
    public Similarity resolve(Similarity requested) {
        if (requested != null) return requested;
        if (similarity == null) {
            throw new IllegalArgumentException("field [" + field + "] has a space type that is neither [cosinesimil] nor [innerproduct]; set \"similarity\": \"cosine\" or \"dot\" on the bank");
        }
        return similarity;
    }
}
