package org.opensearch.hubness.norm;

/** The normalised log-score of one (query, gallery document) pair: the table of docs/method.md, "Log-scores". */
public final class LogScore {

    private LogScore() {}

    /**
     * @param s       raw similarity s(q, g)
     * @param lq      Lq(g) = log Σ_b exp(βq s(b, g)) over the query bank
     * @param lg      Lg(g) = log Σ_h exp(βg s(h, g)) over the gallery bank
     * @param cslsR   r_B(g): mean of g's cslsK largest query-bank similarities
     * @param nnnBias mean of g's nnnK largest query-bank similarities, NOT yet multiplied by α
     *                (α is applied here so that it can change without recomputing the bank terms)
     * @param gateQ   γq(q): the query's global top-1 is in the query bank's activation set
     * @param gateG   γg(q): the query's global top-1 is in the gallery bank's activation set
     * Terms a method does not use are ignored (pass 0 or NaN).
     * CSLS drops its per-query constant r_G(q): it does not change the ranking within a query.
     */
    public static double of(
            Method m,
            double s,
            double lq,
            double lg,
            double cslsR,
            double nnnBias,
            boolean gateQ,
            boolean gateG,
            NormParams p) {
        return switch (m) {
            case NONE -> s;
            case IS -> p.betaQuery() * s - lq;
            case DIS -> p.betaQuery() * s - (gateQ ? lq : 0);
            case DUAL_IS -> (p.betaQuery() + p.betaGallery()) * s - lq - lg;
            case DUAL_DIS -> (p.betaQuery() + p.betaGallery()) * s - (gateQ ? lq : 0) - (gateG ? lg : 0);
            case CSLS -> 2 * s - cslsR;
            case NNN -> s - p.nnnAlpha() * nnnBias;
        };
    }
}
