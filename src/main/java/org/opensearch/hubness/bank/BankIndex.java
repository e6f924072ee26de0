package org.opensearch.hubness.bank;

import org.opensearch.action.DocWriteRequest;
import org.opensearch.action.admin.indices.create.CreateIndexRequest;
import org.opensearch.action.bulk.BulkRequest;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.delete.DeleteRequest;
import org.opensearch.action.get.GetResponse;
import org.opensearch.action.index.IndexRequest;
import org.opensearch.action.search.SearchResponse;
import org.opensearch.action.support.WriteRequest;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.util.concurrent.ThreadContext;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.Similarity;
import org.opensearch.hubness.security.SystemIndexAccess;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.indices.SystemIndexDescriptor;
import org.opensearch.ResourceAlreadyExistsException;
import org.opensearch.search.SearchHit;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.search.sort.SortBuilders;
import org.opensearch.search.sort.SortOrder;
import org.opensearch.threadpool.ThreadPool;
import org.opensearch.transport.client.Client;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The plugin-owned system index that holds every bank: one "bank" document per bank (definition and state), one
 * "version" document per built version (parameters, activation sets, build report) and the bank vectors in chunk
 * documents, so nothing is one huge document. Replicated to every node (auto_expand_replicas 0-all), it survives
 * restarts and serves loads locally. All calls block: use them from the build or generic thread pools only.
 */
public final class BankIndex {

    public static final String NAME = ".hubness-banks";
    /** Floats per chunk document: 64k floats = 256 KB of vector data. */
    private static final int CHUNK_FLOATS = 65_536;

    public static SystemIndexDescriptor descriptor() {
        return new SystemIndexDescriptor(NAME, "Hubness banks: definitions, versions and bank vectors");
    }

    private final Supplier<Client> client;
    private final SystemIndexAccess access;

    public BankIndex(Supplier<Client> client, ThreadPool threadPool) {
        this.client = client;
        this.access = new SystemIndexAccess(threadPool);
    }

    /** Every call on the bank index runs as the plugin: no user role may read or write it (see SystemIndexAccess). */
    private ThreadContext.StoredContext asPlugin() {
        return access.asPluginContext();
    }

    public void ensureExists() {
        try (ThreadContext.StoredContext ignored = asPlugin()) {
            if (client.get().admin().indices().prepareExists(NAME).get().isExists()) return;
            CreateIndexRequest create = new CreateIndexRequest(NAME).settings(Settings.builder()
                .put("index.number_of_shards", 1).put("index.auto_expand_replicas", "0-all").put("index.hidden", true).build())
                .mapping("""
                    {"dynamic": false, "properties": {
                      "type": {"type": "keyword"}, "bank": {"type": "keyword"}, "version": {"type": "long"},
                      "kind": {"type": "keyword"}, "chunk": {"type": "integer"}, "state": {"type": "keyword"},
                      "data": {"type": "binary"}}}""");
            client.get().admin().indices().create(create).actionGet();
        } catch (ResourceAlreadyExistsException raced) {
            // another build created it first
        }
        try (ThreadContext.StoredContext ignored = asPlugin()) {
            client.get().admin().cluster().prepareHealth(NAME).setWaitForYellowStatus().get();
        }
    }

    // ---- bank documents -------------------------------------------------------------------------------------------

    static String bankId(String name) { return "bank#" + name; }
    static String versionId(String name, long v) { return "version#" + name + "#" + v; }
    static String chunkId(String name, long v, String kind, int chunk) { return "chunk#" + name + "#" + v + "#" + kind + "#" + chunk; }

    /** The bank document, or null. */
    public Map<String, Object> getBank(String name) {
        return get(bankId(name));
    }

    public Map<String, Object> getVersion(String name, long version) {
        return get(versionId(name, version));
    }

