package org.opensearch.hubness.bank;

import org.opensearch.hubness.field.IndexFieldInspector;
import org.opensearch.hubness.field.VectorFieldSpec;
import org.opensearch.hubness.norm.DocTerms;
import org.opensearch.hubness.norm.DocTermsCalculator;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.Similarity;
import org.opensearch.hubness.norm.TopKTracker;
import org.opensearch.index.IndexNotFoundException;
import org.opensearch.transport.client.Client;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One build of one bank version: reads the bank vectors from their sources, then scans the whole gallery once, in
 * pages, to find the activation sets (exact top-k of every bank vector over the gallery) and the hubness report.
 * Memory stays at one page of the gallery plus the banks. Blocking; runs on the build thread pool. The one entry point
 * of the build computation: a definition (posted vectors in memory) in, a version and its report out.
 */
public final class BankBuild {

    /** Gallery documents per similarity block: page × bank similarities stay a few MB even for a 10k bank. */
    private static final int BLOCK = 128;

    /** The built version in memory and its build report (shown by GET as [build]). */
    public record Result(LoadedBank bank, Map<String, Object> info) {}

    private final Client client;
    private final int pageSize;
    private final int reportRows;

    public BankBuild(Client client, int pageSize, int reportRows) {
        this.client = client;
        this.pageSize = pageSize;
        this.reportRows = reportRows;
    }

    public Result run(BankDefinition def, long version) {
        long started = System.currentTimeMillis();
        VectorFieldSpec gallery = IndexFieldInspector.inspect(client, def.galleryIndex(), def.galleryField());
        Similarity similarity = gallery.resolve(def.similarity());
        int d = gallery.dimension();
        VectorPager pager = new VectorPager(client, pageSize);

        Rows queryBank = def.queryBank() == null ? Rows.EMPTY : load("query_bank", def.queryBank(), gallery, pager);
        Rows galleryBank = def.galleryBank() == null ? Rows.EMPTY : load("gallery_bank", def.galleryBank(), gallery, pager);
        similarity.prepareRows(queryBank.vectors, queryBank.count, d);
        similarity.prepareRows(galleryBank.vectors, galleryBank.count, d);

        NormParams p = def.params();
        int k = p.activationK();
        TopKTracker queryTop = new TopKTracker(queryBank.count, k);
        TopKTracker galleryTop = new TopKTracker(galleryBank.count, k);
        int reported = Math.min(reportRows, queryBank.count);
        HubnessReport report = reported > 0 ? new HubnessReport(reported, p, galleryBank.count > 0) : null;
        List<String> galleryIds = new ArrayList<>();

        pager.readAll(gallery.index(), gallery.field(), d, Long.MAX_VALUE, page -> {
            similarity.prepareRows(page.vectors(), page.rows(), d);
            for (int start = 0; start < page.rows(); start += BLOCK) {
                int n = Math.min(BLOCK, page.rows() - start);
                float[] block = new float[n * d];
                System.arraycopy(page.vectors(), start * d, block, 0, n * d);
                int base = galleryIds.size();
                float[] simQ = similarities(similarity, block, n, queryBank, d, queryTop, base);
                float[] simG = similarities(similarity, block, n, galleryBank, d, galleryTop, base);
                if (report != null) {
                    DocTerms terms = DocTermsCalculator.fromSimilarities(toDouble(simQ), n, queryBank.count,
                        simG == null ? null : toDouble(simG), galleryBank.count, p);
                    report.offer(transposeRows(simQ, n, queryBank.count, reported), n, terms.lq(), terms.lg(), terms.cslsR(), terms.nnnBias(), base);
                }
                for (int i = 0; i < n; i++) galleryIds.add(page.ids()[start + i]);
            }
        });
        if (galleryIds.isEmpty()) {
            throw new IllegalArgumentException("gallery index [" + gallery.index() + "] has no document with a vector in [" + gallery.field() + "]; index the gallery first");
        }
        BitSet aq = activation(queryTop, queryBank.count);
        BitSet ag = activation(galleryTop, galleryBank.count);
        LoadedBank bank = new LoadedBank(def.name(), version, gallery.index(), gallery.field(), d, similarity, p,
            queryBank.count == 0 ? null : queryBank.vectors, queryBank.count,
            galleryBank.count == 0 ? null : galleryBank.vectors, galleryBank.count,
            ids(aq, galleryIds), ids(ag, galleryIds));

        Map<String, Object> info = new LinkedHashMap<>();
        info.put("version", version);
        info.put("dimension", d);
        info.put("similarity", similarity.externalName());
        info.put("engine", gallery.engine());
        info.put("gallery_documents", galleryIds.size());
        info.put("query_bank_size", queryBank.count);
        info.put("gallery_bank_size", galleryBank.count);
        info.put("query_activation_size", aq.cardinality());
        info.put("gallery_activation_size", ag.cardinality());
        info.put("build_millis", System.currentTimeMillis() - started);
        info.put("built_at", System.currentTimeMillis());
        if (report != null) info.put("hubness", report.finish(galleryIds.size(), aq, ag));
        return new Result(bank, info);
    }

