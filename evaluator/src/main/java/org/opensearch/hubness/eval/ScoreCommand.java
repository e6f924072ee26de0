package org.opensearch.hubness.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.norm.NormParams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code hubness-eval score}: one method's log-score matrix to a .npy file. */
@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        description = "Writes the |Q|×|G| log-score matrix of one method.")
final class ScoreCommand implements Callable<Integer> {

    @Option(
            names = "--method",
            required = true,
            paramLabel = "M",
            description = "none, is, dis, dual_is, dual_dis, csls or nnn")
    Method method;

    @Mixin
    DataOptions data;

    @Option(names = "--beta-q", paramLabel = "B", description = "query-bank temperature (default: 20)")
    double betaQuery = NormParams.defaults().betaQuery();

    @Option(names = "--beta-g", paramLabel = "B", description = "gallery-bank temperature (default: 3)")
    double betaGallery = NormParams.defaults().betaGallery();

    @Option(
            names = "--dtype",
            paramLabel = "float64|float32",
            defaultValue = "float64",
            description = "element type of the output (default: ${DEFAULT-VALUE})")
    String dtype;

    @Option(names = "--out", required = true, paramLabel = "S.npy", description = "where to write the scores")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (!dtype.equals("float64") && !dtype.equals("float32")) {
            throw new UsageException("score: --dtype must be float64 or float32, got [" + dtype + "]");
        }
        NormParams p = data.params(betaQuery, betaGallery);
        EvalData loaded = EvalData.load(data);
        loaded.requireBanksFor(method);
        double[] scores = loaded.scorer().scores(method, p);
        if (dtype.equals("float64")) {
            NpyArray.writeFloat64(out, scores, loaded.inputs.nq(), loaded.inputs.n());
        } else {
            float[] f = new float[scores.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) scores[i];
            }
            NpyArray.writeFloat32(out, f, loaded.inputs.nq(), loaded.inputs.n());
        }
        return 0;
    }
}
