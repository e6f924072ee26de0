package org.opensearch.hubness.cache;

import org.opensearch.hubness.norm.DocTerms;

/** The bank terms of one gallery document: Lq, Lg, CSLS's r_B and NNN's unweighted mean (NaN where a bank is absent). */
public record DocTermValues(double lq, double lg, double cslsR, double nnnMean) {

    /** Entry i of terms computed for several documents (or i = 0 for one). */
    static DocTermValues of(DocTerms terms, int i) {
        return new DocTermValues(at(terms.lq(), i), at(terms.lg(), i), at(terms.cslsR(), i), at(terms.nnnBias(), i));
    }

    private static double at(double[] a, int i) {
        return a == null ? Double.NaN : a[i];
    }
}
