package org.opensearch.hubness.eval;

import java.io.IOException;
import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.norm.OfflineScorer;
import org.opensearch.hubness.norm.ScoringInputs;
import org.opensearch.hubness.norm.Similarity;

/** Queries, gallery and optional banks loaded from .npy files, checked and prepared for one similarity. */
final class EvalData {

    /** The prepared rows; a bank not given is null. */
    final ScoringInputs inputs;

    private EvalData(ScoringInputs inputs) {
        this.inputs = inputs;
    }

    static EvalData load(DataOptions o) throws IOException {
        Similarity similarity;
        try {
            similarity = Similarity.fromString(o.similarity);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        NpyArray q = NpyArray.readMatrix(o.queries);
        NpyArray g = NpyArray.readMatrix(o.gallery);
        NpyArray bq = o.queryBank == null ? null : NpyArray.readMatrix(o.queryBank);
        NpyArray bg = o.galleryBank == null ? null : NpyArray.readMatrix(o.galleryBank);
        int d = q.cols();
        requireDimension(g, d, "--gallery");
        requireDimension(bq, d, "--query-bank");
        requireDimension(bg, d, "--gallery-bank");
        return new EvalData(new ScoringInputs(
                similarity,
                prepared(q, similarity, "--queries"),
                q.rows(),
                prepared(g, similarity, "--gallery"),
                g.rows(),
                bq == null ? null : prepared(bq, similarity, "--query-bank"),
                bq == null ? 0 : bq.rows(),
                bg == null ? null : prepared(bg, similarity, "--gallery-bank"),
                bg == null ? 0 : bg.rows(),
                d));
    }

    private static void requireDimension(NpyArray a, int d, String what) {
        if (a != null && a.cols() != d) {
            throw new UsageException(what + " has " + a.cols() + " dimensions but --queries has " + d);
        }
    }

    private static float[] prepared(NpyArray a, Similarity similarity, String what) {
        float[] rows = a.toFloats();
        try {
            similarity.prepareRows(rows, a.rows(), a.cols());
        } catch (IllegalArgumentException e) {
            throw new UsageException(what + ": " + e.getMessage());
        }
        return rows;
    }

    void requireBanksFor(Method m) {
        if (m.needsQueryBank() && inputs.queryBank() == null) {
            throw new UsageException("method " + m.externalName() + " needs --query-bank");
        }
        if (m.needsGalleryBank() && inputs.galleryBank() == null) {
            throw new UsageException("method " + m.externalName() + " needs --gallery-bank");
        }
    }

    OfflineScorer scorer() {
        return new OfflineScorer(inputs);
    }
}
