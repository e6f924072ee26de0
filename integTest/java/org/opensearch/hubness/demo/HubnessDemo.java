package org.opensearch.hubness.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.opensearch.hubness.eval.NpyArray;
import org.opensearch.hubness.it.LocalCluster;
import org.opensearch.hubness.it.VectorIndex;
import org.opensearch.hubness.norm.RetrievalMetrics;

/**
 * The end-to-end demo that {@code scripts/demo} runs against a live node: indexes the Flickr8k/TinyCLIP gallery and
 * the two banks, builds a bank through the admin API, runs every test caption through plain knn and through the
 * {@code hubness} rescorer with each method, and prints retrieval quality, hubness and latency per method. It also
 * writes an SVG with the N_10 occurrence histogram before and after normalisation and R@1 per method.
 *
 * <p>Split (see the dataset's README): with 2n rows in each file, gallery = image rows 0..n-1, queries = text rows
 * 0..n-1 (ground truth: the diagonal), query bank = text rows n..2n-1, gallery bank = image rows n..2n-1 (Flickr8k:
 * n = 500, 512-d). Banks never contain test items. The sizes and the dimension come from the files, and an optional
 * {@code demo.properties} next to them names the set (the offline synthetic set of {@code demo-data/} writes one);
 * without it the labels are those of Flickr8k/TinyCLIP.
 */
public final class HubnessDemo {

    static final String GALLERY = "demo-gallery";
    static final String QUERY_BANK = "demo-query-bank";
    static final String GALLERY_BANK = "demo-gallery-bank";
    static final String FLICKR_BANK = "demo-flickr8k";
    static final String[] METHODS = {"none", "is", "dis", "dual_is", "dual_dis", "csls", "nnn"};
    static final int HUB_K = 10;
    /** Hubs printed per bank after the build. */
    static final int TOP_HUBS = 8;

    private final LocalCluster cluster;
    private final PrintStream out = System.out;
    private final PrintStream progress = System.err;
    /** On a terminal the progress line rewrites itself; in a log it prints a line now and then. */
    private final boolean tty = Boolean.getBoolean("demo.tty");

    private long lastLine;

    private final String engine;

    /** engine "lucene" or "faiss" (mapped as k-NN's docs show, with exact search: no native libraries needed). */
    HubnessDemo(LocalCluster cluster, String engine) {
        this.cluster = cluster;
        this.engine = engine;
    }

    /** One row of the result table. */
    record Row(String method, RetrievalMetrics.Summary summary, double medianMs, int[] occurrences) {}

    /**
     * How the demo names its data set: {@code title} heads the figure, {@code summary} the first output line,
     * {@code direction} the result table, {@code queries}/{@code gallery} are the plural nouns of the two sides,
     * {@code bank} the bank's name.
     */
    record Labels(String title, String summary, String direction, String queries, String gallery, String bank) {
        static Labels of(Path data, int d) throws IOException {
            Properties p = new Properties();
            Path file = data.resolve("demo.properties");
            if (Files.isRegularFile(file)) {
                try (Reader r = Files.newBufferedReader(file)) {
                    p.load(r);
                }
            }
            return new Labels(
                    p.getProperty("title", "Flickr8k / TinyCLIP, text \u2192 image"),
                    p.getProperty("summary", "Flickr8k dev, TinyCLIP " + d + "-d embeddings, text -> image"),
                    p.getProperty("direction", "text -> image"),
                    p.getProperty("queries", "captions"),
                    p.getProperty("gallery", "images"),
                    p.getProperty("bank", FLICKR_BANK));
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        String url = opts.getOrDefault("url", "http://127.0.0.1:9200");
        Path data = Path.of(opts.getOrDefault("data", "../shared/data/flickr8k-tinyclip"));
        Path outDir = Path.of(opts.getOrDefault("out", "target/demo"));
        int queries =
                opts.containsKey("queries") ? Integer.parseInt(opts.get("queries")) : Integer.MAX_VALUE; // default: all
        if (!Files.isRegularFile(data.resolve("text.npy")) || !Files.isRegularFile(data.resolve("image.npy"))) {
            System.err.println(
                    "demo: no Flickr8k/TinyCLIP embeddings at " + data.toAbsolutePath()
                            + " (text.npy, image.npy); scripts/demo uses ../shared/data/flickr8k-tinyclip or generates an offline set");
            System.exit(2);
        }
        String engine = opts.getOrDefault("engine", "lucene");
        if (!engine.equals("lucene") && !engine.equals("faiss"))
            throw new IllegalArgumentException("--engine is lucene or faiss, got " + engine);
        new HubnessDemo(LocalCluster.at(url), engine).run(data, outDir, queries);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length)
                throw new IllegalArgumentException(
                        "usage: --url U --data DIR --out DIR --queries N --engine lucene|faiss");
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }

