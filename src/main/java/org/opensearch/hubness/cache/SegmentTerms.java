package org.opensearch.hubness.cache;

import java.util.Arrays;
import java.util.BitSet;
import org.opensearch.hubness.norm.DocTerms;

/**
 * The bank terms of the documents of one segment for one bank version, indexed by segment doc id. Filled in bulk when
 * a bank is built or warmed, and one document at a time (from its vector) for documents seen first by a search, so a
 * gallery that grows after a build gets its terms without a rebuild.
 */
final class SegmentTerms {

    private final double[] lq;
    private final double[] lg;
    private final double[] csls;
    private final double[] nnn;
    private final BitSet filled;

    SegmentTerms(int maxDoc) {
        filled = new BitSet(maxDoc);
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

    /** Whether doc's terms are here (a build or a warm-up put them). */
    synchronized boolean has(int doc) {
        return filled.get(doc);
    }

    /** Terms of doc if they are here, else null. */
    synchronized DocTermValues stored(int doc) {
        return filled.get(doc) ? new DocTermValues(lq[doc], lg[doc], csls[doc], nnn[doc]) : null;
    }

    /** Keeps terms computed (outside this lock) for one document; a concurrent first writer's equal values stay. */
    synchronized DocTermValues store(int doc, DocTerms terms) {
        if (!filled.get(doc)) {
            store(doc, terms, 0);
        }
        return new DocTermValues(lq[doc], lg[doc], csls[doc], nnn[doc]);
    }

    /** Stores terms computed in bulk: entry i of terms belongs to docs[i]. */
    synchronized void putAll(int[] docs, DocTerms terms) {
        for (int i = 0; i < docs.length; i++) {
            store(docs[i], terms, i);
        }
    }

    private void store(int doc, DocTerms t, int i) {
        lq[doc] = t.lq() == null ? Double.NaN : t.lq()[i];
        lg[doc] = t.lg() == null ? Double.NaN : t.lg()[i];
        csls[doc] = t.cslsR() == null ? Double.NaN : t.cslsR()[i];
        nnn[doc] = t.nnnBias() == null ? Double.NaN : t.nnnBias()[i];
        filled.set(doc);
    }
}
