package org.opensearch.hubness.norm;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;

/**
 * What a {@link GalleryPass} has gathered over some gallery documents: their count, each bank vector's top documents by
 * raw similarity, as deep as the larger of the activation depth k and {@code hub_k} (the first k make the activation
 * sets, the first hub_k the hubs' N_k), and the hubness report's top lists. Partials of disjoint
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
                new TopKTracker(queryBankRows, listDepth(params)),
                new TopKTracker(galleryBankRows, listDepth(params)),
                reportRows > 0 ? new HubnessSums(reportRows, params, galleryBankRows > 0) : null);
    }

    /** How deep each bank vector's list goes: deep enough for the activation sets and for the hubs. */
    static int listDepth(NormParams params) {
        return Math.max(params.activationK(), params.hubK());
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

    /**
     * Keys of every document some bank vector's list holds so far: the candidates of the activation sets and of the
     * hubs, whose {@code _id}s a shard keeps so the coordinator can name them.
     */
    public Set<Long> listedKeys() {
        Set<Long> keys = new HashSet<>(union(queryTop, listDepth(params)));
        keys.addAll(union(galleryTop, listDepth(params)));
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

    /** The activation sets, the hubs' N_k and the report, once every part of the gallery is merged in. */
    public PassResult finish() {
        Set<Long> aq = union(queryTop, params.activationK());
        Set<Long> ag = union(galleryTop, params.activationK());
        HubnessSummary summary = report == null || documents == 0 ? null : report.finish(documents, aq, ag);
        HubCounts queryHubs = hubs(queryTop), galleryHubs = hubs(galleryTop);
        return new PassResult(documents, aq, ag, summary, params, queryHubs, galleryHubs);
    }

    /** N_k of one bank; null without that bank or without documents. */
    private HubCounts hubs(TopKTracker top) {
        return top.lists() == 0 || documents == 0 ? null : HubCounts.of(top, params.hubK(), documents);
    }

    /** The keys of the first {@code depth} entries of every list. */
    private static Set<Long> union(TopKTracker top, int depth) {
        Set<Long> keys = new HashSet<>();
        for (int b = 0; b < top.lists(); b++) {
            for (int r = 0; r < Math.min(depth, top.count(b)); r++) {
                keys.add(top.key(b, r));
            }
        }
        return Set.copyOf(keys);
    }
}
