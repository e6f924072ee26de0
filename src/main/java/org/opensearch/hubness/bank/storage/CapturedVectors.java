package org.opensearch.hubness.bank.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.opensearch.action.bulk.BulkRequest;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.delete.DeleteRequest;
import org.opensearch.action.index.IndexRequest;
import org.opensearch.action.support.WriteRequest;
import org.opensearch.hubness.security.SystemIndexAccess;
import org.opensearch.index.query.BoolQueryBuilder;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.search.SearchHit;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.search.sort.SortOrder;
import org.opensearch.transport.client.Client;

/**
 * The query vectors searches captured for a bank, in {@code .hubness-banks} beside its blobs: one document per vector
 * with an independent uniform random {@code key}. The bank keeps the {@code max_size} vectors with the smallest keys
 * (bottom-k sampling): whichever node wrote them and whenever, that is a uniform sample without replacement of every
 * vector captured. {@link #trim} deletes whatever lies above the max_size-th smallest key it sees, which is never a
 * vector of the true bottom k (more vectors only lower that key), so concurrent trims on several nodes stay correct.
 * Each written batch also leaves a tally document ({@code kind: capture_batch}, {@code bank}, {@code count},
 * {@code written_at}) from which the number captured since a time is summed across nodes and restarts. Vectors only:
 * no query text, no user. Every access runs as the plugin; blocking, so never on a search thread.
 */
public final class CapturedVectors {

    /** The {@code kind} of a captured vector's document. */
    public static final String VECTOR_KIND = "captured_vector";
    /** The {@code kind} of a batch's tally document (the format the rebuild policy reads). */
    public static final String BATCH_KIND = "capture_batch";
    /**
     * The {@code build_id} of captured vectors and tallies: the blob janitor keeps them while the bank's definition
     * captures and deletes them with the bank (or when a PUT drops {@code captured}).
     */
    public static final String BUILD_ID = "_captured";

    public static final String KEY = "key";
    public static final String COUNT = "count";
    public static final String WRITTEN_AT = "written_at";
    private static final String DIMENSION = "dimension";
    private static final int PAGE = 500;
    private static final int READ_PAGE = 1000;

    private final Supplier<Client> client;
    private final SystemIndexAccess access;
    private final BankBlobs blobs;
    private final BankIndexReads reads;

    public CapturedVectors(Supplier<Client> client, SystemIndexAccess access, BankBlobs blobs) {
        this.client = client;
        this.access = access;
        this.blobs = blobs;
        this.reads = new BankIndexReads(client, access);
    }

