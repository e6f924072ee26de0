package org.opensearch.hubness.eval;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.hubness.norm.DocTerms;
import org.opensearch.hubness.norm.DocTermsCalculator;
import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.OfflineScorer;
import org.opensearch.hubness.norm.Similarity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Java's OfflineScorer against the independent numpy oracle (src/test/python/hubness_oracle.py) on
 * real data, for every method at the defaults: max |Δ log-score| must be ≤ 1e-5.
 */
class OracleAgreementTest {

    private static final double TOLERANCE = 1e-5;

    @TempDir
    static Path tmp;

    private static FlickrData data;
    private static double[][] oracle; // per method, read back from the oracle's .npy output
    private static OfflineScorer scorer;

    @BeforeAll
    static void runOracle() throws Exception {
        Assumptions.assumeTrue(pythonWithNumpy(), "python3 with numpy is not available");
        data = FlickrData.load();
        float[] q = data.rows(data.text, 0, 500), g = data.rows(data.image, 0, 500);
        float[] bq = data.rows(data.text, 500, 1000), bg = data.rows(data.image, 500, 1000);
        NpyArray.writeFloat32(tmp.resolve("q.npy"), q, 500, data.d);
        NpyArray.writeFloat32(tmp.resolve("g.npy"), g, 500, data.d);
        NpyArray.writeFloat32(tmp.resolve("bq.npy"), bq, 500, data.d);
        NpyArray.writeFloat32(tmp.resolve("bg.npy"), bg, 500, data.d);
        List<String> cmd = new ArrayList<>(List.of("python3", Path.of("src/test/python/hubness_oracle.py").toAbsolutePath().toString(),
            "--queries", tmp.resolve("q.npy").toString(), "--gallery", tmp.resolve("g.npy").toString(),
            "--query-bank", tmp.resolve("bq.npy").toString(), "--gallery-bank", tmp.resolve("bg.npy").toString(),
            "--out-dir", tmp.resolve("oracle").toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "oracle timed out");
        assertEquals(0, p.exitValue(), "oracle failed: " + output);

        oracle = new double[Method.values().length][];
        for (Method m : Method.values()) {
            NpyArray a = NpyArray.readMatrix(tmp.resolve("oracle").resolve("score_" + m.externalName() + ".npy"));
            assertEquals(500, a.rows());
            assertEquals(500, a.cols());
            oracle[m.ordinal()] = a.values();
        }
        // the same preparation the evaluator does; the data is already unit-norm
        Similarity.COSINE.prepareRows(q, 500, data.d);
        Similarity.COSINE.prepareRows(g, 500, data.d);
        Similarity.COSINE.prepareRows(bq, 500, data.d);
        Similarity.COSINE.prepareRows(bg, 500, data.d);
        scorer = new OfflineScorer(q, 500, g, 500, bq, 500, bg, 500, data.d);
    }

    static boolean pythonWithNumpy() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
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
            report.append(String.format("%s=%.2e ", m.externalName(), err));
            worst = Math.max(worst, err);
        }
        System.out.println("oracle max |Δ log-score|: " + report);
        assertTrue(worst <= TOLERANCE, "max |Δ| above " + TOLERANCE + ": " + report);
    }

    /** The server's float-lane bank terms, measured against the oracle's IS scores (reported; looser bound). */
    @Test
    void floatLaneBankTermsStayCloseToTheOracle() {
        float[] g = data.rows(data.image, 0, 500), bq = data.rows(data.text, 500, 1000);
        DocTerms fast = DocTermsCalculator.compute(g, 500, bq, 500, null, 0, data.d, NormParams.defaults());
        double[] s = scorer.rawSimilarities();
        double[] is = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            is[i] = 20 * s[i] - fast.lq()[i % 500];
        }
        double err = maxAbsDiff(is, oracle[Method.IS.ordinal()]);
        System.out.printf("float-lane Lq: max |Δ is log-score| = %.2e%n", err);
        assertTrue(err <= 1e-4, "float-lane Lq drifted by " + err);
    }
}