    void run(Path data, Path outDir, int nq) throws IOException {
        long t0 = System.nanoTime();
        NpyArray text = NpyArray.readMatrix(data.resolve("text.npy"));
        NpyArray image = NpyArray.readMatrix(data.resolve("image.npy"));
        int d = image.cols();
        if (text.cols() != d || text.rows() != image.rows() || image.rows() < 2 || image.rows() % 2 != 0) {
            throw new IllegalStateException(
                    "expected text.npy and image.npy of the same even number of rows and the same width, got "
                            + Arrays.toString(text.shape()) + " and " + Arrays.toString(image.shape()));
        }
        int n = image.rows() / 2;
        Labels labels = Labels.of(data, d);
        String bankName = labels.bank();
        nq = Math.min(nq, n);
        float[] t = text.toFloats();
        float[] im = image.toFloats();
        float[] gallery = VectorIndex.rows(im, d, 0, n);
        float[] queries = VectorIndex.rows(t, d, 0, nq);
        float[] queryBank = VectorIndex.rows(t, d, n, 2 * n);
        float[] galleryBank = VectorIndex.rows(im, d, n, 2 * n);

        out.printf(Locale.ROOT, "hubness demo on %s: %s%n", cluster.baseUrl(), labels.summary());
        out.printf(
                Locale.ROOT,
                "  gallery %d %s, %d test %s, query bank %d %s, gallery bank %d %s%n",
                n,
                labels.gallery(),
                nq,
                labels.queries(),
                queryBank.length / d,
                labels.queries(),
                galleryBank.length / d,
                labels.gallery());

        // ---- index ----
        cluster.delete("/_plugins/_hubness/banks/" + bankName);
        int total = n + queryBank.length / d + galleryBank.length / d;
        int[] done = {0};
        index(GALLERY, gallery, d, total, done);
        index(QUERY_BANK, queryBank, d, total, done);
        index(GALLERY_BANK, galleryBank, d, total, done);
        clearProgress();
        out.printf(
                Locale.ROOT,
                "indexed %d vectors into %s, %s, %s (%s engine, cosine)%n",
                total,
                GALLERY,
                QUERY_BANK,
                GALLERY_BANK,
                engine);

        // ---- bank ----
        progress(true, "building bank " + bankName + " ...");
        long b0 = System.nanoTime();
        String bankBody = String.format(
                Locale.ROOT,
                """
            {"gallery": {"index": "%s", "field": "embedding"},
             "query_bank": {"index": "%s", "field": "embedding"},
             "gallery_bank": {"index": "%s", "field": "embedding"},
             "beta_query": 20, "beta_gallery": 3, "k": 1,
             "description": "scripts/demo: %s, banks = rows %d-%d"}
            """,
                GALLERY,
                QUERY_BANK,
                GALLERY_BANK,
                labels.summary().replace("\"", "'"),
                n,
                2 * n - 1);
        JsonNode bank = cluster.put("/_plugins/_hubness/banks/" + bankName + "?wait_for_completion=true", bankBody)
                .ok()
                .json();
        clearProgress();
        out.printf(
                Locale.ROOT,
                "built bank %s (state %s, version %s) in %.1f s: beta_query 20, beta_gallery 3, k 1%n",
                bankName,
                bank.path("state").asText(),
                bank.path("version").asText(),
                (System.nanoTime() - b0) / 1e9);
        printHubs(bankName);

        // ---- query ----
        List<String> methods = new ArrayList<>();
        methods.add("knn");
        methods.addAll(Arrays.asList(METHODS));
        int m = methods.size();
        double[][] scores = new double[m][nq * n];
        double[][] millis = new double[m][nq];
        for (double[] s : scores) Arrays.fill(s, Double.NEGATIVE_INFINITY);
        // warm-up (not measured): a few queries through every method
        for (int q = 0; q < Math.min(10, nq); q++) {
            for (String label : methods) search(label, queries, q, d, n, bankName);
        }
        long q0 = System.nanoTime();
        for (int q = 0; q < nq; q++) {
            for (int j = 0; j < m; j++) {
                long s0 = System.nanoTime();
                JsonNode hits = search(methods.get(j), queries, q, d, n, bankName);
                millis[j][q] = (System.nanoTime() - s0) / 1e6;
                for (int p = 0; p < hits.size(); p++) {
                    int g = Integer.parseInt(hits.get(p).get("_id").asText());
                    scores[j][q * n + g] = -p; // the order OpenSearch returned; rank p+1
                }
            }
            if ((q + 1) % 5 == 0 || q + 1 == nq) {
                double el = (System.nanoTime() - q0) / 1e9;
                progress(
                        q + 1 == nq,
                        String.format(
                                Locale.ROOT,
                                "querying: %d/%d %s x %d methods (%d searches, %.0f s, ~%.0f s left)",
                                q + 1,
                                nq,
                                labels.queries(),
                                m,
                                (q + 1) * m,
                                el,
                                el / (q + 1) * (nq - q - 1)));
            }
        }
        clearProgress();

        // ---- results ----
        int[][] truth = RetrievalMetrics.diagonalTruth(nq);
        List<Row> rows = new ArrayList<>();
        for (int j = 0; j < m; j++) {
            RetrievalMetrics.Summary s = RetrievalMetrics.evaluate(scores[j], nq, n, truth, HUB_K);
            rows.add(new Row(methods.get(j), s, median(millis[j]), occurrences(scores[j], nq, n)));
        }
        out.println();
        out.printf(
                Locale.ROOT,
                "%s, %d queries, gallery %d, window %d (the whole gallery), N_10 skewness over the gallery%n",
                labels.direction(),
                nq,
                n,
                n);
        out.println("| method   |  R@1 |  R@5 | R@10 |  MdR | N_10 skew | median ms |");
        out.println("|----------|------|------|------|------|-----------|-----------|");
        for (Row r : rows) {
            RetrievalMetrics.Summary s = r.summary();
            out.printf(
                    Locale.ROOT,
                    "| %-8s | %4.1f | %4.1f | %4.1f | %4.1f | %9.2f | %9.1f |%n",
                    r.method(),
                    s.r1(),
                    s.r5(),
                    s.r10(),
                    s.mdr(),
                    s.skew(),
                    r.medianMs());
        }
        out.println("knn = the plain knn query (k = " + n
                + "); the other rows add \"rescore\": {\"hubness\": {\"method\": ...}} over it.");
        out.println("median ms = client-side round trip of one search, all methods interleaved per query.");

        Row before = rows.get(0);
        Row best = rows.stream()
                .skip(2)
                .max((a, b) -> Double.compare(a.summary().r1(), b.summary().r1()))
                .orElseThrow();
        Files.createDirectories(outDir);
        Path svg = outDir.resolve("hubness.svg");
        Files.writeString(svg, DemoSvg.render(rows, before, best, nq, n, labels));
        out.printf(
                Locale.ROOT,
                "%nbest: %s R@1 %.1f vs knn %.1f (%+.1f), N_10 skewness %.2f -> %.2f%n",
                best.method(),
                best.summary().r1(),
                before.summary().r1(),
                best.summary().r1() - before.summary().r1(),
                before.summary().skew(),
                best.summary().skew());
        out.printf(
                Locale.ROOT, "wrote %s; the demo took %.0f s%n", svg.toAbsolutePath(), (System.nanoTime() - t0) / 1e9);
    }

