package org.opensearch.hubness.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.opensearch.hubness.it.LocalCluster;
import org.opensearch.hubness.it.VectorIndex;

/**
 * Latency of a knn query alone vs the same knn query plus the hubness rescorer with every method (NOT a test; run by
 * scripts/bench-rescore against a single node it started).
 *
 * <p>Data (synthetic, seeded, d=512 or bench.dim): each vector is a unit vector along N(0, I) plus, for 60% of the gallery and of the
 * queries, 0.6 × one of 8 shared random "hub" directions, so the space has a few crowded regions. Gallery: 10 000
 * documents, then 90 000 more (100 000), one shard, lucene HNSW (k-NN's defaults). Query bank: 1 000 query-like vectors
 * posted in the bank definition; gallery bank: a seeded sample of 1 000 gallery documents. The bank's default β.
 *
 * <p>Measured: for 200 query vectors (bench.queries), `knn` k=100 (size 10) alone and + `hubness` rescore window 100 with each method
 * (is, dis, dual_is, dual_dis, csls, nnn; the gated dis and dual_dis with the default top1, the engine's k=1 knn), in
 * ONE run, interleaved query by query (which mode goes first rotates), after a warm-up that runs every query in every
 * mode twice (so the bank terms of the window documents are in the node's cache). Client-side wall time per request.
 * Each size is measured as indexed and, when it has more than one segment, again after a force-merge to one segment.
 * The node's query-phase count per round of the modes is printed too (one per mode, plus one per gated mode for its
 * top-1 search). At the last size, {@link Top1Agreement} compares the engine's top-1 with the exact one on 300 queries
 * made from gallery documents (truth: that document).
 *
 * <p>With bench.capture ({@link #CAPTURE}) it times only knn, dual_is and dual_is through a second bank that also
 * captures every query vector (rate 1), and prints the ratio capture/plain and the node's capture counters.
 */
public final class RescoreLatencyBench {

    /** Vector dimension (system property bench.dim, scripts/bench-rescore's BENCH_DIM; default 512). */
    static final int D = Integer.getInteger("bench.dim", 512);

    static final int HUBS = 8;
    /** Query vectors, timed rounds and warm-up rounds (system properties bench.queries, bench.rounds, bench.warmup). */
    static final int QUERIES = Integer.getInteger("bench.queries", 200);

    static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    static final int WARMUP = Integer.getInteger("bench.warmup", 2);
    /** Concurrent clients in the timed rounds (system property bench.threads; scripts/bench-rescore's BENCH_THREADS). */
    static final int THREADS = Math.max(1, Integer.getInteger("bench.threads", 1));
    /** Primary shards of the gallery index (system property bench.shards, BENCH_SHARDS; default 1). */
    static final int SHARDS = Math.max(1, Integer.getInteger("bench.shards", 1));
    /** Documents per bulk request (system property bench.bulk, BENCH_BULK; default 500). */
    static final int BULK = Math.max(1, Integer.getInteger("bench.bulk", 500));
    /** Whether a size with more than one segment per shard is measured again force-merged (bench.forcemerge, BENCH_FORCE_MERGE). */
    static final boolean FORCE_MERGE = Boolean.parseBoolean(System.getProperty("bench.forcemerge", "true"));
    /** Print the indexing progress every this many documents, to estimate a long run early (bench.progress). */
    static final int PROGRESS = Integer.getInteger("bench.progress", 50_000);
    /**
     * Keep a gallery index left by an earlier run (bench.reuse, BENCH_REUSE): indexing goes on from its document count
     * instead of starting over, so a long indexing run that was stopped can still be measured (same seeded vectors).
     */
    static final boolean REUSE = Boolean.getBoolean("bench.reuse");

