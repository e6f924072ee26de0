/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */

package org.opensearch.hubness.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.opensearch.hubness.eval.NpyArray;
import org.opensearch.hubness.it.LocalCluster;
import org.opensearch.hubness.it.VectorIndex;

/**
 * The engine's top-1 against the exact one on real data (NOT a test; run by scripts/bench-top1 against a node it
 * started): {@link Top1Agreement} on Flickr8k/TinyCLIP and on the MiniLM caption set, each gallery in a lucene HNSW
 * cosine index of one shard (k-NN's defaults: m 16, ef_construction 100, ef_search 100), knn k = window = 100.
 *
 * <ul>
 *   <li>flickr8k-tinyclip: gallery image rows 0–499, queries text rows 0–499 (truth on the diagonal), query bank text
 *       rows 500–999, gallery bank image rows 500–999; bank defaults βq 20, βg 3.
 *   <li>flickr8k-minilm-captions: gallery caption 0 of the 1000 dev images, queries caption 1 of each (truth: the same
 *       image), query bank captions 1–4 of the 3000 train images (12 000), gallery bank their caption 0; βq 10, βg 5
 *       (the data set's README).
 * </ul>
 */
public final class Top1AgreementBench {

    private final LocalCluster cluster;
    private final List<String> rows = new ArrayList<>();

    private Top1AgreementBench(LocalCluster cluster) {
        this.cluster = cluster;
    }

    public static void main(String[] args) {
        Top1AgreementBench bench = new Top1AgreementBench(LocalCluster.fromSystemProperties());
        bench.flickr();
        bench.minilm();
        System.out.println();
        System.out.println(Top1Agreement.HEADER);
        bench.rows.forEach(System.out::println);
    }

    private void flickr() {
        String data = "flickr8k-tinyclip";
        if (!VectorIndex.hasData(data, "text.npy")) {
            rows.add("SKIPPED " + data + ": no data in " + VectorIndex.dataDir(data));
            return;
        }
        NpyArray text = VectorIndex.read(data, "text.npy");
        int d = text.cols();
        float[] t = text.toFloats(), img = VectorIndex.read(data, "image.npy").toFloats();
        load("agree-flickr", VectorIndex.rows(img, d, 0, 500), d, "img-", 0);
        load("agree-flickr-qbank", VectorIndex.rows(t, d, 500, 1000), d, "txt-", 500);
        load("agree-flickr-gbank", VectorIndex.rows(img, d, 500, 1000), d, "img-", 500);
        bank("agree-flickr", "agree-flickr-qbank", "agree-flickr-gbank", "");
        Top1Agreement a = new Top1Agreement(cluster, "agree-flickr", "agree-flickr-bank", 100);
        for (int q = 0; q < 500; q++) a.add(VectorIndex.rows(t, d, q, q + 1), "img-" + q);
        rows.add(a.row("flickr8k-tinyclip 500, 1 shard"));
        drop("agree-flickr");
    }

    private void minilm() {
        String data = "flickr8k-minilm-captions";
        if (!VectorIndex.hasData(data, "dev_captions_minilm.npy")) {
            rows.add("SKIPPED " + data + ": no data in " + VectorIndex.dataDir(data));
            return;
        }
        NpyArray dev = VectorIndex.read(data, "dev_captions_minilm.npy");
        int d = dev.cols();
        float[] devRows = dev.toFloats();
        float[] train =
                VectorIndex.read(data, "train_captions_minilm_first3000img.npy").toFloats();
        int images = devRows.length / d / 5, trainImages = train.length / d / 5;
        float[] gallery = new float[images * d],
                qbank = new float[trainImages * 4 * d],
                gbank = new float[trainImages * d];
        for (int i = 0; i < images; i++) System.arraycopy(devRows, 5 * i * d, gallery, i * d, d);
        for (int i = 0; i < trainImages; i++) {
            System.arraycopy(train, 5 * i * d, gbank, i * d, d);
            System.arraycopy(train, (5 * i + 1) * d, qbank, 4 * i * d, 4 * d);
        }
        load("agree-minilm", gallery, d, "cap-", 0);
        load("agree-minilm-qbank", qbank, d, "tq-", 0);
        load("agree-minilm-gbank", gbank, d, "tg-", 0);
        bank("agree-minilm", "agree-minilm-qbank", "agree-minilm-gbank", ", \"beta_query\": 10, \"beta_gallery\": 5");
        Top1Agreement a = new Top1Agreement(cluster, "agree-minilm", "agree-minilm-bank", 100);
        for (int i = 0; i < images; i++) a.add(VectorIndex.rows(devRows, d, 5 * i + 1, 5 * i + 2), "cap-" + i);
        rows.add(a.row("minilm captions " + images + ", 1 shard"));
        drop("agree-minilm");
    }

    private void load(String index, float[] vectors, int d, String prefix, int offset) {
        VectorIndex.create(cluster, index, d, "cosinesimil", 1, 0);
        VectorIndex.load(cluster, index, vectors, d, i -> prefix + (offset + i));
    }

    private void bank(String gallery, String qbank, String gbank, String extra) {
        String name = gallery + "-bank";
        cluster.delete("/_plugins/_hubness/banks/" + name);
        long t0 = System.nanoTime();
        cluster.put(
                        "/_plugins/_hubness/banks/" + name,
                        String.format(
                                Locale.ROOT,
                                "{\"gallery\": {\"index\": \"%s\", \"field\": \"%s\"}, \"query_bank\": {\"index\": \"%s\","
                                        + " \"field\": \"%s\"}, \"gallery_bank\": {\"index\": \"%s\", \"field\": \"%s\"}%s}",
                                gallery,
                                VectorIndex.FIELD,
                                qbank,
                                VectorIndex.FIELD,
                                gbank,
                                VectorIndex.FIELD,
                                extra))
                .ok();
        System.out.printf(Locale.ROOT, "bank %s built in %.1f s%n", name, (System.nanoTime() - t0) / 1e9);
    }

    private void drop(String gallery) {
        cluster.delete("/_plugins/_hubness/banks/" + gallery + "-bank");
        for (String s : new String[] {"", "-qbank", "-gbank"}) cluster.delete("/" + gallery + s);
    }
}