    /**
     * Writes one batch of a bank's captured vectors and its tally document, visible to searches when this returns.
     *
     * @throws IllegalStateException when any document could not be written (the caller counts the batch as failed)
     */
    public void write(String bank, List<float[]> vectors, long now) {
        if (vectors.isEmpty()) return;
        blobs.ensureExists();
        BulkRequest bulk = new BulkRequest().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        for (float[] v : vectors) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put(BlobDocument.BANK, bank);
            doc.put(BlobDocument.BUILD_ID, BUILD_ID);
            doc.put(BlobDocument.KIND, VECTOR_KIND);
            doc.put(KEY, ThreadLocalRandom.current().nextDouble());
            doc.put(DIMENSION, v.length);
            doc.put(BlobDocument.DATA, VectorChunks.encode(v, 1, v.length, 0));
            bulk.add(new IndexRequest(BankBlobs.NAME).source(doc));
        }
        Map<String, Object> tally = new LinkedHashMap<>();
        tally.put(BlobDocument.BANK, bank);
        tally.put(BlobDocument.BUILD_ID, BUILD_ID);
        tally.put(BlobDocument.KIND, BATCH_KIND);
        tally.put(COUNT, (long) vectors.size());
        tally.put(WRITTEN_AT, now);
        bulk.add(new IndexRequest(BankBlobs.NAME).source(tally));
        BulkResponse r = access.call(() -> client.get().bulk(bulk).actionGet());
        if (r.hasFailures())
            throw new IllegalStateException(
                    "could not store captured vectors of bank [" + bank + "]: " + r.buildFailureMessage());
    }

    /** Deletes the bank's captured vectors above its max_size smallest keys; returns how many went. */
    public int trim(String bank, int maxSize) {
        SearchHit[] hits = reads.hits(new SearchSourceBuilder()
                .query(vectorsOf(bank))
                .sort(KEY, SortOrder.ASC)
                .from(maxSize - 1)
                .size(1)
                .fetchSource(false)
                .trackTotalHits(false));
        if (hits.length == 0) return 0; // at most max_size stored
        double threshold = ((Number) hits[0].getSortValues()[0]).doubleValue();
        return deleteAll(QueryBuilders.boolQuery()
                .filter(vectorsOf(bank))
                .filter(QueryBuilders.rangeQuery(KEY).gt(threshold)));
    }

    /** Deletes the bank's tallies written before {@code before} (older than the serving version's build). */
    public int pruneTallies(String bank, long before) {
        return deleteAll(QueryBuilders.boolQuery()
                .filter(QueryBuilders.termQuery(BlobDocument.BANK, bank))
                .filter(QueryBuilders.termQuery(BlobDocument.KIND, BATCH_KIND))
                .filter(QueryBuilders.rangeQuery(WRITTEN_AT).lt(before)));
    }

    /** How many captured vectors the bank holds now (0 without the index). */
    public long count(String bank) {
        return reads.search(
                new SearchSourceBuilder().query(vectorsOf(bank)).size(0).trackTotalHits(true),
                r -> r.getHits().getTotalHits().value(),
                0L);
    }

    /**
     * The bank's at most {@code maxSize} captured vectors of dimension {@code d} with the smallest keys, in key order,
     * flat; vectors of another dimension (captured before the bank was redefined on another field) are skipped.
     */
    public float[] read(String bank, int maxSize, int d) {
        List<float[]> rows = new ArrayList<>();
        Object[] after = null;
        int seen = 0;
        while (seen < maxSize) {
            SearchSourceBuilder source = new SearchSourceBuilder()
                    .query(vectorsOf(bank))
                    .sort(KEY, SortOrder.ASC)
                    .size(Math.min(READ_PAGE, maxSize - seen))
                    .fetchSource(new String[] {BlobDocument.DATA}, null)
                    .trackTotalHits(false);
            if (after != null) source.searchAfter(after);
            SearchHit[] hits = reads.hits(source);
            if (hits.length == 0) break;
            for (SearchHit h : hits) {
                float[] v = decode(String.valueOf(h.getSourceAsMap().get(BlobDocument.DATA)));
                if (v.length == d) rows.add(v);
            }
            seen += hits.length;
            after = hits[hits.length - 1].getSortValues();
        }
        float[] flat = new float[rows.size() * d];
        for (int i = 0; i < rows.size(); i++) System.arraycopy(rows.get(i), 0, flat, i * d, d);
        return flat;
    }

    static float[] decode(String base64) {
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(v);
        return v;
    }

    private static BoolQueryBuilder vectorsOf(String bank) {
        return QueryBuilders.boolQuery()
                .filter(QueryBuilders.termQuery(BlobDocument.BANK, bank))
                .filter(QueryBuilders.termQuery(BlobDocument.KIND, VECTOR_KIND));
    }

    private int deleteAll(BoolQueryBuilder query) {
        int deleted = 0;
        while (true) {
            SearchHit[] hits = reads.hits(new SearchSourceBuilder()
                    .query(query)
                    .size(PAGE)
                    .fetchSource(false)
                    .trackTotalHits(false));
            if (hits.length == 0) return deleted;
            BulkRequest bulk = new BulkRequest().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
            for (SearchHit h : hits) bulk.add(new DeleteRequest(BankBlobs.NAME, h.getId()));
            BulkResponse r = access.call(() -> client.get().bulk(bulk).actionGet());
            if (r.hasFailures())
                throw new IllegalStateException("could not delete captured documents: " + r.buildFailureMessage());
            deleted += hits.length;
        }
    }
}
