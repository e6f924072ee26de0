package org.opensearch.hubness.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opensearch.hubness.norm.RetrievalMetrics.Summary;
import org.opensearch.hubness.testing.LoudSkip;

/**
 * Reproduces the sanity numbers of data/flickr8k-tinyclip/README.md and docs/method.md (text→image,
 * test rows 0–499, query bank = text 500–999, gallery bank = image 500–999). Those numbers were computed
 * with independent numpy code; the expected values below are copied from those documents. They are properties of that
 * data set, so without it this class skips loudly; OracleAgreementTests still checks the mathematics on a fixture.
 */
class SanityNumbersTests {

    private static OfflineScorer scorer;

    @BeforeAll
    static void load() throws Exception {
        LoudSkip.unless(
                PairedEmbeddings.realDataDir() != null,
                "the published sanity numbers are properties of "
                        + "flickr8k-tinyclip, which is not under ../shared/data; OracleAgreementTests checks the mathematics on a fixture");
        PairedEmbeddings data = PairedEmbeddings.load();
        scorer = new OfflineScorer(new ScoringInputs(
                Similarity.DOT,
                data.rows(data.text, 0, 500),
                500,
                data.rows(data.image, 0, 500),
                500,
                data.rows(data.text, 500, 1000),
                500,
                data.rows(data.image, 500, 1000),
                500,
                data.d));
    }

    private static Summary run(Method m, double betaQ, double betaG) {
        NormParams p = NormParams.defaults().withBetaQuery(betaQ).withBetaGallery(betaG);
        return RetrievalMetrics.evaluate(scorer.scores(m, p), 500, 500, RetrievalMetrics.diagonalTruth(500), 10);
    }

    @Test
    void rawRetrieval() {
        Summary s = run(Method.NONE, 20, 3);
        assertEquals(57.2, s.r1(), 1e-9);
        assertEquals(81.4, s.r5(), 1e-9);
        assertEquals(89.8, s.r10(), 1e-9);
        assertEquals(1.32, s.skew(), 0.01);
    }

    @Test
    void invertedSoftmax() {
        Summary is10 = run(Method.IS, 10, 3);
        assertEquals(61.2, is10.r1(), 1e-9);
        assertEquals(0.45, is10.skew(), 0.01);
        Summary is20 = run(Method.IS, 20, 3);
        assertEquals(60.4, is20.r1(), 1e-9);
        assertEquals(0.20, is20.skew(), 0.01);
        assertEquals(60.0, run(Method.DIS, 20, 3).r1(), 1e-9);
    }

    @Test
    void dualBanks() {
        assertEquals(62.0, run(Method.DUAL_IS, 20, 3).r1(), 1e-9);
        assertEquals(60.8, run(Method.DUAL_DIS, 20, 3).r1(), 1e-9);
        Summary collapsed = run(Method.DUAL_IS, 20, 20);
        assertEquals(56.6, collapsed.r1(), 1e-9);
        assertEquals(3.15, collapsed.skew(), 0.01);
    }
}
