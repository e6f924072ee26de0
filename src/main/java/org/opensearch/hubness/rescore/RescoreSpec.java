package org.opensearch.hubness.rescore;

import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.norm.NormParams;

/**
 * Everything a shard needs to rescore one request's window, resolved from the pinned builder and the bank version
 * it pinned. Independent of OpenSearch, so the rescoring core can be tested over a plain Lucene index.
 *
 * @param field              the knn_vector field holding the gallery vectors
 * @param preparedQuery      the query vector, prepared with the bank's similarity (unit length for cosine)
 * @param method             the resolved method (never null)
 * @param params             the bank's parameters with the request's β overrides applied
 * @param betaOverridden     true when the request overrode a β: the window's bank terms are then computed from the
 *                           banks on the fly (exact, slower) instead of being read from the cache
 * @param gateQuery          γq, decided once per query on the coordinating node (false for ungated methods)
 * @param gateGallery        γg, likewise
 * @param top1Id             the query's top-1 gallery document t(q) (null when not needed or the gallery is empty)
 * @param top1               how t(q) was found (the engine's top-1 or the exact argmax), for explain
 * @param scoreMode          how the hubness score combines with the first-pass score
 * @param queryWeight        weight of the first-pass score
 * @param rescoreQueryWeight weight of the hubness score
 */
public record RescoreSpec(
        String field,
        float[] preparedQuery,
        Method method,
        NormParams params,
        boolean betaOverridden,
        boolean gateQuery,
        boolean gateGallery,
        String top1Id,
        Top1 top1,
        ScoreMode scoreMode,
        float queryWeight,
        float rescoreQueryWeight) {}
