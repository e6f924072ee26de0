package org.opensearch.hubness.norm;

import java.util.function.Function;

/**
 * Hyper-parameters of the methods.
 *
 * @param betaQuery   βq, inverse temperature of the query-bank softmax
 * @param betaGallery βg, inverse temperature of the gallery-bank softmax
 * @param activationK k of the activation sets (top-k of each bank row over the gallery)
 * @param cslsK       K of CSLS: r_B(g) is the mean of g's K largest query-bank similarities
 * @param nnnK        k of NNN: the bias is the mean of g's k largest query-bank similarities
 * @param nnnAlpha    α of NNN: weight of that bias
 * @param hubK        k of the hubs the build records: N_k(g) counts the bank vectors with g in their raw top-k
 */
public record NormParams(
        double betaQuery, double betaGallery, int activationK, int cslsK, int nnnK, double nnnAlpha, int hubK) {

    /** k of the recorded hubs when a definition names none (and of versions built before hubs were recorded). */
    public static final int DEFAULT_HUB_K = 10;

    /** With the default {@link #DEFAULT_HUB_K}. */
    public NormParams(double betaQuery, double betaGallery, int activationK, int cslsK, int nnnK, double nnnAlpha) {
        this(betaQuery, betaGallery, activationK, cslsK, nnnK, nnnAlpha, DEFAULT_HUB_K);
    }

    /**
     * Below this inverse temperature scores tie whatever the vectors. A log-score is about β·s − ln|B|, a float
     * resolving it to 2^-24·ln|B|; two similarities δ apart stay apart only while β·δ exceeds that. Cosine (|s| ≤ 1)
     * wants β ≥ 0.01 for that, but byte and unnormalised vectors have similarities up to about 10^7 (127² · 768), where
     * β must be tuned down to about 1e-6 (1e-300 made every score of a window equal).
     */
    public static final double MIN_BETA = 1e-6;

    /** Beyond this inverse temperature β·s overflows the float scores (1e308 gave "Infinity" for every hit). */
    public static final double MAX_BETA = 10_000;

    public NormParams {
        requireBeta(betaQuery, "beta_query");
        requireBeta(betaGallery, "beta_gallery");
        requireAtLeastOne(activationK, "k");
        requireAtLeastOne(cslsK, "csls_k");
        requireAtLeastOne(nnnK, "nnn_k");
        requireAtLeastOne(hubK, "hub_k");
        if (!Double.isFinite(nnnAlpha) || nnnAlpha < 0) {
            throw new IllegalArgumentException("nnn_alpha must be a finite number >= 0, got " + nnnAlpha);
        }
    }

    /** βq=20, βg=3, k=1 (docs/method.md, "Defaults"), CSLS K=10 (Conneau et al.), NNN k=16, α=0.75 (NNN paper §3.3). */
    public static NormParams defaults() {
        return new NormParams(20, 3, 1, 10, 16, 0.75);
    }

    /** Where the parameters write themselves under their external names (a map, a stream...): norm/ stays free of OpenSearch. */
    public interface Sink {
        void put(String name, Number value);
    }

    public void writeTo(Sink sink) {
        sink.put("beta_query", betaQuery);
        sink.put("beta_gallery", betaGallery);
        sink.put("k", activationK);
        sink.put("csls_k", cslsK);
        sink.put("nnn_k", nnnK);
        sink.put("nnn_alpha", nnnAlpha);
        sink.put("hub_k", hubK);
    }

    /** Reads what {@link #writeTo} wrote, by the same names; what was written before [hub_k] existed reads as the default. */
    public static NormParams readFrom(Function<String, Number> source) {
        Number hubK = source.apply("hub_k");
        return new NormParams(
                source.apply("beta_query").doubleValue(),
                source.apply("beta_gallery").doubleValue(),
                source.apply("k").intValue(),
                source.apply("csls_k").intValue(),
                source.apply("nnn_k").intValue(),
                source.apply("nnn_alpha").doubleValue(),
                hubK == null ? DEFAULT_HUB_K : hubK.intValue());
    }

    public NormParams withBetaQuery(double b) {
        return new NormParams(b, betaGallery, activationK, cslsK, nnnK, nnnAlpha, hubK);
    }

    public NormParams withBetaGallery(double b) {
        return new NormParams(betaQuery, b, activationK, cslsK, nnnK, nnnAlpha, hubK);
    }

    /** The one range check of a β, wherever it comes from (bank definition, rescore clause, processor). */
    public static void requireBeta(double v, String name) {
        if (!(v >= MIN_BETA && v <= MAX_BETA)) { // NaN fails both comparisons
            throw new IllegalArgumentException("[" + name + "] must be a finite number from 1e-6 to " + (long) MAX_BETA
                    + " (below, the scores of a window tie; above, they overflow), got " + v);
        }
    }

    private static void requireAtLeastOne(int v, String name) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + v);
        }
    }
}
