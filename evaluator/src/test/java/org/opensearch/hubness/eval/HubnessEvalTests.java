package org.opensearch.hubness.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.OfflineScorer;
import org.opensearch.hubness.norm.RetrievalMetrics;
import org.opensearch.hubness.norm.ScoringInputs;
import org.opensearch.hubness.norm.Similarity;

class HubnessEvalTests {

    @TempDir
    Path tmp;

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = HubnessEval.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path write(String name, float[] v, int rows, int cols) throws IOException {
        Path p = tmp.resolve(name);
        NpyArray.writeFloat32(p, v, rows, cols);
        return p;
    }

    @Test
    void scoreThenMetrics() throws IOException {
        // queries at 10° and 100°, gallery at 0°, 60°, 120°: raw top-1 of q0 is g0, of q1 is g2 (60° vs 20°)
        Path q = write("q.npy", new float[] {0.98480775f, 0.17364818f, -0.17364818f, 0.98480775f}, 2, 2);
        Path g = write("g.npy", new float[] {1, 0, 0.5f, 0.8660254f, -0.5f, 0.8660254f}, 3, 2);
        Path s = tmp.resolve("s.npy");
        Result score = run(
                "score",
                "--method",
                "none",
                "--queries",
                q.toString(),
                "--gallery",
                g.toString(),
                "--out",
                s.toString());
        assertEquals(0, score.code, score.err);
        NpyArray scores = NpyArray.readMatrix(s);
        assertEquals(NpyArray.DType.FLOAT64, scores.dtype());
        assertEquals(0.98480775, scores.values()[0], 1e-6);
        Result metrics = run("metrics", "--scores", s.toString(), "--truth", "diagonal", "--k", "1");
        assertEquals(0, metrics.code, metrics.err);
        // q0 ↔ g0 is rank 1; q1 ↔ g1 is rank 2 (g2 is closer). N_1 = [1, 0, 1]: skew = -1/√2
        assertEquals(
                "{\"r1\":50,\"r5\":100,\"r10\":100,\"mdr\":1.5,\"mnr\":1.5,\"skew\":-0.707107,\"queries\":2}",
                metrics.out.trim());
    }

    @Test
    void userErrorsExitWithTwoAndNoStackTrace() throws IOException {
        Path q = write("q.npy", new float[] {1, 0}, 1, 2);
        Result missingBank = run(
                "score",
                "--method",
                "is",
                "--queries",
                q.toString(),
                "--gallery",
                q.toString(),
                "--out",
                tmp.resolve("s.npy").toString());
        assertEquals(2, missingBank.code);
        assertEquals("hubness-eval: method is needs --query-bank", missingBank.err.trim());
        Result badMethod =
                run("score", "--method", "qb", "--queries", q.toString(), "--gallery", q.toString(), "--out", "x");
        assertEquals(2, badMethod.code);
        assertTrue(badMethod.err.contains("valid methods are none, is, dis"), badMethod.err);
        Result unknownOption = run("metrics", "--scores", q.toString(), "--bogus", "1");
        assertEquals(2, unknownOption.code);
        assertEquals("hubness-eval: Unknown options: '--bogus', '1'", unknownOption.err.trim());
        Result missingOption = run("score", "--method", "none", "--queries", q.toString(), "--gallery", q.toString());
        assertEquals(2, missingOption.code);
        assertTrue(missingOption.err.contains("Missing required option: '--out=S.npy'"), missingOption.err);
        Result notANumber = run("metrics", "--scores", q.toString(), "--k", "ten");
        assertEquals(2, notANumber.code);
        assertTrue(notANumber.err.contains("'ten' is not an int"), notANumber.err);
        Result missingFile = run("metrics", "--scores", tmp.resolve("nope.npy").toString());
        assertEquals(2, missingFile.code);
        assertTrue(missingFile.err.contains("no such file"), missingFile.err);
        assertTrue(!missingFile.err.contains("\tat "), "no stack trace");
        Result badBeta = run(
                "score",
                "--method",
                "is",
                "--queries",
                q.toString(),
                "--gallery",
                q.toString(),
                "--query-bank",
                q.toString(),
                "--beta-q",
                "-1",
                "--out",
                tmp.resolve("s.npy").toString());
        assertEquals(2, badBeta.code);
        assertTrue(badBeta.err.contains("beta_q must be a finite number > 0"), badBeta.err);
        assertEquals(2, run("frobnicate").code);
        Result none = run();
        assertEquals(2, none.code);
        assertEquals("hubness-eval: missing command; commands are score, metrics, sweep", none.err.trim());
    }

