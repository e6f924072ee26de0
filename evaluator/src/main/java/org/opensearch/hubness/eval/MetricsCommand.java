package org.opensearch.hubness.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.opensearch.hubness.norm.RetrievalMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hubness-eval metrics}: retrieval quality and hubness of a score matrix. */
@Command(
        name = "metrics",
        mixinStandardHelpOptions = true,
        description =
                "Prints R@1/5/10, median and mean rank and the N_k skewness of a score matrix as one JSON object.")
final class MetricsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--scores",
            required = true,
            paramLabel = "S.npy",
            description = "a score matrix (queries × gallery)")
    Path scores;

    @Mixin
    TruthOption truth;

    @Option(
            names = "--k",
            paramLabel = "K",
            defaultValue = "10",
            description = "k of N_k for the skewness (default: ${DEFAULT-VALUE})")
    int k;

    @Override
    public Integer call() throws IOException {
        NpyArray s = NpyArray.readMatrix(scores);
        int[][] t = truth.load(s.rows(), s.cols());
        RetrievalMetrics.Summary m = RetrievalMetrics.evaluate(s.values(), s.rows(), s.cols(), t, k);
        Map<String, Double> fields = new LinkedHashMap<>();
        fields.put("r1", m.r1());
        fields.put("r5", m.r5());
        fields.put("r10", m.r10());
        fields.put("mdr", m.mdr());
        fields.put("mnr", m.mnr());
        fields.put("skew", m.skew());
        fields.put("queries", (double) m.queries());
        spec.commandLine().getOut().println(Json.object(fields));
        return 0;
    }
}