    private record Rows(float[] vectors, int count) {
        static final Rows EMPTY = new Rows(new float[0], 0);
    }

    private Rows load(String what, VectorSource source, VectorFieldSpec gallery, VectorPager pager) {
        int d = gallery.dimension();
        if (source.kind() == VectorSource.Kind.VECTORS) {
            float[][] rows = source.vectors();
            float[] flat = new float[rows.length * d];
            for (int i = 0; i < rows.length; i++) {
                if (rows[i].length != d) {
                    throw new IllegalArgumentException("[" + what + ".vectors[" + i + "]] has " + rows[i].length + " dimensions, but gallery field ["
                        + gallery.field() + "] has " + d);
                }
                System.arraycopy(rows[i], 0, flat, i * d, d);
            }
            return new Rows(flat, rows.length);
        }
        List<float[]> pages = new ArrayList<>();
        long count;
        try {
            if (source.kind() == VectorSource.Kind.SAMPLE) {
                count = pager.sample(gallery.index(), gallery.field(), d, source.sampleSize(), source.seed(), page -> pages.add(page.vectors()));
            } else {
                VectorFieldSpec bankField = IndexFieldInspector.inspect(client, source.index(), source.field());
                if (bankField.dimension() != d) {
                    throw new IllegalArgumentException("[" + what + "] field [" + source.field() + "] of [" + source.index() + "] has dimension "
                        + bankField.dimension() + ", but gallery field [" + gallery.field() + "] has " + d + "; bank and gallery must share one space");
                }
                count = pager.readAll(source.index(), source.field(), d, source.maxSize(), page -> pages.add(page.vectors()));
            }
        } catch (IndexNotFoundException e) {
            throw new IllegalArgumentException("[" + what + "] index [" + source.index() + "] does not exist", e);
        }
        if (count == 0) {
            throw new IllegalArgumentException("[" + what + "] is empty: no document of [" + (source.index() == null ? gallery.index() : source.index())
                + "] has a vector; an empty bank cannot normalise anything");
        }
        float[] flat = new float[(int) count * d];
        int offset = 0;
        for (float[] p : pages) {
            System.arraycopy(p, 0, flat, offset, p.length);
            offset += p.length;
        }
        return new Rows(flat, (int) count);
    }

    /** block × bank similarities (row-major), offered to the bank rows' top-k in gallery order so ties go to the earlier doc. */
    private static float[] similarities(Similarity similarity, float[] block, int n, Rows bank, int d, TopKTracker top, int base) {
        if (bank.count == 0) return null;
        float[] sims = new float[n * bank.count];
        similarity.scoresManyToMany(block, n, bank.vectors, bank.count, d, sims);
        for (int i = 0; i < n; i++) {
            for (int b = 0; b < bank.count; b++) top.offer(b, sims[i * bank.count + b], base + i);
        }
        return sims;
    }

    private static double[] toDouble(float[] x) {
        if (x == null) return null;
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i];
        return out;
    }

    /** The first rows bank columns of an n × m block, as rows × n. */
    private static float[] transposeRows(float[] sims, int n, int m, int rows) {
        float[] out = new float[rows * n];
        for (int j = 0; j < n; j++) for (int b = 0; b < rows; b++) out[b * n + j] = sims[j * m + b];
        return out;
    }

    private static BitSet activation(TopKTracker top, int rows) {
        BitSet set = new BitSet();
        for (int b = 0; b < rows; b++) for (int r = 0; r < top.count(b); r++) set.set(top.index(b, r));
        return set;
    }

    private static Set<String> ids(BitSet set, List<String> galleryIds) {
        Set<String> out = new HashSet<>();
        for (int i = set.nextSetBit(0); i >= 0; i = set.nextSetBit(i + 1)) out.add(galleryIds.get(i));
        return Set.copyOf(out);
    }
}
