package org.opensearch.hubness.eval;

import org.opensearch.hubness.norm.Method;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.OfflineScorer;
import org.opensearch.hubness.norm.RetrievalMetrics;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Offline evaluator: scores .npy embeddings with a normalisation method, computes retrieval metrics and
 * hubness, and sweeps β. Run it through scripts/hubness-eval; see docs/evaluator.md.
 */
public final class HubnessEval {

    private static final String USAGE = """
        usage: hubness-eval <command> [options]
          score   --method M --queries Q.npy --gallery G.npy [--query-bank BQ.npy] [--gallery-bank BG.npy]
                  [--beta-q 20] [--beta-g 3] [--k 1] [--csls-k 10] [--nnn-k 16] [--nnn-alpha 0.75]
                  [--similarity cosine|dot|l2] [--dtype float64|float32] --out S.npy
          metrics --scores S.npy [--truth diagonal|T.npy] [--k 10]
          sweep   --queries Q.npy --gallery G.npy [--query-bank BQ.npy] [--gallery-bank BG.npy]
                  [--truth diagonal|T.npy] [--methods none,is,dis,...] [--beta-q 5,10,20,30] [--beta-g 1,3,5]
                  [--k 1] [--csls-k 10] [--nnn-k 16] [--nnn-alpha 0.75] [--similarity cosine|dot|l2] [--hub-k 10]
        methods: none, is, dis, dual_is, dual_dis, csls, nnn""";

    private static final Set<String> DATA = Set.of("queries", "gallery", "query-bank", "gallery-bank", "similarity",
        "k", "csls-k", "nnn-k", "nnn-alpha");

    private HubnessEval() {}

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Runs one command; returns the process exit code (0 ok, 2 user error). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            (args.length == 0 ? err : out).println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        try {
            switch (args[0]) {
                case "score" -> score(new CliOptions("score", args, 1, with(DATA, "method", "beta-q", "beta-g", "dtype", "out")));
                case "metrics" -> out.println(metrics(new CliOptions("metrics", args, 1, Set.of("scores", "truth", "k"))));
                case "sweep" -> sweep(new CliOptions("sweep", args, 1,
                    with(DATA, "truth", "methods", "beta-q", "beta-g", "hub-k")), out);
                default -> throw new UsageException("unknown command [" + args[0] + "]; commands are score, metrics, sweep");
            }
            return 0;
        } catch (UsageException | IllegalArgumentException e) {
            err.println("hubness-eval: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("hubness-eval: " + e);
            return 2;
        }
    }

    private static Set<String> with(Set<String> base, String... more) {
        Set<String> s = new java.util.HashSet<>(base);
        s.addAll(Arrays.asList(more));
        return s;
    }

    private static NormParams params(CliOptions o, double betaQ, double betaG) {
        NormParams d = NormParams.defaults();
        return new NormParams(betaQ, betaG, o.integer("k", d.activationK()), o.integer("csls-k", d.cslsK()),
            o.integer("nnn-k", d.nnnK()), o.number("nnn-alpha", d.nnnAlpha()));
    }

    private static void score(CliOptions o) throws IOException {
        Method method = Method.fromString(o.required("method"));
        String dtype = o.get("dtype", "float64");
        if (!dtype.equals("float64") && !dtype.equals("float32")) {
            throw new UsageException("score: --dtype must be float64 or float32, got [" + dtype + "]");
        }
        Path outFile = Path.of(o.required("out"));
        NormParams d = NormParams.defaults();
        NormParams p = params(o, o.number("beta-q", d.betaQuery()), o.number("beta-g", d.betaGallery()));
        EvalData data = EvalData.load(o);
        data.requireBanksFor(method);
        double[] scores = data.scorer().scores(method, p);
        if (dtype.equals("float64")) {
            NpyArray.writeFloat64(outFile, scores, data.nq, data.n);
        } else {
            float[] f = new float[scores.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) scores[i];
            }
            NpyArray.writeFloat32(outFile, f, data.nq, data.n);
        }
    }

    static String metrics(CliOptions o) throws IOException {
        NpyArray s = NpyArray.readMatrix(Path.of(o.required("scores")));
        int[][] truth = GroundTruth.load(o.get("truth", "diagonal"), s.rows(), s.cols());
        RetrievalMetrics.Summary m = RetrievalMetrics.evaluate(s.values(), s.rows(), s.cols(), truth, o.integer("k", 10));
        Map<String, Double> fields = new LinkedHashMap<>();
        fields.put("r1", m.r1());
        fields.put("r5", m.r5());
        fields.put("r10", m.r10());
        fields.put("mdr", m.mdr());
        fields.put("mnr", m.mnr());
        fields.put("skew", m.skew());
        fields.put("queries", (double) m.queries());
        return Json.object(fields);
    }

    private record Row(Method method, double betaQ, double betaG, RetrievalMetrics.Summary m, int order) {}

    private static void sweep(CliOptions o, PrintStream out) throws IOException {
        EvalData data = EvalData.load(o);
        int[][] truth = GroundTruth.load(o.get("truth", "diagonal"), data.nq, data.n);
        int hubK = o.integer("hub-k", 10);
        List<Method> methods = new ArrayList<>();
        if (o.has("methods")) {
            for (String name : o.required("methods").split(",")) {
                Method m = Method.fromString(name.trim());
                data.requireBanksFor(m);
                methods.add(m);
            }
        } else {
            for (Method m : Method.values()) {
                if ((!m.needsQueryBank() || data.queryBank != null) && (!m.needsGalleryBank() || data.galleryBank != null)) {
                    methods.add(m);
                }
            }
        }
        double[] betasQ = o.numbers("beta-q", new double[] {5, 10, 20, 30});
        double[] betasG = o.numbers("beta-g", new double[] {1, 3, 5});
        OfflineScorer scorer = data.scorer();
        List<Row> rows = new ArrayList<>();
        for (Method m : methods) {
            boolean usesBetaQ = m == Method.IS || m == Method.DIS || m.needsGalleryBank();
            double[] qs = usesBetaQ ? betasQ : new double[] {Double.NaN};
            double[] gs = m.needsGalleryBank() ? betasG : new double[] {Double.NaN};
            for (double bq : qs) {
                for (double bg : gs) {
                    NormParams defaults = NormParams.defaults();
                    NormParams p = params(o, Double.isNaN(bq) ? defaults.betaQuery() : bq, Double.isNaN(bg) ? defaults.betaGallery() : bg);
                    double[] s = scorer.scores(m, p);
                    rows.add(new Row(m, bq, bg, RetrievalMetrics.evaluate(s, data.nq, data.n, truth, hubK), rows.size()));
                }
            }
        }
        rows.sort((a, b) -> a.m.r1() != b.m.r1() ? Double.compare(b.m.r1(), a.m.r1())
            : a.m.r5() != b.m.r5() ? Double.compare(b.m.r5(), a.m.r5()) : Integer.compare(a.order, b.order));
        out.printf("%-9s %7s %7s %6s %6s %6s %6s %8s %7s%n", "method", "beta_q", "beta_g", "R@1", "R@5", "R@10", "MdR", "MnR",
            "skew");
        for (Row r : rows) {
            out.printf("%-9s %7s %7s %6.1f %6.1f %6.1f %6.1f %8.2f %7.3f%n", r.method.externalName(), beta(r.betaQ), beta(r.betaG),
                r.m.r1(), r.m.r5(), r.m.r10(), r.m.mdr(), r.m.mnr(), r.m.skew());
        }
    }

    private static String beta(double b) {
        return Double.isNaN(b) ? "-" : Json.number(b);
    }
}
