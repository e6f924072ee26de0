package org.opensearch.hubness.norm;

/**
 * The bank terms of one document at a time against one bank version, for a search (a cache miss, or a request that
 * overrides β). The rows of similarities to every bank row are sized once and reused from document to document, so a
 * document allocates only its four terms, not O(bank). The arithmetic is that of
 * {@link DocTermsCalculator#compute(Similarity, float[], int, BankMatrix, BankMatrix, NormParams, DotPrecision)} for
 * one row in float precision, step for step, so the terms are bit-identical. Not thread-safe: one document at a time
 * (callers keep a pool of them per bank version).
 */
public final class SingleDocTerms {

    private final BlockSimilarities sims;
    private final boolean queryBank;
    private final boolean galleryBank;

    public SingleDocTerms(Similarity similarity, BankMatrix queryBank, BankMatrix galleryBank) {
        this.sims = new BlockSimilarities(similarity, queryBank, galleryBank, 1);
        this.queryBank = !queryBank.isEmpty();
        this.galleryBank = !galleryBank.isEmpty();
    }

    /** The terms of one prepared gallery vector with parameters p. */
    public DocTerms compute(float[] prepared, NormParams p) {
        DocTerms terms = DocTerms.allocate(1, queryBank, galleryBank);
        sims.compute(prepared, 0, 1, DotPrecision.FLOAT);
        sims.loadRow(0);
        sims.fillTerms(p, terms, 0);
        return terms;
    }
}