    @Test
    void helpListsTheCommandsAndTheirOptions() {
        Result help = run("--help");
        assertEquals(0, help.code, help.err);
        assertTrue(help.out.contains("score") && help.out.contains("metrics") && help.out.contains("sweep"), help.out);
        Result scoreHelp = run("score", "--help");
        assertEquals(0, scoreHelp.code, scoreHelp.err);
        assertTrue(scoreHelp.out.contains("--gallery-bank=BG.npy"), scoreHelp.out);
        assertTrue(scoreHelp.out.contains("--nnn-alpha=A"), scoreHelp.out);
    }

    /** Unit vectors near a few shared directions: queries i and gallery item i are a noisy pair, so there are hubs. */
    private static float[] clustered(Random random, float[] centres, int rows, int d, float[] partners, double noise) {
        float[] v = new float[rows * d];
        for (int r = 0; r < rows; r++) {
            int c = r % (centres.length / d);
            for (int j = 0; j < d; j++) {
                double base = partners != null ? partners[r * d + j] : centres[c * d + j];
                v[r * d + j] = (float) (base + noise * random.nextGaussian());
            }
        }
        Similarity.COSINE.prepareRows(v, rows, d);
        return v;
    }

    @Test
    void sweepPrintsATableBestFirst() throws IOException {
        int n = 80, d = 12;
        Random random = new Random(42);
        float[] centres = clustered(random, new float[4 * d], 4, d, null, 1.0);
        float[] gallery = clustered(random, centres, n, d, null, 0.6);
        float[] queries = clustered(random, centres, n, d, gallery, 0.5);
        float[] bank = clustered(random, centres, n, d, null, 0.8);
        Path q = write("q.npy", queries, n, d), g = write("g.npy", gallery, n, d), bq = write("bq.npy", bank, n, d);
        Result r = run(
                "sweep",
                "--queries",
                q.toString(),
                "--gallery",
                g.toString(),
                "--query-bank",
                bq.toString(),
                "--methods",
                "none,is",
                "--beta-q",
                "10,20");
        assertEquals(0, r.code, r.err);
        String[] lines = r.out.strip().split("\n");
        assertEquals(4, lines.length, r.out);
        assertTrue(lines[0].startsWith("method"), r.out);
        double previous = Double.MAX_VALUE;
        OfflineScorer scorer =
                new OfflineScorer(new ScoringInputs(Similarity.DOT, queries, n, gallery, n, bank, n, null, 0, d));
        for (int i = 1; i < lines.length; i++) {
            String[] cells = lines[i].trim().split("\\s+");
            double r1 = Double.parseDouble(cells[3]);
            assertTrue(r1 <= previous, "best R@1 first: " + r.out);
            previous = r1;
            Method m = Method.fromString(cells[0]);
            double betaQ = cells[1].equals("-") ? 20 : Double.parseDouble(cells[1]);
            RetrievalMetrics.Summary expected = RetrievalMetrics.evaluate(
                    scorer.scores(m, NormParams.defaults().withBetaQuery(betaQ)),
                    n,
                    n,
                    RetrievalMetrics.diagonalTruth(n),
                    10);
            assertEquals(String.format(Locale.ROOT, "%.1f", expected.r1()), cells[3], lines[i]);
            assertEquals(String.format(Locale.ROOT, "%.3f", expected.skew()), cells[8], lines[i]);
        }
        assertTrue(r.out.contains("\nnone ") && r.out.contains("\nis  "), r.out);
    }
}