    private Map<String, Object> get(String id) {
        try (ThreadContext.StoredContext ignored = asPlugin()) {
            if (!client.get().admin().indices().prepareExists(NAME).get().isExists()) return null;
            GetResponse r = client.get().prepareGet(NAME, id).get();
            return r.isExists() ? r.getSourceAsMap() : null;
        }
    }

    /** Writes the bank document; create=true fails if the bank exists (two PUTs of one name race safely). */
    public void putBank(String name, Map<String, Object> doc, boolean create) {
        Map<String, Object> source = new LinkedHashMap<>(doc);
        source.put("type", "bank");
        source.put("bank", name);
        try (ThreadContext.StoredContext ignored = asPlugin()) {
            IndexRequest r = new IndexRequest(NAME).id(bankId(name)).source(source).setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
            if (create) r.opType(DocWriteRequest.OpType.CREATE);
            client.get().index(r).actionGet();
        }
    }

    /** Every bank document. */
    public List<Map<String, Object>> listBanks() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (SearchHit h : search(QueryBuilders.termQuery("type", "bank"), "bank", 10_000)) out.add(h.getSourceAsMap());
        return out;
    }

    // ---- versions -------------------------------------------------------------------------------------------------

    /** Persists a built version: its chunks first, then the version document that makes it loadable. */
    public void writeVersion(LoadedBank bank, Map<String, Object> info) {
        BulkRequest bulk = new BulkRequest().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        int queryChunks = addChunks(bulk, bank, "query", bank.queryBank(), bank.queryBankSize());
        int galleryChunks = addChunks(bulk, bank, "gallery", bank.galleryBank(), bank.galleryBankSize());
        Map<String, Object> doc = new LinkedHashMap<>(info);
        doc.put("type", "version");
        doc.put("bank", bank.name());
        doc.put("gallery", Map.of("index", bank.galleryIndex(), "field", bank.galleryField()));
        doc.put("params", paramsToMap(bank.params()));
        doc.put("query_chunks", queryChunks);
        doc.put("gallery_chunks", galleryChunks);
        doc.put("query_activation", List.copyOf(bank.queryActivation()));
        doc.put("gallery_activation", List.copyOf(bank.galleryActivation()));
        bulk.add(new IndexRequest(NAME).id(versionId(bank.name(), bank.version())).source(doc));
        try (ThreadContext.StoredContext ignored = asPlugin()) {
            BulkResponse r = client.get().bulk(bulk).actionGet();
            if (r.hasFailures()) throw new IllegalStateException("could not store bank [" + bank.name() + "] version " + bank.version() + ": " + r.buildFailureMessage());
        }
    }

    private static int addChunks(BulkRequest bulk, LoadedBank bank, String kind, float[] rows, int count) {
        if (count == 0) return 0;
        int d = bank.dimension();
        int rowsPerChunk = Math.max(1, CHUNK_FLOATS / d);
        int chunks = 0;
        for (int start = 0; start < count; start += rowsPerChunk, chunks++) {
            int n = Math.min(rowsPerChunk, count - start);
            ByteBuffer buf = ByteBuffer.allocate(n * d * 4).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(rows, start * d, n * d);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("type", "chunk");
            doc.put("bank", bank.name());
            doc.put("version", bank.version());
            doc.put("kind", kind);
            doc.put("chunk", chunks);
            doc.put("rows", n);
            doc.put("data", Base64.getEncoder().encodeToString(buf.array()));
            bulk.add(new IndexRequest(NAME).id(chunkId(bank.name(), bank.version(), kind, chunks)).source(doc));
        }
        return chunks;
    }

    /** Loads a stored version back into memory, or null when it is not (or no longer) stored. */
    @SuppressWarnings("unchecked")
    public LoadedBank readVersion(String name, long version) {
        Map<String, Object> doc = getVersion(name, version);
        if (doc == null) return null;
        int d = ((Number) doc.get("dimension")).intValue();
        Map<String, Object> gallery = (Map<String, Object>) doc.get("gallery");
        int mq = ((Number) doc.get("query_bank_size")).intValue();
        int mg = ((Number) doc.get("gallery_bank_size")).intValue();
        float[] q = readChunks(name, version, "query", mq, d);
        float[] g = readChunks(name, version, "gallery", mg, d);
        return new LoadedBank(name, version, (String) gallery.get("index"), (String) gallery.get("field"), d,
            Similarity.fromString((String) doc.get("similarity")), paramsFromMap((Map<String, Object>) doc.get("params")),
            q, mq, g, mg, Set.copyOf((List<String>) doc.get("query_activation")), Set.copyOf((List<String>) doc.get("gallery_activation")));
    }

    private float[] readChunks(String name, long version, String kind, int count, int d) {
        if (count == 0) return null;
        float[] out = new float[count * d];
        int offset = 0;
        List<SearchHit> hits = search(QueryBuilders.boolQuery().filter(QueryBuilders.termQuery("type", "chunk"))
            .filter(QueryBuilders.termQuery("bank", name)).filter(QueryBuilders.termQuery("version", version))
            .filter(QueryBuilders.termQuery("kind", kind)), "chunk", 10_000);
        for (SearchHit h : hits) {
            byte[] bytes = Base64.getDecoder().decode((String) h.getSourceAsMap().get("data"));
            ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out, offset, bytes.length / 4);
            offset += bytes.length / 4;
        }
        if (offset != out.length) {
            throw new IllegalStateException("bank [" + name + "] version " + version + " is incomplete: " + offset / d + " of " + count + " " + kind + " bank vectors stored");
        }
        return out;
    }

    /** Deletes the chunks and version documents of one version. */
    public void deleteVersion(String name, long version) {
        deleteWhere(QueryBuilders.boolQuery().filter(QueryBuilders.termQuery("bank", name)).filter(QueryBuilders.termQuery("version", version)));
    }

    /** Deletes everything of a bank. */
    public void deleteBank(String name) {
        deleteWhere(QueryBuilders.termQuery("bank", name));
    }

    private void deleteWhere(org.opensearch.index.query.QueryBuilder query) {
        List<SearchHit> hits = search(query, null, 10_000);
        if (hits.isEmpty()) return;
        BulkRequest bulk = new BulkRequest().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        for (SearchHit h : hits) bulk.add(new DeleteRequest(NAME, h.getId()));
        try (ThreadContext.StoredContext ignored = asPlugin()) {
            client.get().bulk(bulk).actionGet();
        }
    }

    private List<SearchHit> search(org.opensearch.index.query.QueryBuilder query, String sortBy, int size) {
        try (ThreadContext.StoredContext ignored = asPlugin()) {
            if (!client.get().admin().indices().prepareExists(NAME).get().isExists()) return List.of();
            SearchSourceBuilder source = new SearchSourceBuilder().query(query).size(size);
            if ("chunk".equals(sortBy)) source.sort(SortBuilders.fieldSort("chunk").order(SortOrder.ASC));
            if ("bank".equals(sortBy)) source.sort(SortBuilders.fieldSort("bank").order(SortOrder.ASC));
            SearchResponse r = client.get().prepareSearch(NAME).setSource(source).get();
            return List.of(r.getHits().getHits());
        }
    }

    static Map<String, Object> paramsToMap(NormParams p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("beta_query", p.betaQuery());
        m.put("beta_gallery", p.betaGallery());
        m.put("k", p.activationK());
        m.put("csls_k", p.cslsK());
        m.put("nnn_k", p.nnnK());
        m.put("nnn_alpha", p.nnnAlpha());
        return m;
    }

    static NormParams paramsFromMap(Map<String, Object> m) {
        return new NormParams(((Number) m.get("beta_query")).doubleValue(), ((Number) m.get("beta_gallery")).doubleValue(),
            ((Number) m.get("k")).intValue(), ((Number) m.get("csls_k")).intValue(), ((Number) m.get("nnn_k")).intValue(),
            ((Number) m.get("nnn_alpha")).doubleValue());
    }

}
