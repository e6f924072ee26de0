package org.opensearch.hubness.demo;

import com.fasterxml.jackson.databind.JsonNode;
import org.opensearch.hubness.eval.NpyArray;
import org.opensearch.hubness.it.LocalCluster;
import org.opensearch.hubness.it.VectorIndex;
import org.opensearch.hubness.norm.RetrievalMetrics;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end-to-end demo that {@code scripts/demo} runs against a live node: indexes the Flickr8k/TinyCLIP gallery and
 * the two banks, builds a bank through the admin API, runs every test caption through plain knn and through the
 * {@code hubness} rescorer with each method, and prints retrieval quality, hubness and latency per method. It also
 * writes an SVG with the N_10 occurrence histogram before and after normalisation and R@1 per method.
 *
 * <p>Split (see the dataset's README): gallery = image rows 0–499, queries = text rows 0–499 (ground truth: the
 * diagonal), query bank = text rows 500–999, gallery bank = image rows 500–999. Banks never contain test items.
 */
public final class HubnessDemo {

    static final String GALLERY = "demo-gallery";
    static final String QUERY_BANK = "demo-query-bank";
    static final String GALLERY_BANK = "demo-gallery-bank";
    static final String BANK = "demo-flickr8k";
    static final String[] METHODS = {"none", "is", "dis", "dual_is", "dual_dis", "csls", "nnn"};
    static final int HUB_K = 10;

    private final LocalCluster cluster;
    private final PrintStream out = System.out;
    private final PrintStream progress = System.err;
    /** On a terminal the progress line rewrites itself; in a log it prints a line now and then. */
    private final boolean tty = Boolean.getBoolean("demo.tty");
    private long lastLine;

    HubnessDemo(LocalCluster cluster) {
        this.cluster = cluster;
    }

