package org.opensearch.hubness.eval;

import java.io.IOException;
import java.nio.file.Path;
import org.opensearch.hubness.norm.RetrievalMetrics;

/** Ground truth from "diagonal" or a .npy file: 1-D (one answer per query) or 2-D (answers padded with -1). */
final class GroundTruth {

    private GroundTruth() {}

    static int[][] load(String spec, int nq, int n) throws IOException {
        if (spec.equals("diagonal")) {
            if (nq > n) {
                throw new UsageException(
                        "--truth diagonal needs at least as many gallery items (" + n + ") as queries (" + nq + ")");
            }
            return RetrievalMetrics.diagonalTruth(nq);
        }
        Path file = Path.of(spec);
        NpyArray a = NpyArray.read(file);
        if (a.rows() != nq) {
            throw new UsageException(
                    file + ": ground truth has " + a.rows() + " rows but there are " + nq + " queries");
        }
        int cols = a.cols();
        double[] v = a.values();
        int[][] truth = new int[nq][cols];
        for (int q = 0; q < nq; q++) {
            for (int c = 0; c < cols; c++) {
                double x = v[q * cols + c];
                if (x != Math.rint(x) || x >= n) {
                    throw new UsageException(file + ": entry (" + q + ", " + c + ") = " + x
                            + " is not a gallery index in [0, " + n + ") or -1 padding");
                }
                truth[q][c] = (int) x;
            }
        }
        return truth;
    }
}
