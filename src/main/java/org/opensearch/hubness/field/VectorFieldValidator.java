package org.opensearch.hubness.field;

import java.util.Locale;
import java.util.Map;
import org.opensearch.hubness.norm.Similarity;

/**
 * The one check of a knn_vector field, shared by the bank build and the rescorer. It reads the field's mapping as
 * k-NN renders it and accepts every field whose vectors sit in Lucene's flat-vector storage or in binary doc values:
 * lucene and faiss engines (any encoder, mode and compression level), index.knn: false fields, float and byte data,
 * spaces cosinesimil, innerproduct and l2. It refuses only what it cannot serve: binary (hamming) fields and fields
 * backed by a trained model.
 */
public final class VectorFieldValidator {

    private static final String WHAT_WORKS = "the hubness plugin reads knn_vector fields with data_type float or byte, "
            + "space_type cosinesimil, innerproduct or l2, of the lucene or faiss engine (method name hnsw) or in an index with "
            + "\"index.knn\": false";

    private VectorFieldValidator() {}

    /**
     * @param mapping  the field's rendered mapping (its own object: type, dimension, method, ...), or null when absent
     * @param indexKnn the index's {@code index.knn} setting
     * @throws IllegalArgumentException (a 400) naming the field, its mapping and what would work
     */
    public static VectorFieldSpec validate(String index, String field, Map<String, ?> mapping, boolean indexKnn) {
        if (mapping == null || mapping.isEmpty()) {
            throw new IllegalArgumentException("field [" + field + "] does not exist in index [" + index
                    + "]; name the knn_vector field that holds the vectors");
        }
        if (!"knn_vector".equals(mapping.get("type"))) {
            throw new IllegalArgumentException("field [" + field + "] of index [" + index + "] is of type ["
                    + mapping.get("type") + "], not [knn_vector]; name the knn_vector field that holds the vectors");
        }
        if (mapping.get("model_id") != null) {
            throw refused(
                    index,
                    field,
                    mapping,
                    "it is backed by the trained k-NN model [" + mapping.get("model_id")
                            + "] (IVF/PQ), whose vectors exist only inside the native index");
        }
        String dataType = string(mapping.get("data_type"), "float").toLowerCase(Locale.ROOT); // rendered as "BYTE"
        Map<?, ?> method = mapping.get("method") instanceof Map<?, ?> m ? m : Map.of();
        String space = string(method.get("space_type"), string(mapping.get("space_type"), null));
        if ("binary".equals(dataType) || "hamming".equals(space)) {
            throw refused(
                    index,
                    field,
                    mapping,
                    "it stores binary vectors compared by hamming distance, for which the "
                            + "normalisation methods are not defined");
        }
        VectorFieldSpec.DataType type = switch (dataType) {
            case "float" -> VectorFieldSpec.DataType.FLOAT;
            case "byte" -> VectorFieldSpec.DataType.BYTE;
            default ->
                throw refused(index, field, mapping, "its data_type [" + dataType + "] is unknown to the plugin");
        };
        Similarity similarity = switch (space == null ? "l2" : space) { // k-NN's default space is l2
            case "cosinesimil" -> Similarity.COSINE;
            case "innerproduct" -> Similarity.DOT;
            case "l2" -> Similarity.L2;
            default ->
                throw refused(index, field, mapping, "its space_type [" + space + "] has no similarity in the plugin");
        };
        if (!(mapping.get("dimension") instanceof Number dimension)) {
            throw refused(index, field, mapping, "its mapping has no dimension");
        }
        String engine = !indexKnn ? "flat" : string(method.get("engine"), string(mapping.get("engine"), "faiss"));
        return new VectorFieldSpec(
                index,
                field,
                dimension.intValue(),
                type,
                similarity,
                engine,
                string(mapping.get("mode"), null),
                string(mapping.get("compression_level"), null),
                "faiss".equals(engine) && similarity == Similarity.COSINE && type == VectorFieldSpec.DataType.FLOAT);
    }

    private static IllegalArgumentException refused(String index, String field, Map<String, ?> mapping, String why) {
        return new IllegalArgumentException("field [" + field + "] of index [" + index + "] cannot be used: " + why
                + " (mapping " + mapping + "); " + WHAT_WORKS);
    }

    private static String string(Object value, String fallback) {
        return value == null ? fallback : value.toString();
    }
}
