package org.opensearch.hubness.eval;

import java.io.IOException;
import picocli.CommandLine.Option;

/** {@code --truth}: which gallery rows are correct for each query (metrics and sweep). */
final class TruthOption {

    @Option(
            names = "--truth",
            paramLabel = "diagonal|T.npy",
            defaultValue = "diagonal",
            description = "correct gallery rows per query: diagonal (query i <-> gallery item i) or a .npy of indices "
                    + "(default: ${DEFAULT-VALUE})")
    String spec;

    int[][] load(int queries, int galleryItems) throws IOException {
        return GroundTruth.load(spec, queries, galleryItems);
    }
}