    /**
     * Capture mode (bench.capture, scripts/bench-rescore's BENCH_CAPTURE): a second bank, the bench bank plus
     * {@code "captured": {"rate": 1, "max_size": 10000}} on its query bank, and only knn, dual_is and dual_is through
     * the capturing bank are timed, to measure what capturing every query vector adds to a rescored search.
     */
    static final boolean CAPTURE = Boolean.getBoolean("bench.capture");

    static final String INDEX = "bench-gallery";
    static final String BANK = "bench-bank";
    static final String CAPTURE_BANK = "bench-bank-capture";

    /** One timed mode: knn alone (method null) or + the hubness rescore with a method through a bank. */
    record Mode(String method, String bank) {
        String label() {
            if (method == null) return "knn k=100";
            return "knn k=100 + " + method + (bank.equals(CAPTURE_BANK) ? " capture" : " w=100");
        }
    }

    /** The modes measured side by side: knn alone, then + the rescore with each method (capture mode: see CAPTURE). */
    static final Mode[] MODES = CAPTURE
            ? new Mode[] {new Mode(null, BANK), new Mode("dual_is", BANK), new Mode("dual_is", CAPTURE_BANK)}
            : new Mode[] {
                new Mode(null, BANK),
                new Mode("is", BANK),
                new Mode("dis", BANK),
                new Mode("dual_is", BANK),
                new Mode("dual_dis", BANK),
                new Mode("csls", BANK),
                new Mode("nnn", BANK)
            };

    private final LocalCluster cluster;
    private final float[][] hubs = new float[HUBS][];

    RescoreLatencyBench(LocalCluster cluster) {
        this.cluster = cluster;
        SplittableRandom r = new SplittableRandom(12345);
        for (int h = 0; h < HUBS; h++) hubs[h] = unit(gaussian(r), -1);
    }

