package org.opensearch.hubness.norm;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;

/**
 * The mergeable part of the hubness report: for each of the first {@code rows} query-bank vectors, its top
 * {@link #K} gallery documents under each ranking the methods need. The gated methods need no ranking of their own:
 * with both gates on, dis ranks like is and dual_dis like dual_is; with them off, like none; dual_dis with one gate
 * open ranks by (βq+βg)s minus that one term. Which applies is decided by the raw top-1, once everything is merged.
 */
public final class HubnessSums {

    /** N_k of the report: k = 10. */
    public static final int K = 10;

    enum Ranking {
        RAW,
        IS,
        DUAL_IS,
        DUAL_Q_ONLY,
        DUAL_G_ONLY,
        CSLS,
        NNN
    }

    private final int rows;
    private final boolean hasGalleryBank;
    private final NormParams params;
    private final TopKTracker[] trackers = new TopKTracker[Ranking.values().length];

    HubnessSums(int rows, NormParams params, boolean hasGalleryBank) {
        this.rows = rows;
        this.params = params;
        this.hasGalleryBank = hasGalleryBank;
        for (Ranking r : Ranking.values()) {
            trackers[r.ordinal()] = new TopKTracker(rows, K);
        }
    }

    int rows() {
        return rows;
    }

    /** Writes the top lists for {@link #readFrom} (the parameters travel with the build, not with every partial). */
    void writeTo(DataOutput out) throws IOException {
        out.writeInt(rows);
        out.writeBoolean(hasGalleryBank);
        for (TopKTracker t : trackers) {
            t.writeTo(out);
        }
    }

    static HubnessSums readFrom(DataInput in, NormParams params) throws IOException {
        HubnessSums sums = new HubnessSums(in.readInt(), params, in.readBoolean());
        for (Ranking r : Ranking.values()) {
            TopKTracker t = TopKTracker.readFrom(in);
            if (t.lists() != sums.rows) {
                throw new IOException("report ranking " + r + " has " + t.lists() + " lists, expected " + sums.rows);
            }
            sums.trackers[r.ordinal()] = t;
        }
        return sums;
    }

    boolean sameAs(HubnessSums other) {
        if (rows != other.rows || hasGalleryBank != other.hasGalleryBank) {
            return false;
        }
        for (int i = 0; i < trackers.length; i++) {
            if (!trackers[i].sameAs(other.trackers[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * Offers one gallery document: its similarities to the query bank at simQ[row..row + |query bank|), its terms at
     * index t of {@code terms}.
     */
    void offer(double[] simQ, int row, DocTerms terms, int t, long key) {
        double betaQ = params.betaQuery(), betaSum = params.betaQuery() + params.betaGallery();
        double lq = terms.lq()[t], cslsR = terms.cslsR()[t], nnn = terms.nnnBias()[t];
        double lg = DocTerms.at(terms.lg(), t);
        // each ranking's value is LogScore.of's expression for this document, (a·s − c1) − c2 in the same order
        offer(Ranking.RAW, simQ, row, 1, 0, 0, key);
        offer(Ranking.IS, simQ, row, betaQ, lq, 0, key);
        offer(Ranking.CSLS, simQ, row, 2, cslsR, 0, key);
        offer(Ranking.NNN, simQ, row, 1, params.nnnAlpha() * nnn, 0, key);
        if (hasGalleryBank) {
            offer(Ranking.DUAL_IS, simQ, row, betaSum, lq, lg, key);
            offer(Ranking.DUAL_Q_ONLY, simQ, row, betaSum, lq, 0, key);
            offer(Ranking.DUAL_G_ONLY, simQ, row, betaSum, 0, lg, key);
        }
    }

    private void offer(Ranking r, double[] simQ, int row, double a, double c1, double c2, long key) {
        trackers[r.ordinal()].offerRow(simQ, row, rows, a, c1, c2, key);
    }

    void merge(HubnessSums other) {
        for (Ranking r : Ranking.values()) {
            trackers[r.ordinal()].merge(other.trackers[r.ordinal()]);
        }
    }

    /** The report: N_10 statistics per method over a gallery of {@code documents}, gates from the activation sets. */
    HubnessSummary finish(long documents, java.util.Set<Long> queryActivation, java.util.Set<Long> galleryActivation) {
        Map<Method, long[][]> lists = new EnumMap<>(Method.class);
        lists.put(Method.NONE, lists(b -> Ranking.RAW));
        lists.put(Method.IS, lists(b -> Ranking.IS));
        lists.put(Method.DIS, lists(b -> queryActivation.contains(top1(b)) ? Ranking.IS : Ranking.RAW));
        if (hasGalleryBank) {
            lists.put(Method.DUAL_IS, lists(b -> Ranking.DUAL_IS));
            lists.put(Method.DUAL_DIS, lists(b -> {
                boolean q = queryActivation.contains(top1(b));
                boolean g = galleryActivation.contains(top1(b));
                return q && g ? Ranking.DUAL_IS : q ? Ranking.DUAL_Q_ONLY : g ? Ranking.DUAL_G_ONLY : Ranking.RAW;
            }));
        }
        lists.put(Method.CSLS, lists(b -> Ranking.CSLS));
        lists.put(Method.NNN, lists(b -> Ranking.NNN));
        Map<Method, HubnessSummary.MethodHubness> methods = new EnumMap<>(Method.class);
        lists.forEach((m, topK) -> methods.put(m, HubnessSummary.MethodHubness.of(topK, documents, K)));
        return new HubnessSummary(K, rows, documents, methods);
    }

    private long[][] lists(java.util.function.IntFunction<Ranking> rankingOfRow) {
        long[][] out = new long[rows][];
        for (int b = 0; b < rows; b++) {
            TopKTracker t = trackers[rankingOfRow.apply(b).ordinal()];
            out[b] = new long[t.count(b)];
            for (int r = 0; r < out[b].length; r++) {
                out[b][r] = t.key(b, r);
            }
        }
        return out;
    }

    private long top1(int b) {
        return trackers[Ranking.RAW.ordinal()].key(b, 0);
    }
}
