package org.opensearch.hubness.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.hubness.eval.NpyArray;
import org.opensearch.hubness.testing.LoudSkip;
import org.opensearch.hubness.testing.NumpyOracle;

/**
 * Java's OfflineScorer against the independent numpy oracle (src/test/python/hubness_oracle.py) on
 * real data, for every method at the defaults: max |Δ log-score| must be ≤ 1e-5. Without the shared data it runs on
 * {@link PairedEmbeddings}' generated fixture instead (and prints so).
 */
class OracleAgreementTests {

    private static final double TOLERANCE = 1e-5;

    @TempDir
    static Path tmp;

    private static PairedEmbeddings data;
    private static double[][] oracle; // per method, read back from the oracle's .npy output
    private static OfflineScorer scorer;

    @BeforeAll
    static void runOracle() throws Exception {
        LoudSkip.unless(NumpyOracle.available(), NumpyOracle.UNAVAILABLE);
        data = PairedEmbeddings.load();
        float[] q = data.rows(data.text, 0, 500), g = data.rows(data.image, 0, 500);
        float[] bq = data.rows(data.text, 500, 1000), bg = data.rows(data.image, 500, 1000);
        NpyArray.writeFloat32(tmp.resolve("q.npy"), q, 500, data.d);
        NpyArray.writeFloat32(tmp.resolve("g.npy"), g, 500, data.d);
        NpyArray.writeFloat32(tmp.resolve("bq.npy"), bq, 500, data.d);
        NpyArray.writeFloat32(tmp.resolve("bg.npy"), bg, 500, data.d);
        NumpyOracle.run(List.of(
                "--queries",
                tmp.resolve("q.npy").toString(),
                "--gallery",
                tmp.resolve("g.npy").toString(),
                "--query-bank",
                tmp.resolve("bq.npy").toString(),
                "--gallery-bank",
                tmp.resolve("bg.npy").toString(),
                "--out-dir",
                tmp.resolve("oracle").toString()));

        oracle = new double[Method.values().length][];
        for (Method m : Method.values()) {
            NpyArray a = NpyArray.readMatrix(tmp.resolve("oracle").resolve("score_" + m.externalName() + ".npy"));
            assertEquals(500, a.rows());
            assertEquals(500, a.cols());
            oracle[m.ordinal()] = a.values();
        }
        // the same preparation the evaluator does (the real data is already unit-norm, the fixture is not)
        Similarity.COSINE.prepareRows(q, 500, data.d);
        Similarity.COSINE.prepareRows(g, 500, data.d);
        Similarity.COSINE.prepareRows(bq, 500, data.d);
        Similarity.COSINE.prepareRows(bg, 500, data.d);
        scorer = new OfflineScorer(new ScoringInputs(Similarity.DOT, q, 500, g, 500, bq, 500, bg, 500, data.d));
    }

    private static double maxAbsDiff(double[] a, double[] b) {
        assertEquals(a.length, b.length);
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    @Test
    void everyMethodAgreesWithTheOracleAtTheDefaults() {
        StringBuilder report = new StringBuilder();
        double worst = 0;
        for (Method m : Method.values()) {
            double err = maxAbsDiff(scorer.scores(m, NormParams.defaults()), oracle[m.ordinal()]);
            report.append(String.format(Locale.ROOT, "%s=%.2e ", m.externalName(), err));
            worst = Math.max(worst, err);
        }
        System.out.println("oracle max |Δ log-score| on " + data.source + ": " + report);
        assertTrue(worst <= TOLERANCE, "max |Δ| above " + TOLERANCE + ": " + report);
    }

    /** The server's float-lane bank terms, measured against the oracle's IS scores (reported; looser bound). */
    @Test
    void floatLaneBankTermsStayCloseToTheOracle() {
        float[] g = data.rows(data.image, 0, 500), bq = data.rows(data.text, 500, 1000);
        Similarity.COSINE.prepareRows(g, 500, data.d); // as the server stores them (the fixture is not unit-length)
        Similarity.COSINE.prepareRows(bq, 500, data.d);
        DocTerms fast = DocTermsCalculator.compute(g, 500, bq, 500, null, 0, data.d, NormParams.defaults());
        double[] s = scorer.rawSimilarities();
        double[] is = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            is[i] = 20 * s[i] - fast.lq()[i % 500];
        }
        double err = maxAbsDiff(is, oracle[Method.IS.ordinal()]);
        System.out.printf(Locale.ROOT, "float-lane Lq: max |Δ is log-score| = %.2e%n", err);
        assertTrue(err <= 1e-4, "float-lane Lq drifted by " + err);
    }
}
