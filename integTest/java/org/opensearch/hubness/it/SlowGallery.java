/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.it;

import java.util.Random;
import org.opensearch.common.SuppressForbidden;

/**
 * A generated gallery whose build is slow on purpose, for the ITs that act while a build observably runs: at one gallery
 * row per pass step ({@link #slowBuilds}) each node's pass takes many seconds, long enough to cancel the build or stop
 * one of its nodes while {@code _tasks} lists its passes. Gaussian rows, seeded, in a faiss cosine field of 3 shards.
 */
@SuppressForbidden(
        reason = "a JSON text block filled by String#formatted with %s of strings only, which no locale changes")
final class SlowGallery {

    static final int D = 96;
    private static final String ROWS_PER_STEP = "plugins.hubness.build.rows_per_step";

    private SlowGallery() {}

    /** Indexes {@code rows} seeded rows (ids g-0 …) with {@code replicas} replicas and waits for green. */
    static void index(LocalCluster cluster, String index, int rows, int replicas) {
        Random random = new Random(20);
        float[] vectors = new float[rows * D];
        for (int i = 0; i < vectors.length; i++) vectors[i] = (float) random.nextGaussian();
        VectorIndex.createFaiss(cluster, index, D, "cosinesimil", 3, replicas);
        VectorIndex.load(cluster, index, vectors, D, i -> "g-" + i);
        cluster.get("/_cluster/health/" + index + "?wait_for_status=green&timeout=120s")
                .ok();
    }

    /** A bank of the gallery whose banks (2000 vectors each) are read from the gallery itself. */
    static String bank(String index) {
        return """
            {"gallery": {"index": "%s", "field": "embedding"},
             "query_bank": {"index": "%s", "field": "embedding", "max_size": 2000},
             "gallery_bank": {"sample": {"size": 2000, "seed": 7}}}
            """.formatted(index, index);
    }

    /** One gallery row per pass step, cluster-wide. */
    static void slowBuilds(LocalCluster cluster) {
        cluster.put("/_cluster/settings", "{\"persistent\": {\"" + ROWS_PER_STEP + "\": 1}}")
                .ok();
    }

    /** Pass steps of the default size again. */
    static void fastBuilds(LocalCluster cluster) {
        cluster.put("/_cluster/settings", "{\"persistent\": {\"" + ROWS_PER_STEP + "\": null}}");
    }
}
