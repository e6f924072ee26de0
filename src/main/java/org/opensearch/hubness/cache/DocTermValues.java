package org.opensearch.hubness.cache;

/** The bank terms of one gallery document: Lq, Lg, CSLS's r_B and NNN's unweighted mean (NaN where a bank is absent). */
public record DocTermValues(double lq, double lg, double cslsR, double nnnMean) {
}
