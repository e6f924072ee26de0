package org.opensearch.hubness.eval;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.OfflineScorer;
import org.opensearch.hubness.norm.RetrievalMetrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code hubness-eval sweep}: a table of metrics over methods and temperatures. */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        description = "Prints one row of metrics per (method, βq, βg), best R@1 first (then R@5).")
final class SweepCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    DataOptions data;

    @Mixin
    TruthOption truth;

    @Option(
            names = "--methods",
            split = ",",
            paramLabel = "M",
            description = "default: every method the banks given allow")
    List<Method> methods;

    @Option(
            names = "--beta-q",
            split = ",",
            paramLabel = "B",
            defaultValue = "5,10,20,30",
            description = "query-bank temperatures (default: ${DEFAULT-VALUE})")
    double[] betasQuery;

    @Option(
            names = "--beta-g",
            split = ",",
            paramLabel = "B",
            defaultValue = "1,3,5",
            description = "gallery-bank temperatures (default: ${DEFAULT-VALUE})")
    double[] betasGallery;

    @Option(
            names = "--hub-k",
            paramLabel = "K",
            defaultValue = "10",
            description = "k of N_k for the skewness (default: ${DEFAULT-VALUE})")
    int hubK;

    private record Row(Method method, double betaQ, double betaG, RetrievalMetrics.Summary m, int order) {}

    @Override
    public Integer call() throws IOException {
        EvalData loaded = EvalData.load(data);
        int[][] t = truth.load(loaded.inputs.nq(), loaded.inputs.n());
        List<Method> chosen = new ArrayList<>();
        if (methods != null) {
            for (Method m : methods) {
                loaded.requireBanksFor(m);
                chosen.add(m);
            }
        } else {
            for (Method m : Method.values()) {
                if ((!m.needsQueryBank() || loaded.inputs.queryBank() != null)
                        && (!m.needsGalleryBank() || loaded.inputs.galleryBank() != null)) {
                    chosen.add(m);
                }
            }
        }
        NormParams defaults = NormParams.defaults();
        OfflineScorer scorer = loaded.scorer();
        List<Row> rows = new ArrayList<>();
        for (Method m : chosen) {
            boolean usesBetaQ = m == Method.IS || m == Method.DIS || m.needsGalleryBank();
            double[] qs = usesBetaQ ? betasQuery : new double[] {Double.NaN};
            double[] gs = m.needsGalleryBank() ? betasGallery : new double[] {Double.NaN};
            for (double bq : qs) {
                for (double bg : gs) {
                    NormParams p = data.params(
                            Double.isNaN(bq) ? defaults.betaQuery() : bq,
                            Double.isNaN(bg) ? defaults.betaGallery() : bg);
                    double[] s = scorer.scores(m, p);
                    rows.add(new Row(
                            m,
                            bq,
                            bg,
                            RetrievalMetrics.evaluate(s, loaded.inputs.nq(), loaded.inputs.n(), t, hubK),
                            rows.size()));
                }
            }
        }
        rows.sort((a, b) -> a.m.r1() != b.m.r1()
                ? Double.compare(b.m.r1(), a.m.r1())
                : a.m.r5() != b.m.r5() ? Double.compare(b.m.r5(), a.m.r5()) : Integer.compare(a.order, b.order));
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "%-9s %7s %7s %6s %6s %6s %6s %8s %7s%n",
                "method",
                "beta_q",
                "beta_g",
                "R@1",
                "R@5",
                "R@10",
                "MdR",
                "MnR",
                "skew");
        for (Row r : rows) {
            out.printf(
                    Locale.ROOT,
                    "%-9s %7s %7s %6.1f %6.1f %6.1f %6.1f %8.2f %7.3f%n",
                    r.method.externalName(),
                    beta(r.betaQ),
                    beta(r.betaG),
                    r.m.r1(),
                    r.m.r5(),
                    r.m.r10(),
                    r.m.mdr(),
                    r.m.mnr(),
                    r.m.skew());
        }
        out.flush();
        return 0;
    }

    private static String beta(double b) {
        return Double.isNaN(b) ? "-" : Json.number(b);
    }
}
