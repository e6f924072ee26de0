package org.opensearch.hubness.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.IntFunction;
import org.opensearch.hubness.eval.NpyArray;
import org.opensearch.hubness.testing.SharedData;

/** Creates lucene-engine knn_vector indices on the test cluster and bulk-loads real vectors into them. */
public final class VectorIndex {

    public static final String FIELD = "embedding";

    private VectorIndex() {}

    /** The shared data folder (../shared/data); tests that need it are skipped by the caller when it is absent. */
    public static Path dataDir(String dataset) {
        return SharedData.dataset(dataset);
    }

    public static boolean hasData(String dataset, String file) {
        return Files.isRegularFile(dataDir(dataset).resolve(file));
    }

    public static NpyArray read(String dataset, String file) {
        try {
            return NpyArray.readMatrix(dataDir(dataset).resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Rows [from, to) of a row-major matrix with d columns. */
    public static float[] rows(float[] all, int d, int from, int to) {
        float[] out = new float[(to - from) * d];
        System.arraycopy(all, from * d, out, 0, out.length);
        return out;
    }

    /** (Re)creates index with a knn_vector field: space "cosinesimil" or "innerproduct", engine lucene. */
    public static void create(
            LocalCluster cluster, String index, int dimension, String space, int shards, int replicas) {
        cluster.delete("/" + index);
        cluster.put("/" + index, String.format(Locale.ROOT, """
            {"settings": {"index": {"knn": true, "number_of_shards": %d, "number_of_replicas": %d}},
             "mappings": {"properties": {"%s": {"type": "knn_vector", "dimension": %d,
               "method": {"name": "hnsw", "space_type": "%s", "engine": "lucene"}}}}}
            """, shards, replicas, FIELD, dimension, space))
                .ok();
    }

    /**
     * (Re)creates index with a knn_vector field mapped as k-NN's docs show it (no method: faiss, k-NN's default engine),
     * with exact search ({@code approximate_threshold: -1}) because k-NN's native libraries are not installed here.
     */
    public static void createFaiss(
            LocalCluster cluster, String index, int dimension, String space, int shards, int replicas) {
        cluster.delete("/" + index);
        cluster.put("/" + index, String.format(Locale.ROOT, """
            {"settings": {"index": {"knn": true, "knn.advanced.approximate_threshold": -1, "number_of_shards": %d,
               "number_of_replicas": %d}},
             "mappings": {"properties": {"%s": {"type": "knn_vector", "dimension": %d, "space_type": "%s"}}}}
            """, shards, replicas, FIELD, dimension, space))
                .ok();
    }

    /** Indexes n rows of vectors (row-major, d columns) with ids from idOf, in bulks of 200, then refreshes. */
    public static void load(LocalCluster cluster, String index, float[] vectors, int d, IntFunction<String> idOf) {
        int n = vectors.length / d;
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < n; i++) {
            bulk.append("{\"index\":{\"_id\":\"")
                    .append(idOf.apply(i))
                    .append("\"}}\n{\"")
                    .append(FIELD)
                    .append("\":");
            appendVector(bulk, vectors, i * d, d);
            bulk.append("}\n");
            if ((i + 1) % 200 == 0 || i == n - 1) {
                LocalCluster.Response r =
                        cluster.post("/" + index + "/_bulk", bulk.toString()).ok();
                if (r.json().path("errors").asBoolean())
                    throw new AssertionError("bulk into " + index + " failed: " + r.body());
                bulk.setLength(0);
            }
        }
        cluster.post("/" + index + "/_refresh", null).ok();
    }

    public static void appendVector(StringBuilder out, float[] v, int offset, int d) {
        out.append('[');
        for (int j = 0; j < d; j++) {
            if (j > 0) out.append(',');
            float x = v[offset + j];
            // whole numbers as integers: byte fields (and their knn queries) take nothing else
            if (x == Math.rint(x) && Math.abs(x) < 1 << 24) out.append((int) x);
            else out.append(x);
        }
        out.append(']');
    }

    public static String vectorJson(float[] v, int offset, int d) {
        StringBuilder sb = new StringBuilder();
        appendVector(sb, v, offset, d);
        return sb.toString();
    }
}
