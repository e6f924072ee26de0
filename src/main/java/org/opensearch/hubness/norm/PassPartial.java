package org.opensearch.hubness.norm;

import java.util.HashSet;
import java.util.Set;

/**
 * What a {@link GalleryPass} has gathered over some gallery documents: their count, each bank vector's top-k
 * documents by raw similarity (for the activation sets) and the hubness report's top lists. Partials of disjoint
 * parts of a gallery merge, in any order and any grouping, into exactly what one pass over the whole gallery gives.
 * Not thread-safe: merge under the caller's lock (as {@link GalleryPass#scan} does).
 */
public final class PassPartial {

    private final NormParams params;
    private long documents;
    private final TopKTracker queryTop;
    private final TopKTracker galleryTop;
    private final HubnessSums report;

    PassPartial(int queryBankRows, int galleryBankRows, int reportRows, NormParams params) {
        this.params = params;
        this.queryTop = new TopKTracker(queryBankRows, params.activationK());
        this.galleryTop = new TopKTracker(galleryBankRows, params.activationK());
        this.report = reportRows > 0 ? new HubnessSums(reportRows, params, galleryBankRows > 0) : null;
    }

    /** Rows [0, n) of a block whose similarities and terms are computed; keys from keys[keyOff]. */
    void offer(BlockSimilarities sims, int mq, int mg, int n, DocTerms terms, long[] keys, int keyOff) {
        documents += n;
        offerTop(queryTop, sims.simQ, mq, n, keys, keyOff);
        offerTop(galleryTop, sims.simG, mg, n, keys, keyOff);
        if (report != null) {
            report.offer(sims.simQ, mq, n, terms, 0, keys, keyOff);
        }
    }

    private static void offerTop(TopKTracker top, double[] sims, int m, int n, long[] keys, int keyOff) {
        for (int i = 0; i < n; i++) {
            top.offerRow(sims, i * m, m, keys[keyOff + i]);
        }
    }

    /** Adds another part of the gallery; the two parts must not share a document. */
    public PassPartial merge(PassPartial other) {
        documents += other.documents;
        queryTop.merge(other.queryTop);
        galleryTop.merge(other.galleryTop);
        if (report != null) {
            report.merge(other.report);
        }
        return this;
    }

    public long documents() {
        return documents;
    }

    /** The activation sets and the report, once every part of the gallery is merged in. */
    public PassResult finish() {
        Set<Long> aq = union(queryTop);
        Set<Long> ag = union(galleryTop);
        HubnessSummary summary = report == null || documents == 0 ? null : report.finish(documents, aq, ag);
        return new PassResult(documents, aq, ag, summary, params);
    }

    private static Set<Long> union(TopKTracker top) {
        Set<Long> keys = new HashSet<>();
        for (int b = 0; b < top.lists(); b++) {
            for (int r = 0; r < top.count(b); r++) {
                keys.add(top.key(b, r));
            }
        }
        return Set.copyOf(keys);
    }
}