    /** One row of the result table. */
    record Row(String method, RetrievalMetrics.Summary summary, double medianMs, int[] occurrences) {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = parse(args);
        String url = opts.getOrDefault("url", "http://127.0.0.1:9200");
        Path data = Path.of(opts.getOrDefault("data", "../shared/data/flickr8k-tinyclip"));
        Path outDir = Path.of(opts.getOrDefault("out", "target/demo"));
        int queries = Integer.parseInt(opts.getOrDefault("queries", "500"));
        if (!Files.isRegularFile(data.resolve("text.npy")) || !Files.isRegularFile(data.resolve("image.npy"))) {
            System.err.println("demo: no Flickr8k/TinyCLIP embeddings at " + data.toAbsolutePath()
                + " (text.npy, image.npy); the demo needs ../shared/data/flickr8k-tinyclip");
            System.exit(2);
        }
        new HubnessDemo(LocalCluster.at(url)).run(data, outDir, queries);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length) throw new IllegalArgumentException("usage: --url U --data DIR --out DIR --queries N");
            m.put(args[i].substring(2), args[++i]);
        }
        return m;
    }

    void run(Path data, Path outDir, int nq) throws IOException {
        long t0 = System.nanoTime();
        NpyArray text = NpyArray.readMatrix(data.resolve("text.npy"));
        NpyArray image = NpyArray.readMatrix(data.resolve("image.npy"));
        int d = image.cols();
        int n = 500;
        if (image.rows() < 1000 || text.rows() < 1000) throw new IllegalStateException("expected 1000 rows per file");
        nq = Math.min(nq, n);
        float[] t = text.toFloats();
        float[] im = image.toFloats();
        float[] gallery = VectorIndex.rows(im, d, 0, n);
        float[] queries = VectorIndex.rows(t, d, 0, nq);
        float[] queryBank = VectorIndex.rows(t, d, 500, 1000);
        float[] galleryBank = VectorIndex.rows(im, d, 500, 1000);

        out.printf(Locale.ROOT, "hubness demo on %s: Flickr8k dev, TinyCLIP %d-d embeddings, text -> image%n", cluster.baseUrl(), d);
        out.printf(Locale.ROOT, "  gallery %d images, %d test captions, query bank %d captions, gallery bank %d images%n",
            n, nq, queryBank.length / d, galleryBank.length / d);

        // ---- index ----
        cluster.delete("/_plugins/_hubness/banks/" + BANK);
        int total = n + queryBank.length / d + galleryBank.length / d;
        int[] done = {0};
        index(GALLERY, gallery, d, total, done);
        index(QUERY_BANK, queryBank, d, total, done);
        index(GALLERY_BANK, galleryBank, d, total, done);
        clearProgress();
        out.printf(Locale.ROOT, "indexed %d vectors into %s, %s, %s (lucene engine, cosine)%n", total, GALLERY, QUERY_BANK, GALLERY_BANK);

        // ---- bank ----
        progress(true, "building bank " + BANK + " ...");
        long b0 = System.nanoTime();
        String bankBody = """
            {"gallery": {"index": "%s", "field": "embedding"},
             "query_bank": {"index": "%s", "field": "embedding"},
             "gallery_bank": {"index": "%s", "field": "embedding"},
             "beta_query": 20, "beta_gallery": 3, "k": 1,
             "description": "scripts/demo: Flickr8k TinyCLIP, banks = dev rows 500-999"}
            """.formatted(GALLERY, QUERY_BANK, GALLERY_BANK);
        JsonNode bank = cluster.put("/_plugins/_hubness/banks/" + BANK + "?wait_for_completion=true", bankBody).ok().json();
        clearProgress();
        out.printf(Locale.ROOT, "built bank %s (state %s, version %s) in %.1f s: beta_query 20, beta_gallery 3, k 1%n",
            BANK, bank.path("state").asText(), bank.path("version").asText(), (System.nanoTime() - b0) / 1e9);

        // ---- query ----
        List<String> labels = new ArrayList<>();
        labels.add("knn");
        labels.addAll(Arrays.asList(METHODS));
        int m = labels.size();
        double[][] scores = new double[m][nq * n];
        double[][] millis = new double[m][nq];
        for (double[] s : scores) Arrays.fill(s, Double.NEGATIVE_INFINITY);
        // warm-up (not measured): a few queries through every method
        for (int q = 0; q < Math.min(10, nq); q++) {
            for (String label : labels) search(label, queries, q, d, n);
        }
        long q0 = System.nanoTime();
        for (int q = 0; q < nq; q++) {
            for (int j = 0; j < m; j++) {
                long s0 = System.nanoTime();
                JsonNode hits = search(labels.get(j), queries, q, d, n);
                millis[j][q] = (System.nanoTime() - s0) / 1e6;
                for (int p = 0; p < hits.size(); p++) {
                    int g = Integer.parseInt(hits.get(p).get("_id").asText());
                    scores[j][q * n + g] = -p; // the order OpenSearch returned; rank p+1
                }
            }
            if ((q + 1) % 5 == 0 || q + 1 == nq) {
                double el = (System.nanoTime() - q0) / 1e9;
                progress(q + 1 == nq, String.format(Locale.ROOT, "querying: %d/%d captions x %d methods (%d searches, %.0f s, ~%.0f s left)",
                    q + 1, nq, m, (q + 1) * m, el, el / (q + 1) * (nq - q - 1)));
            }
        }
        clearProgress();

        // ---- results ----
        int[][] truth = RetrievalMetrics.diagonalTruth(nq);
        List<Row> rows = new ArrayList<>();
        for (int j = 0; j < m; j++) {
            RetrievalMetrics.Summary s = RetrievalMetrics.evaluate(scores[j], nq, n, truth, HUB_K);
            rows.add(new Row(labels.get(j), s, median(millis[j]), occurrences(scores[j], nq, n)));
        }
        out.println();
        out.printf(Locale.ROOT, "text -> image, %d queries, gallery %d, window %d (the whole gallery), N_10 skewness over the gallery%n", nq, n, n);
        out.println("| method   |  R@1 |  R@5 | R@10 |  MdR | N_10 skew | median ms |");
        out.println("|----------|------|------|------|------|-----------|-----------|");
        for (Row r : rows) {
            RetrievalMetrics.Summary s = r.summary();
            out.printf(Locale.ROOT, "| %-8s | %4.1f | %4.1f | %4.1f | %4.1f | %9.2f | %9.1f |%n",
                r.method(), s.r1(), s.r5(), s.r10(), s.mdr(), s.skew(), r.medianMs());
        }
        out.println("knn = the plain knn query (k = 500); the other rows add \"rescore\": {\"hubness\": {\"method\": ...}} over it.");
        out.println("median ms = client-side round trip of one search, all methods interleaved per query.");

        Row before = rows.get(0);
        Row best = rows.stream().skip(2).max((a, b) -> Double.compare(a.summary().r1(), b.summary().r1())).orElseThrow();
        Files.createDirectories(outDir);
        Path svg = outDir.resolve("hubness.svg");
        Files.writeString(svg, DemoSvg.render(rows, before, best, nq, n));
        out.printf(Locale.ROOT, "%nbest: %s R@1 %.1f vs knn %.1f (%+.1f), N_10 skewness %.2f -> %.2f%n", best.method(),
            best.summary().r1(), before.summary().r1(), best.summary().r1() - before.summary().r1(), before.summary().skew(),
            best.summary().skew());
        out.printf(Locale.ROOT, "wrote %s; the demo took %.0f s%n", svg.toAbsolutePath(), (System.nanoTime() - t0) / 1e9);
    }

    private void index(String name, float[] vectors, int d, int total, int[] done) {
        VectorIndex.create(cluster, name, d, "cosinesimil", 1, 0);
        int rows = vectors.length / d;
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            bulk.append("{\"index\":{\"_id\":\"").append(i).append("\"}}\n{\"").append(VectorIndex.FIELD).append("\":");
            VectorIndex.appendVector(bulk, vectors, i * d, d);
            bulk.append("}\n");
            if ((i + 1) % 100 == 0 || i == rows - 1) {
                LocalCluster.Response r = cluster.post("/" + name + "/_bulk", bulk.toString()).ok();
                if (r.json().path("errors").asBoolean()) throw new IllegalStateException("bulk into " + name + " failed: " + r.body());
                bulk.setLength(0);
                done[0] += (i % 100) + 1;
                progress(done[0] == total, String.format(Locale.ROOT, "indexing: %d/%d vectors (%s)", done[0], total, name));
            }
        }
        cluster.post("/" + name + "/_refresh", null).ok();
    }

    /** One search: the plain knn query, or the same query with the hubness rescorer over the whole gallery. */
    private JsonNode search(String label, float[] queries, int q, int d, int n) {
        String vector = VectorIndex.vectorJson(queries, q * d, d);
        StringBuilder body = new StringBuilder("{\"size\": ").append(n).append(", \"_source\": false, \"query\": {\"knn\": {\"")
            .append(VectorIndex.FIELD).append("\": {\"vector\": ").append(vector).append(", \"k\": ").append(n).append("}}}");
        if (!label.equals("knn")) {
            body.append(", \"rescore\": {\"window_size\": ").append(n).append(", \"hubness\": {\"bank\": \"").append(BANK)
                .append("\", \"method\": \"").append(label).append("\", \"query_vector\": ").append(vector).append("}}");
        }
        body.append('}');
        JsonNode hits = cluster.post("/" + GALLERY + "/_search", body.toString()).ok().json().path("hits").path("hits");
        if (hits.size() != n) throw new IllegalStateException(label + " returned " + hits.size() + " hits, expected " + n);
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