    /** The bank's top hubs per bank as the build recorded them: the documents most bank vectors rank in their top 10. */
    private void printHubs(String bankName) {
        JsonNode hubs = cluster.get("/_plugins/_hubness/banks/" + bankName + "/_hubs?size=" + TOP_HUBS)
                .ok()
                .json();
        out.printf(
                Locale.ROOT,
                "top %d hubs of the gallery (GET /_plugins/_hubness/banks/%s/_hubs; id = N_k, the bank vectors with"
                        + " it in their top k):%n",
                TOP_HUBS,
                bankName);
        for (String role : List.of("query_bank", "gallery_bank")) {
            JsonNode h = hubs.path(role);
            if (h.isMissingNode()) continue;
            StringBuilder line = new StringBuilder();
            for (JsonNode hub : h.path("hubs")) {
                if (line.length() > 0) line.append(", ");
                line.append(hub.path("_id").asText())
                        .append(" = ")
                        .append(hub.path("count").asInt());
            }
            out.printf(
                    Locale.ROOT,
                    "  %-12s N_%d skewness %5.2f: %s%n",
                    role,
                    h.path("k").asInt(),
                    h.path("skewness").asDouble(),
                    line);
        }
    }

    private void index(String name, float[] vectors, int d, int total, int[] done) {
        if (engine.equals("faiss")) VectorIndex.createFaiss(cluster, name, d, "cosinesimil", 1, 0);
        else VectorIndex.create(cluster, name, d, "cosinesimil", 1, 0);
        int rows = vectors.length / d;
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            bulk.append("{\"index\":{\"_id\":\"")
                    .append(i)
                    .append("\"}}\n{\"")
                    .append(VectorIndex.FIELD)
                    .append("\":");
            VectorIndex.appendVector(bulk, vectors, i * d, d);
            bulk.append("}\n");
            if ((i + 1) % 100 == 0 || i == rows - 1) {
                LocalCluster.Response r =
                        cluster.post("/" + name + "/_bulk", bulk.toString()).ok();
                if (r.json().path("errors").asBoolean())
                    throw new IllegalStateException("bulk into " + name + " failed: " + r.body());
                bulk.setLength(0);
                done[0] += (i % 100) + 1;
                progress(
                        done[0] == total,
                        String.format(Locale.ROOT, "indexing: %d/%d vectors (%s)", done[0], total, name));
            }
        }
        cluster.post("/" + name + "/_refresh", null).ok();
    }

    /** One search: the plain knn query, or the same query with the hubness rescorer over the whole gallery. */
    private JsonNode search(String label, float[] queries, int q, int d, int n, String bankName) {
        String vector = VectorIndex.vectorJson(queries, q * d, d);
        StringBuilder body = new StringBuilder("{\"size\": ")
                .append(n)
                .append(", \"_source\": false, \"query\": {\"knn\": {\"")
                .append(VectorIndex.FIELD)
                .append("\": {\"vector\": ")
                .append(vector)
                .append(", \"k\": ")
                .append(n)
                .append("}}}");
        if (!label.equals("knn")) {
            body.append(", \"rescore\": {\"window_size\": ")
                    .append(n)
                    .append(", \"hubness\": {\"bank\": \"")
                    .append(bankName)
                    .append("\", \"method\": \"")
                    .append(label)
                    .append("\", \"query_vector\": ")
                    .append(vector)
                    .append("}}");
        }
        body.append('}');
        JsonNode hits = cluster.post("/" + GALLERY + "/_search", body.toString())
                .ok()
                .json()
                .path("hits")
                .path("hits");
        if (hits.size() != n)
            throw new IllegalStateException(label + " returned " + hits.size() + " hits, expected " + n);
        return hits;
    }

    private void progress(boolean force, String line) {
        if (tty) {
            progress.print("\r" + line + "   ");
        } else if (force || System.nanoTime() - lastLine > 10_000_000_000L) {
            progress.println(line);
            lastLine = System.nanoTime();
        }
        progress.flush();
    }

    private void clearProgress() {
        if (tty) progress.print("\r" + " ".repeat(100) + "\r");
    }

    static int[] occurrences(double[] scores, int nq, int n) {
        int[] counts = new int[n];
        for (int[] row : RetrievalMetrics.topK(scores, nq, n, HUB_K)) for (int g : row) counts[g]++;
        return counts;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
