package org.opensearch.hubness.norm;

/**
 * Per-gallery-document bank terms for n documents (they depend on the banks and the parameters, not on
 * the query). An array is null when the bank it needs was absent.
 * {@code nnnBias} holds the UNWEIGHTED mean of the nnnK largest query-bank similarities; α is applied
 * by {@link LogScore}.
 */
public final class DocTerms {

    private final int size;
    private final double[] lq;
    private final double[] lg;
    private final double[] cslsR;
    private final double[] nnnBias;

    public DocTerms(int size, double[] lq, double[] lg, double[] cslsR, double[] nnnBias) {
        this.size = size;
        this.lq = checkLength(lq, size, "lq");
        this.lg = checkLength(lg, size, "lg");
        this.cslsR = checkLength(cslsR, size, "cslsR");
        this.nnnBias = checkLength(nnnBias, size, "nnnBias");
    }

    /** Zeroed terms for n documents: Lq, r_B and the NNN mean with a query bank, Lg with a gallery bank. */
    static DocTerms allocate(int n, boolean queryBank, boolean galleryBank) {
        return new DocTerms(
                n,
                queryBank ? new double[n] : null,
                galleryBank ? new double[n] : null,
                queryBank ? new double[n] : null,
                queryBank ? new double[n] : null);
    }

    private static double[] checkLength(double[] a, int n, String name) {
        if (a != null && a.length != n) {
            throw new IllegalArgumentException(name + " has " + a.length + " entries, expected " + n);
        }
        return a;
    }

    public int size() {
        return size;
    }

    /** Lq(g) = log Σ_{b∈Bq} exp(βq s(b,g)), or null without a query bank. */
    public double[] lq() {
        return lq;
    }

    /** Lg(g) = log Σ_{h∈Bg} exp(βg s(h,g)), or null without a gallery bank. */
    public double[] lg() {
        return lg;
    }

    /** r_B(g) of CSLS, or null without a query bank. */
    public double[] cslsR() {
        return cslsR;
    }

    /** Unweighted NNN mean (multiply by α to get the bias), or null without a query bank. */
    public double[] nnnBias() {
        return nnnBias;
    }

    /** 0 where an absent bank leaves a term undefined, so callers can pass terms a method ignores. */
    public static double at(double[] terms, int i) {
        return terms == null ? 0 : terms[i];
    }
}
