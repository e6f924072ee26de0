package org.opensearch.hubness.norm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.hubness.eval.NpyArray;
import org.opensearch.hubness.testdata.ByteQuantiser;
import org.opensearch.hubness.testing.LoudSkip;
import org.opensearch.hubness.testing.NumpyOracle;

/**
 * The l2 similarity (s = −‖q − g‖²) and byte vectors against the numpy oracle on the flickr8k-tinyclip split (without
 * the shared data, on {@link PairedEmbeddings}' generated fixture): every method's log-scores within 1e-5. Byte: the
 * same vectors quantised (ByteQuantiser), both sides fed the quantised values.
 */
class L2AndByteOracleTests {

    private static final double TOLERANCE = 1e-5;

    @TempDir
    Path tmp;

    @Test
    void l2OnFloatVectors() throws Exception {
        PairedEmbeddings data = PairedEmbeddings.load();
        check(data, Similarity.L2, split(data, null), "l2-float");
    }

    @Test
    void l2AndDotAndCosineOnByteVectors() throws Exception {
        PairedEmbeddings data = PairedEmbeddings.load();
        ByteQuantiser quantiser = new ByteQuantiser(data.text, data.image);
        for (Similarity sim : Similarity.values()) {
            check(data, sim, split(data, quantiser), sim.externalName() + "-byte");
        }
    }

    /** q, g, bq, bg of the design's split, quantised when a quantiser is given. */
    private static float[][] split(PairedEmbeddings data, ByteQuantiser quantiser) {
        float[][] rows = {
            data.rows(data.text, 0, 500),
            data.rows(data.image, 0, 500),
            data.rows(data.text, 500, 1000),
            data.rows(data.image, 500, 1000)
        };
        if (quantiser != null) for (int i = 0; i < rows.length; i++) rows[i] = quantiser.quantise(rows[i]);
        return rows;
    }

    private void check(PairedEmbeddings data, Similarity sim, float[][] rows, String label) throws Exception {
        LoudSkip.unless(NumpyOracle.available(), NumpyOracle.UNAVAILABLE);
        Path dir = tmp.resolve(label);
        String[] names = {"q", "g", "bq", "bg"};
        java.nio.file.Files.createDirectories(dir);
        for (int i = 0; i < 4; i++) NpyArray.writeFloat32(dir.resolve(names[i] + ".npy"), rows[i], 500, data.d);
        NumpyOracle.run(List.of(
                "--queries",
                dir.resolve("q.npy").toString(),
                "--gallery",
                dir.resolve("g.npy").toString(),
                "--query-bank",
                dir.resolve("bq.npy").toString(),
                "--gallery-bank",
                dir.resolve("bg.npy").toString(),
                "--similarity",
                sim.externalName(),
                "--out-dir",
                dir.resolve("oracle").toString()));

        for (float[] r : rows) sim.prepareRows(r, 500, data.d);
        OfflineScorer scorer = new OfflineScorer(
                new ScoringInputs(sim, rows[0], 500, rows[1], 500, rows[2], 500, rows[3], 500, data.d));
        StringBuilder report = new StringBuilder(label + ": ");
        double worst = 0;
        for (Method m : Method.values()) {
            double[] expected = NpyArray.readMatrix(dir.resolve("oracle").resolve("score_" + m.externalName() + ".npy"))
                    .values();
            double[] got = scorer.scores(m, NormParams.defaults());
            double err = 0;
            for (int i = 0; i < got.length; i++) err = Math.max(err, Math.abs(got[i] - expected[i]));
            report.append(String.format(Locale.ROOT, "%s=%.2e ", m.externalName(), err));
            worst = Math.max(worst, err);
        }
        System.out.println("oracle max |Δ log-score| on " + data.source + ", " + report);
        assertTrue(worst <= TOLERANCE, "max |Δ| above " + TOLERANCE + ": " + report);
    }
}
