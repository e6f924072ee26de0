package org.opensearch.hubness.field;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.opensearch.hubness.norm.Similarity;

/** The shared field check on mappings as k-NN 3.6 renders them (shapes taken from GET _mapping on a real node). */
class VectorFieldValidatorTests {

    private static VectorFieldSpec accept(Map<String, ?> mapping, boolean indexKnn) {
        return VectorFieldValidator.validate("idx", "v", mapping, indexKnn);
    }

    private static String refuse(Map<String, ?> mapping, boolean indexKnn) {
        return assertThrows(IllegalArgumentException.class, () -> accept(mapping, indexKnn))
                .getMessage();
    }

    @Test
    void faissByDefaultWithK_NNsDefaultSpaceL2() {
        VectorFieldSpec spec = accept(Map.of("type", "knn_vector", "dimension", 8), true);
        assertEquals("faiss", spec.engine());
        assertEquals(Similarity.L2, spec.space());
        assertEquals(8, spec.dimension());
        assertEquals(VectorFieldSpec.DataType.FLOAT, spec.dataType());
        assertFalse(spec.storedNormalised());
    }

    @Test
    void faissCosineStoresNormalisedVectorsLuceneDoesNot() {
        VectorFieldSpec faiss = accept(
                Map.of(
                        "type",
                        "knn_vector",
                        "dimension",
                        4,
                        "method",
                        Map.of("name", "hnsw", "engine", "faiss", "space_type", "cosinesimil")),
                true);
        assertTrue(faiss.storedNormalised());
        assertEquals(Similarity.COSINE, faiss.space());
        VectorFieldSpec lucene = accept(
                Map.of(
                        "type",
                        "knn_vector",
                        "dimension",
                        4,
                        "method",
                        Map.of("name", "hnsw", "engine", "lucene", "space_type", "cosinesimil")),
                true);
        assertFalse(lucene.storedNormalised());
    }

    @Test
    void everyReadableShapeIsAccepted() {
        assertEquals(
                Similarity.DOT,
                accept(
                                Map.of(
                                        "type",
                                        "knn_vector",
                                        "dimension",
                                        8,
                                        "space_type",
                                        "innerproduct",
                                        "mode",
                                        "on_disk",
                                        "compression_level",
                                        "32x"),
                                true)
                        .space());
        VectorFieldSpec sq = accept(
                Map.of(
                        "type",
                        "knn_vector",
                        "dimension",
                        8,
                        "method",
                        Map.of(
                                "name",
                                "hnsw",
                                "engine",
                                "faiss",
                                "space_type",
                                "innerproduct",
                                "parameters",
                                Map.of("encoder", Map.of("name", "sq", "parameters", Map.of("bits", 16))))),
                true);
        assertEquals("faiss", sq.engine());
        VectorFieldSpec bytes = accept(
                Map.of(
                        "type",
                        "knn_vector",
                        "dimension",
                        8,
                        "data_type",
                        "BYTE",
                        "method",
                        Map.of("name", "hnsw", "engine", "lucene", "space_type", "cosinesimil")),
                true);
        assertEquals(VectorFieldSpec.DataType.BYTE, bytes.dataType());
        assertFalse(bytes.storedNormalised(), "byte vectors cannot be normalised in storage");
        VectorFieldSpec flat = accept(Map.of("type", "knn_vector", "dimension", 8, "space_type", "l2"), false);
        assertEquals("flat", flat.engine());
        assertEquals(Similarity.L2, flat.space());
    }

    @Test
    void binaryAndModelFieldsAreRefusedWithWhatWorks() {
        String binary = refuse(
                Map.of("type", "knn_vector", "dimension", 16, "data_type", "binary", "space_type", "hamming"), true);
        assertTrue(
                binary.contains("field [v] of index [idx]")
                        && binary.contains("hamming")
                        && binary.contains("data_type=binary")
                        && binary.contains("data_type float or byte"),
                binary);
        String model = refuse(Map.of("type", "knn_vector", "model_id", "m1"), true);
        assertTrue(
                model.contains("trained k-NN model [m1]")
                        && model.contains("model_id=m1")
                        && model.contains("lucene or faiss"),
                model);
    }

    @Test
    void missingAndOtherTypesSayWhatToName() {
        assertTrue(refuse(null, true).contains("field [v] does not exist in index [idx]"));
        assertTrue(refuse(Map.of("type", "keyword"), true).contains("is of type [keyword], not [knn_vector]"));
    }

    @Test
    void requestedSimilarityOverridesTheFieldsSpace() {
        VectorFieldSpec spec = accept(Map.of("type", "knn_vector", "dimension", 8), true);
        assertEquals(Similarity.L2, spec.resolve(null));
        assertEquals(Similarity.COSINE, spec.resolve(Similarity.COSINE));
    }
}
