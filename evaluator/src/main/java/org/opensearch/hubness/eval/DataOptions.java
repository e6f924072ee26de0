package org.opensearch.hubness.eval;

import java.nio.file.Path;
import org.opensearch.hubness.norm.NormParams;
import picocli.CommandLine.Option;

/** The inputs and method parameters that score and sweep share. */
final class DataOptions {

    private static final NormParams DEFAULTS = NormParams.defaults();

    @Option(names = "--queries", required = true, paramLabel = "Q.npy", description = "query vectors (rows × d)")
    Path queries;

    @Option(names = "--gallery", required = true, paramLabel = "G.npy", description = "gallery vectors (rows × d)")
    Path gallery;

    @Option(names = "--query-bank", paramLabel = "BQ.npy", description = "sample queries (is, dis, csls, nnn, dual_*)")
    Path queryBank;

    @Option(names = "--gallery-bank", paramLabel = "BG.npy", description = "sample gallery items (dual_is, dual_dis)")
    Path galleryBank;

    @Option(
            names = "--similarity",
            paramLabel = "cosine|dot|l2",
            defaultValue = "cosine",
            description =
                    "cosine L2-normalises every row; dot uses raw inner products; l2 uses s = -||q - g||^2 on the raw rows (default: ${DEFAULT-VALUE})")
    String similarity;

    @Option(names = "--k", paramLabel = "K", description = "activation-set size of the DIS gates (default: 1)")
    int activationK = DEFAULTS.activationK();

    @Option(names = "--csls-k", paramLabel = "K", description = "CSLS neighbourhood (default: 10)")
    int cslsK = DEFAULTS.cslsK();

    @Option(names = "--nnn-k", paramLabel = "K", description = "NNN neighbourhood (default: 16)")
    int nnnK = DEFAULTS.nnnK();

    @Option(names = "--nnn-alpha", paramLabel = "A", description = "NNN weight (default: 0.75)")
    double nnnAlpha = DEFAULTS.nnnAlpha();

    NormParams params(double betaQuery, double betaGallery) {
        return new NormParams(betaQuery, betaGallery, activationK, cslsK, nnnK, nnnAlpha);
    }
}
