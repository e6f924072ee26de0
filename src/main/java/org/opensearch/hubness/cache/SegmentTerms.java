package org.opensearch.hubness.cache;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import org.opensearch.hubness.norm.DocTerms;

/**
 * The bank terms of the documents of one segment for one bank version, indexed by segment doc id. Filled in bulk when
 * a bank is built or warmed, and one document at a time (from its vector) for documents seen first by a search, so a
 * gallery that grows after a build gets its terms without a rebuild.
 *
 * <p>No lock: a document's four values are written first, then its bit in {@link #filled} (a volatile write), and a
 * reader reads the values only after it saw the bit (a volatile read), so it never sees a half-written document. Two
 * writers of one document write equal values (every path computes a document's terms bit-identically: one document or
 * a block, packed bank or not), so which one lands last changes nothing.
 */
final class SegmentTerms {

    private final double[] lq;
    private final double[] lg;
    private final double[] csls;
    private final double[] nnn;
    private final AtomicLongArray filled;

    SegmentTerms(int maxDoc) {
        filled = new AtomicLongArray((maxDoc + 63) >>> 6);
        lq = nanArray(maxDoc);
        lg = nanArray(maxDoc);
        csls = nanArray(maxDoc);
        nnn = nanArray(maxDoc);
    }

    static long bytesFor(int maxDoc) {
        return 32L * maxDoc + maxDoc / 8 + 128;
    }

    private static double[] nanArray(int n) {
        double[] a = new double[n];
        Arrays.fill(a, Double.NaN);
        return a;
    }

    /** Whether doc's terms are here (a build, a warm-up or a search put them). */
    boolean has(int doc) {
        return (filled.get(doc >>> 6) & (1L << doc)) != 0;
    }

    /** Terms of doc if they are here, else null. */
    DocTermValues stored(int doc) {
        return has(doc) ? new DocTermValues(lq[doc], lg[doc], csls[doc], nnn[doc]) : null;
    }

    /** Keeps terms computed for one document (a concurrent writer's values are equal); returns them. */
    DocTermValues store(int doc, DocTerms terms) {
        if (!has(doc)) store(doc, terms, 0);
        return new DocTermValues(lq[doc], lg[doc], csls[doc], nnn[doc]);
    }

    /** Stores terms computed in bulk: entry i of terms belongs to docs[i]. */
    void putAll(int[] docs, DocTerms terms) {
        for (int i = 0; i < docs.length; i++) {
            store(docs[i], terms, i);
        }
    }

    private void store(int doc, DocTerms t, int i) {
        lq[doc] = t.lq() == null ? Double.NaN : t.lq()[i];
        lg[doc] = t.lg() == null ? Double.NaN : t.lg()[i];
        csls[doc] = t.cslsR() == null ? Double.NaN : t.cslsR()[i];
        nnn[doc] = t.nnnBias() == null ? Double.NaN : t.nnnBias()[i];
        filled.getAndUpdate(doc >>> 6, word -> word | (1L << doc)); // publishes the values above
    }
}
