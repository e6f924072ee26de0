package org.opensearch.hubness.cache;

import java.io.IOException;
import java.util.Arrays;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.util.Bits;
import org.opensearch.cluster.metadata.IndexMetadata;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.norm.BankMatrix;
import org.opensearch.hubness.norm.DocTerms;
import org.opensearch.hubness.norm.DocTermsCalculator;
import org.opensearch.hubness.norm.DotPrecision;
import org.opensearch.hubness.vectors.LeafVectorReader;
import org.opensearch.index.IndexService;
import org.opensearch.index.engine.Engine;
import org.opensearch.index.shard.IndexShard;
import org.opensearch.indices.IndicesService;

/**
 * Fills the node's bank-terms cache for every local shard copy of a bank's gallery when a version is installed, so the
 * first searches after a build read their terms instead of computing them. Only what is missing is computed: the
 * build's pass already put the terms of the copies it read (every started copy at that time), so this fills copies
 * that started since, segments written since, and versions a node loads later (e.g. after a restart). Segments
 * written later still are filled by the searches that meet them.
 */
public final class CacheWarmer {

    private static final Logger LOG = LogManager.getLogger(CacheWarmer.class);
    /** Documents per bulk computation: bounds the memory of one step whatever the segment size. */
    private static final int BLOCK = 1024;

    private final IndicesService indices;
    private final ClusterService clusterService;
    private final DocTermsCache cache;

    public CacheWarmer(IndicesService indices, ClusterService clusterService, DocTermsCache cache) {
        this.indices = indices;
        this.clusterService = clusterService;
        this.cache = cache;
    }

    /** Warms every local shard of the bank's gallery index; returns the number of documents whose terms were cached. */
    public long warm(LoadedBank bank) {
        IndexMetadata meta = clusterService.state().metadata().index(bank.galleryIndex());
        if (meta == null) return 0;
        IndexService service = indices.indexService(meta.getIndex());
        if (service == null) return 0;
        long warmed = 0;
        for (IndexShard shard : service) {
            try (Engine.Searcher searcher = shard.acquireSearcher("hubness-warmup")) {
                warmed += warm(bank, searcher.getIndexReader());
            } catch (RuntimeException | IOException e) {
                LOG.warn(
                        () -> "could not warm the hubness cache for " + shard.shardId() + "; searches will fill it", e);
            }
        }
        return warmed;
    }

    long warm(LoadedBank bank, IndexReader reader) throws IOException {
        long warmed = 0;
        int d = bank.dimension();
        for (LeafReaderContext leaf : reader.leaves()) {
            Object key = cache.segmentKey(leaf);
            if (key == null) continue;
            int maxDoc = leaf.reader().maxDoc();
            Bits live = leaf.reader().getLiveDocs();
            SegmentTerms built = cache.existing(bank, key);
            for (int start = 0; start < maxDoc; start += BLOCK) {
                int[] docs = new int[Math.min(BLOCK, maxDoc - start)];
                int n = 0;
                for (int doc = start; doc < start + docs.length; doc++) {
                    if ((live == null || live.get(doc)) && (built == null || !built.has(doc)))
                        docs[n++] = leaf.docBase + doc;
                }
                if (n == 0) continue;
                LeafVectorReader.DocVector[] vectors =
                        LeafVectorReader.read(reader, bank.galleryField(), d, Arrays.copyOf(docs, n));
                float[] block = new float[n * d];
                int[] segmentDocs = new int[n];
                int rows = 0;
                for (LeafVectorReader.DocVector v : vectors) {
                    if (v.vector() == null) continue;
                    System.arraycopy(bank.similarity().prepare(v.vector()), 0, block, rows * d, d);
                    segmentDocs[rows++] = v.segmentDoc();
                }
                if (rows == 0) continue;
                DocTerms terms = DocTermsCalculator.compute(
                        bank.similarity(),
                        block,
                        rows,
                        BankMatrix.of(bank.queryBank(), bank.queryBankSize(), d),
                        BankMatrix.of(bank.galleryBank(), bank.galleryBankSize(), d),
                        bank.params(),
                        DotPrecision.FLOAT);
                if (!cache.putAll(bank, key, maxDoc, Arrays.copyOf(segmentDocs, rows), terms))
                    return warmed; // budget or breaker said no
                warmed += rows;
            }
        }
        return warmed;
    }
}
