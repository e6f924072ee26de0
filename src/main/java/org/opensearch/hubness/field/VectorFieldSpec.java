package org.opensearch.hubness.field;

import org.opensearch.hubness.norm.Similarity;

/**
 * A knn_vector field the plugin can read, as its mapping describes it.
 *
 * @param engine       "lucene", "faiss" (also k-NN's default when the mapping names none) or "flat" (index.knn: false)
 * @param dataType     how the vectors are stored
 * @param space        the field's own similarity (its k-NN space type)
 * @param mode         k-NN's mode ("in_memory", "on_disk") or null when the mapping sets none
 * @param compression  k-NN's compression_level or null when the mapping sets none
 * @param storedNormalised whether the stored vectors are already unit length (faiss cosinesimil normalises on
 *                     indexing; lucene stores them raw), so a reader knows what it gets
 */
public record VectorFieldSpec(
        String index,
        String field,
        int dimension,
        DataType dataType,
        Similarity space,
        String engine,
        String mode,
        String compression,
        boolean storedNormalised) {

    /** k-NN's data_type values that the plugin reads (binary is refused by the validator). */
    public enum DataType {
        FLOAT,
        BYTE;

        public String externalName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The similarity to use: the one asked for, else the field's own space. */
    public Similarity resolve(Similarity requested) {
        return requested != null ? requested : space;
    }
}
