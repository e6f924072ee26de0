package org.opensearch.hubness.norm;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
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
        this(
                params,
                0,
                new TopKTracker(queryBankRows, params.activationK()),
                new TopKTracker(galleryBankRows, params.activationK()),
                reportRows > 0 ? new HubnessSums(reportRows, params, galleryBankRows > 0) : null);
    }

    private PassPartial(
            NormParams params, long documents, TopKTracker queryTop, TopKTracker galleryTop, HubnessSums report) {
        this.params = params;
        this.documents = documents;
        this.queryTop = queryTop;
        this.galleryTop = galleryTop;
        this.report = report;
    }

    /**
     * Writes everything a merge needs (the document count, the top-k lists, the report's lists), so partials computed
     * on other machines can be merged: {@link #readFrom} with the build's parameters reads it back exactly.
     */
    public void writeTo(DataOutput out) throws IOException {
        out.writeLong(documents);
        queryTop.writeTo(out);
        galleryTop.writeTo(out);
        out.writeBoolean(report != null);
        if (report != null) {
            report.writeTo(out);
        }
    }

    public static PassPartial readFrom(DataInput in, NormParams params) throws IOException {
        long documents = in.readLong();
        if (documents < 0) {
            throw new IOException("a partial of " + documents + " documents is not valid");
        }
        TopKTracker queryTop = TopKTracker.readFrom(in);
        TopKTracker galleryTop = TopKTracker.readFrom(in);
        HubnessSums report = in.readBoolean() ? HubnessSums.readFrom(in, params) : null;
        return new PassPartial(params, documents, queryTop, galleryTop, report);
    }

    /** The same counts and lists, bit for bit (what a round trip through {@link #writeTo} must keep). */
    public boolean sameAs(PassPartial other) {
        return documents == other.documents
                && queryTop.sameAs(other.queryTop)
                && galleryTop.sameAs(other.galleryTop)
                && (report == null ? other.report == null : other.report != null && report.sameAs(other.report));
    }

    /** Keys of every document in some bank vector's top-k so far: the activation sets' candidates. */
    public Set<Long> activationKeys() {
        Set<Long> keys = new HashSet<>(union(queryTop));
        keys.addAll(union(galleryTop));
        return keys;
    }

    /**
     * The row {@code sims} has loaded, its terms at index {@code t} of {@code terms}. Returns whether it entered some
     * bank vector's top-k list (a candidate for the activation sets).
     */
    boolean offer(BlockSimilarities sims, int t, DocTerms terms, long key) {
        documents++;
        boolean entered = queryTop.offerRow(sims.rowQ, 0, queryTop.lists(), key);
        entered |= galleryTop.offerRow(sims.rowG, 0, galleryTop.lists(), key);
        if (report != null) {
            report.offer(sims.rowQ, 0, terms, t, key);
        }
        return entered;
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
