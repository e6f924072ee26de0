package org.opensearch.hubness.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HubnessEvalTests {

    @TempDir
    Path tmp;

    private record Result(int code, String out, String err) {}

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int code = HubnessEval.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
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
        Result score = run("score", "--method", "none", "--queries", q.toString(), "--gallery", g.toString(), "--out", s.toString());
        assertEquals(0, score.code, score.err);
        NpyArray scores = NpyArray.readMatrix(s);
        assertEquals(NpyArray.DType.FLOAT64, scores.dtype());
        assertEquals(0.98480775, scores.values()[0], 1e-6);
        Result metrics = run("metrics", "--scores", s.toString(), "--truth", "diagonal", "--k", "1");
        assertEquals(0, metrics.code, metrics.err);
        // q0 ↔ g0 is rank 1; q1 ↔ g1 is rank 2 (g2 is closer). N_1 = [1, 0, 1]: skew = -1/√2
        assertEquals("{\"r1\":50,\"r5\":100,\"r10\":100,\"mdr\":1.5,\"mnr\":1.5,\"skew\":-0.707107,\"queries\":2}",
            metrics.out.trim());
    }

    @Test
    void userErrorsExitWithTwoAndNoStackTrace() throws IOException {
        Path q = write("q.npy", new float[] {1, 0}, 1, 2);
        Result missingBank = run("score", "--method", "is", "--queries", q.toString(), "--gallery", q.toString(),
            "--out", tmp.resolve("s.npy").toString());
        assertEquals(2, missingBank.code);
        assertEquals("hubness-eval: method is needs --query-bank", missingBank.err.trim());
        Result badMethod = run("score", "--method", "qb", "--queries", q.toString(), "--gallery", q.toString(), "--out", "x");
        assertEquals(2, badMethod.code);
        assertTrue(badMethod.err.contains("valid methods are none, is, dis"), badMethod.err);
        Result unknownOption = run("metrics", "--scores", q.toString(), "--bogus", "1");
        assertEquals(2, unknownOption.code);
        assertTrue(unknownOption.err.contains("unknown option --bogus"), unknownOption.err);
        Result missingFile = run("metrics", "--scores", tmp.resolve("nope.npy").toString());
        assertEquals(2, missingFile.code);
        assertTrue(missingFile.err.contains("no such file"), missingFile.err);
        assertTrue(!missingFile.err.contains("\tat "), "no stack trace");
        Result badBeta = run("score", "--method", "is", "--queries", q.toString(), "--gallery", q.toString(),
            "--query-bank", q.toString(), "--beta-q", "-1", "--out", tmp.resolve("s.npy").toString());
        assertEquals(2, badBeta.code);
        assertTrue(badBeta.err.contains("beta_q must be a finite number > 0"), badBeta.err);
        assertEquals(2, run("frobnicate").code);
        assertEquals(2, run().code);
    }

    @Test
    void sweepPrintsATableBestFirst() throws IOException {
        FlickrData data = FlickrData.load();
        Path q = write("q.npy", data.rows(data.text, 0, 500), 500, data.d);
        Path g = write("g.npy", data.rows(data.image, 0, 500), 500, data.d);
        Path bq = write("bq.npy", data.rows(data.text, 500, 1000), 500, data.d);
        Result r = run("sweep", "--queries", q.toString(), "--gallery", g.toString(), "--query-bank", bq.toString(),
            "--methods", "none,is", "--beta-q", "10,20");
        assertEquals(0, r.code, r.err);
        String[] lines = r.out.strip().split("\n");
        assertEquals(4, lines.length, r.out);
        assertTrue(lines[0].startsWith("method"), r.out);
        assertTrue(lines[1].matches("is\\s+10\\s+-\\s+61\\.2 .*"), r.out);
        assertTrue(lines[3].matches("none\\s+-\\s+-\\s+57\\.2 .*"), r.out);
    }
}