    public static void main(String[] args) {
        int[] sizes = args.length > 0
                ? Arrays.stream(args[0].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {10_000, 100_000};
        RescoreLatencyBench bench = new RescoreLatencyBench(LocalCluster.fromSystemProperties());
        bench.run(sizes);
    }

    static float[] gaussian(SplittableRandom r) {
        float[] v = new float[D];
        for (int i = 0; i < D; i += 2) {
            double u1 = r.nextDouble(), u2 = r.nextDouble();
            double rad = Math.sqrt(-2 * Math.log(1 - u1));
            v[i] = (float) (rad * Math.cos(2 * Math.PI * u2));
            if (i + 1 < D) v[i + 1] = (float) (rad * Math.sin(2 * Math.PI * u2));
        }
        return v;
    }

    /** Unit vector of v (+ 0.6 × hub h when h >= 0). */
    float[] unit(float[] v, int h) {
        double sq = 0;
        for (float x : v) sq += (double) x * x;
        double norm = Math.sqrt(sq);
        float[] out = new float[D];
        for (int i = 0; i < D; i++) out[i] = (float) (v[i] / norm + (h >= 0 ? 0.6 * hubs[h][i] : 0));
        sq = 0;
        for (float x : out) sq += (double) x * x;
        norm = Math.sqrt(sq);
        for (int i = 0; i < D; i++) out[i] = (float) (out[i] / norm);
        return out;
    }

    /** Vector number i of a stream (seeded per stream and index, so any range can be regenerated). */
    float[] vector(long stream, int i) {
        SplittableRandom r = new SplittableRandom(stream * 1_000_003L + i);
        int h = r.nextDouble() < 0.6 ? r.nextInt(HUBS) : -1;
        return unit(gaussian(r), h);
    }

    void index(int from, int to) {
        long t0 = System.nanoTime();
        StringBuilder bulk = new StringBuilder();
        for (int i = from; i < to; i++) {
            float[] v = vector(1, i);
            bulk.append("{\"index\":{\"_id\":\"g")
                    .append(i)
                    .append("\"}}\n{\"")
                    .append(VectorIndex.FIELD)
                    .append("\":");
            VectorIndex.appendVector(bulk, v, 0, D);
            bulk.append("}\n");
            if ((i + 1 - from) % BULK == 0 || i == to - 1) {
                LocalCluster.Response resp =
                        cluster.post("/" + INDEX + "/_bulk", bulk.toString()).ok();
                if (resp.json().path("errors").asBoolean())
                    throw new IllegalStateException("bulk failed: " + resp.body());
                bulk.setLength(0);
            }
            if ((i + 1 - from) % PROGRESS == 0 && i < to - 1) {
                System.out.printf(
                        Locale.ROOT,
                        "  ... %d documents after %.1f s (load average %s)%n",
                        i + 1,
                        (System.nanoTime() - t0) / 1e9,
                        loadAverage());
            }
        }
        cluster.post("/" + INDEX + "/_refresh", null).ok();
    }

    void run(int[] sizes) {
        cluster.delete("/_plugins/_hubness/banks/" + BANK);
        cluster.delete("/_plugins/_hubness/banks/" + CAPTURE_BANK);
        int indexed = REUSE ? reusedCount() : -1;
        if (indexed < 0) {
            indexed = 0;
            cluster.delete("/" + INDEX);
            cluster.put("/" + INDEX, String.format(Locale.ROOT, """
            {"settings": {"index": {"knn": true, "number_of_shards": %d, "number_of_replicas": 0, "refresh_interval": "-1"}},
             "mappings": {"properties": {"%s": {"type": "knn_vector", "dimension": %d,
               "method": {"name": "hnsw", "space_type": "cosinesimil", "engine": "lucene"}}}}}
            """, SHARDS, VectorIndex.FIELD, D))
                    .ok();
        }
        List<String> rows = new ArrayList<>();
        for (int size : sizes) {
            long t0 = System.nanoTime();
            if (size < indexed)
                throw new IllegalArgumentException(size + " < the reused index's " + indexed + " documents");
            index(indexed, size);
            indexed = size;
            System.out.printf(
                    Locale.ROOT,
                    "indexed %d documents in %.1f s (%d segments)%n",
                    size,
                    (System.nanoTime() - t0) / 1e9,
                    segments());
            t0 = System.nanoTime();
            if (size == sizes[0]) {
                StringBuilder def = new StringBuilder("{\"gallery\": {\"index\": \"" + INDEX + "\", \"field\": \""
                        + VectorIndex.FIELD + "\"}, \"query_bank\": {\"vectors\": [");
                for (int b = 0; b < 1000; b++) {
                    if (b > 0) def.append(',');
                    VectorIndex.appendVector(def, vector(2, b), 0, D);
                }
                String seed = def.append(']').toString();
                String galleryBank = ", \"gallery_bank\": {\"sample\": {\"size\": 1000, \"seed\": 7}}}";
                // asynchronously, then polled: over a large gallery on a loaded machine the build outlasts an HTTP
                // timeout
                cluster.put("/_plugins/_hubness/banks/" + BANK + "?wait_for_completion=false", seed + "}" + galleryBank)
                        .ok();
                awaitBankReady(BANK);
                if (CAPTURE) {
                    // the same bank, plus capturing every query vector that searches it
                    String captured = ", \"captured\": {\"rate\": 1, \"max_size\": 10000}}";
                    cluster.put(
                                    "/_plugins/_hubness/banks/" + CAPTURE_BANK + "?wait_for_completion=false",
                                    seed + captured + galleryBank)
                            .ok();
                    awaitBankReady(CAPTURE_BANK);
                }
            } else {
                cluster.post("/_plugins/_hubness/banks/" + BANK + "/_rebuild?wait_for_completion=true", null)
                        .ok();
                if (CAPTURE)
                    cluster.post(
                                    "/_plugins/_hubness/banks/" + CAPTURE_BANK + "/_rebuild?wait_for_completion=true",
                                    null)
                            .ok();
            }
            System.out.printf(
                    Locale.ROOT, "bank built over %d documents in %.1f s%n", size, (System.nanoTime() - t0) / 1e9);
            int segments = segments();
            rows.addAll(measure(size, segments + " segments over " + SHARDS + " shard(s)"));
            if (segments > SHARDS && FORCE_MERGE) {
                forceMerge();
                rows.addAll(measure(size, "force-merged to 1 segment per shard"));
            }
        }
        System.out.println();
        System.out.println(
                "gallery  mode                          median ms   p99 ms   ratio(median)  ratio(p99)  gated/ungated");
        rows.forEach(System.out::println);
        if (agreementQueries > 0) {
            Top1Agreement a = new Top1Agreement(cluster, INDEX, BANK, 100);
            int size = sizes[sizes.length - 1];
            long t0 = System.nanoTime();
            for (int q = 0; q < agreementQueries; q++) {
                int doc = new SplittableRandom(4_000_000L + q).nextInt(size);
                a.add(noisy(vector(1, doc), q), "g" + doc);
            }
            System.out.printf(Locale.ROOT, "%nagreement measured in %.1f s%n", (System.nanoTime() - t0) / 1e9);
            System.out.println(Top1Agreement.HEADER);
            System.out.println(a.row("synthetic " + size + ", " + segments() + " segment(s)"));
        }
        cluster.delete("/_plugins/_hubness/banks/" + BANK);
        cluster.delete("/_plugins/_hubness/banks/" + CAPTURE_BANK);
        cluster.delete("/" + INDEX);
    }

    /**
     * With bench.reuse, how many documents the existing gallery holds, rounded down to whole bulks (re-indexing the
     * last bulk rewrites the same ids with the same vectors); -1 when there is no gallery index to reuse.
     */
    int reusedCount() {
        if (cluster.get("/" + INDEX).status() != 200) return -1;
        cluster.post("/" + INDEX + "/_refresh", null).ok();
        int count =
                cluster.get("/" + INDEX + "/_count").ok().json().path("count").asInt();
        System.out.printf(Locale.ROOT, "reusing %s with %d documents%n", INDEX, count);
        return count / BULK * BULK;
    }

    /** Waits until the bank's GET says ready (fails when it says failed). */
    void awaitBankReady(String bank) {
        while (true) {
            String state = cluster.get("/_plugins/_hubness/banks/" + bank)
                    .ok()
                    .json()
                    .path("state")
                    .asText();
            if (state.equals("ready")) return;
            if (state.equals("failed")) throw new IllegalStateException("the build of " + bank + " failed");
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** How many queries the top-1 agreement runs at the last size (system property bench.agreement, default 300). */
    private final int agreementQueries = Integer.getInteger("bench.agreement", 300);

    /** A query made from gallery vector g: unit(g + 3 · unit Gaussian noise), so its correct answer is g's document. */
    float[] noisy(float[] g, int q) {
        float[] noise = gaussian(new SplittableRandom(5_000_000L + q));
        double sq = 0;
        for (float x : noise) sq += (double) x * x;
        double scale = 3 / Math.sqrt(sq);
        float[] out = new float[D];
        for (int i = 0; i < D; i++) out[i] = (float) (g[i] + scale * noise[i]);
        double n = 0;
        for (float x : out) n += (double) x * x;
        n = Math.sqrt(n);
        for (int i = 0; i < D; i++) out[i] = (float) (out[i] / n);
        return out;
    }

    int segments() {
        return cluster.get("/_cat/segments/" + INDEX + "?format=json")
                .ok()
                .json()
                .size();
    }

    /** Force-merges the gallery to one segment (asynchronously: a 100k HNSW merge outlasts an HTTP timeout) and waits. */
    void forceMerge() {
        long t0 = System.nanoTime();
        cluster.post("/" + INDEX + "/_forcemerge?max_num_segments=1&wait_for_completion=false", null)
                .ok();
        while (true) {
            try {
                Thread.sleep(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            cluster.post("/" + INDEX + "/_refresh", null).ok();
            if (segments() == SHARDS) break;
        }
        System.out.printf(
                Locale.ROOT, "force-merged to 1 segment per shard in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    /** A knn k=100 query; with a method, plus the hubness rescore (window 100) with that method through the bank. */
    String body(float[] q, Mode mode) {
        String method = mode.method();
        String v = VectorIndex.vectorJson(q, 0, D);
        String knn = "{\"size\":10,\"_source\":false,\"query\":{\"knn\":{\"" + VectorIndex.FIELD + "\":{\"vector\":" + v
                + ",\"k\":100}}}";
        if (method == null) return knn + "}";
        return knn + ",\"rescore\":{\"window_size\":100,\"hubness\":{\"bank\":\"" + mode.bank() + "\",\"query_vector\":"
                + v + ",\"method\":\"" + method + "\"}}}";
    }

    List<String> measure(int size, String layout) {
        String[][] bodies = new String[MODES.length][QUERIES];
        for (int q = 0; q < QUERIES; q++) {
            float[] v = vector(3, q);
            for (int m = 0; m < MODES.length; m++) bodies[m][q] = body(v, MODES[m]);
        }
        for (int w = 0; w < WARMUP; w++) {
            for (int q = 0; q < QUERIES; q++) {
                for (String[] b : bodies)
                    cluster.post("/" + INDEX + "/_search", b[q]).ok();
            }
        }
        long[][] t = new long[MODES.length][QUERIES * ROUNDS * THREADS];
        long searchesBefore = queryTotal();
        String load = loadAverage();
        long wall0 = System.nanoTime();
        if (THREADS == 1) {
            timedRounds(bodies, t, 0, 0);
        } else {
            // THREADS clients at once, each the whole interleaved sequence from its own starting query, so the node's
            // search threads meet in the rescorer (and its bank-terms cache) as concurrent searches do
            ExecutorService clients = Executors.newFixedThreadPool(THREADS);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < THREADS; c++) {
                    int client = c;
                    done.add(clients.submit(() -> timedRounds(bodies, t, client, client * QUERIES * ROUNDS)));
                }
                for (Future<?> f : done) f.get();
            } catch (InterruptedException | ExecutionException e) {
                throw new IllegalStateException(e);
            } finally {
                clients.shutdownNow();
            }
        }
        double wallSeconds = (System.nanoTime() - wall0) / 1e9;
        double searchesPerRound = (queryTotal() - searchesBefore) / (double) (QUERIES * ROUNDS * THREADS);
        double[] median = new double[MODES.length];
        for (int m = 0; m < MODES.length; m++) median[m] = pct(t[m], 50);
        double pp = pct(t[0], 99);
        List<String> rows = new ArrayList<>();
        rows.add(String.format(
                Locale.ROOT, "%7d  (%s; load average %s at the start of the rounds)", size, layout, load));
        rows.add(String.format(
                Locale.ROOT, "%7d  %-28s %9.2f %8.2f %14s %11s", size, "knn k=100", median[0], pp, "1.00", "1.00"));
        for (int m = 1; m < MODES.length; m++) {
            double pr = pct(t[m], 99);
            String method = MODES[m].method();
            String ungated = method.equals("dis") ? "is" : method.equals("dual_dis") ? "dual_is" : null;
            rows.add(String.format(
                    Locale.ROOT,
                    "%7d  %-28s %9.2f %8.2f %14.2f %11.2f %14s",
                    size,
                    MODES[m].label(),
                    median[m],
                    pr,
                    median[m] / median[0],
                    pr / pp,
                    ungated == null ? "" : String.format(Locale.ROOT, "%.2f", median[m] / median[indexOf(ungated)])));
        }
        if (CAPTURE) rows.addAll(captureRows(size, t));
        rows.add(String.format(
                Locale.ROOT,
                "%7d  (shard query phases per round of the %d modes: %.2f; %d shard%s)",
                size,
                MODES.length,
                searchesPerRound,
                SHARDS,
                SHARDS == 1 ? "" : "s"));
        rows.add(String.format(
                Locale.ROOT,
                "%7d  (%d concurrent client%s: %d searches in %.1f s, %.1f searches/s over all modes)",
                size,
                THREADS,
                THREADS == 1 ? "" : "s",
                (long) MODES.length * QUERIES * ROUNDS * THREADS,
                wallSeconds,
                MODES.length * QUERIES * ROUNDS * THREADS / wallSeconds));
        rows.forEach(System.out::println); // also now, so a long run that is stopped later keeps its finished sizes
        return rows;
    }

    /** One client's timed rounds: every query in every mode, which mode goes first rotating; times from t[m][off]. */
    private void timedRounds(String[][] bodies, long[][] t, int client, int off) {
        int k = 0;
        for (int round = 0; round < ROUNDS; round++) {
            for (int j = 0; j < QUERIES; j++, k++) {
                int q = (j + client * 37) % QUERIES; // clients start at different queries
                for (int i = 0; i < MODES.length; i++) {
                    int m = (i + k) % MODES.length; // rotate which mode goes first
                    t[m][off + k] = time(bodies[m][q]);
                }
            }
        }
    }

    /** The index of the mode with this method through the bench bank. */
    static int indexOf(String method) {
        for (int m = 1; m < MODES.length; m++)
            if (MODES[m].method().equals(method) && MODES[m].bank().equals(BANK)) return m;
        throw new IllegalArgumentException(method);
    }

    /**
     * Capture mode: dual_is through the capturing bank against dual_is through the plain one (the same queries, in the
     * same interleaved rounds), and the node's capture counters so far (warm-up and timed rounds).
     */
    List<String> captureRows(int size, long[][] t) {
        int plain = 1, capturing = 2;
        List<String> rows = new ArrayList<>();
        rows.add(String.format(
                Locale.ROOT,
                "%7d  %-28s %9.3f %8.3f",
                size,
                "ratio capture/plain dual_is",
                pct(t[capturing], 50) / pct(t[plain], 50),
                pct(t[capturing], 99) / pct(t[plain], 99)));
        JsonNode nodes = cluster.get("/_plugins/_hubness/stats").ok().json().path("nodes");
        long sampled = 0, written = 0, dropped = 0, failures = 0, queued = 0;
        for (JsonNode n : nodes) {
            JsonNode c = n.path("capture");
            sampled += c.path("sampled").asLong();
            written += c.path("written").asLong();
            dropped += c.path("dropped").asLong();
            failures += c.path("write_failures").asLong();
            queued += c.path("queued").asLong();
        }
        rows.add(String.format(
                Locale.ROOT,
                "%7d  (capture stats after the rounds: sampled %d, written %d, dropped %d, write_failures %d, queued %d)",
                size,
                sampled,
                written,
                dropped,
                failures,
                queued));
        return rows;
    }

    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                    .split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    /** Query phases the node ran so far (a gated rescore adds its top-1 search). */
    long queryTotal() {
        long total = 0;
        for (JsonNode n :
                cluster.get("/_nodes/stats/indices/search").ok().json().path("nodes")) {
            total += n.path("indices").path("search").path("query_total").asLong();
        }
        return total;
    }

    long time(String body) {
        long t0 = System.nanoTime();
        LocalCluster.Response r = cluster.post("/" + INDEX + "/_search", body).ok();
        long t = System.nanoTime() - t0;
        if (r.json().path("_shards").path("failed").asInt() != 0) throw new IllegalStateException(r.body());
        return t;
    }

    /** Nearest-rank percentile in ms. */
    static double pct(long[] nanos, int p) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        int idx = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, idx)] / 1e6;
    }
}
