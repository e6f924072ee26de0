package org.opensearch.hubness.bank.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.opensearch.ExceptionsHelper;
import org.opensearch.OpenSearchStatusException;
import org.opensearch.ResourceAlreadyExistsException;
import org.opensearch.action.admin.indices.create.CreateIndexRequest;
import org.opensearch.action.admin.indices.mapping.put.PutMappingRequest;
import org.opensearch.action.bulk.BulkRequest;
import org.opensearch.action.bulk.BulkResponse;
import org.opensearch.action.delete.DeleteRequest;
import org.opensearch.action.get.MultiGetItemResponse;
import org.opensearch.action.get.MultiGetRequest;
import org.opensearch.action.get.MultiGetResponse;
import org.opensearch.action.index.IndexRequest;
import org.opensearch.action.support.WriteRequest;
import org.opensearch.common.settings.Settings;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.MediaTypeRegistry;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.hubness.bank.BankRefusedException;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.bank.PostedBlob;
import org.opensearch.hubness.bank.state.BankVersion;
import org.opensearch.hubness.security.SystemIndexAccess;
import org.opensearch.index.IndexNotFoundException;
import org.opensearch.index.query.QueryBuilders;
import org.opensearch.indices.SystemIndexDescriptor;
import org.opensearch.search.SearchHit;
import org.opensearch.search.builder.SearchSourceBuilder;
import org.opensearch.transport.client.Client;

/**
 * The plugin-owned system index {@code .hubness-banks}, which holds only immutable blobs: per build id, the vector
 * chunks and a manifest of one built version, or the chunks of vectors posted in a PUT. Definitions and states live
 * in the cluster state ({@link org.opensearch.hubness.bank.state.HubnessMetadata}), which records each version's
 * SHA-256; a read that does not hash to it is refused. Writes and reads go in bounded pieces (a few chunks per
 * request). Every access runs in a stashed thread context, as the plugin and not as the caller. Blocking: call from
 * the build, bank-load or generic pools, never from a search thread.
 */
public final class BankBlobs {

    public static final String NAME = ".hubness-banks";
    /** Chunks per bulk write or multi-get: about 2.8 MB of base64 per request and response. */
    private static final int CHUNKS_PER_REQUEST = 8;

    private static final int DELETE_PAGE = 500;

    public static SystemIndexDescriptor descriptor() {
        return new SystemIndexDescriptor(
                NAME, "Hubness banks: immutable, checksummed vector blobs of built versions and posted vectors");
    }

    /**
     * The fields of captured vectors ({@code key}, {@code dimension}) and of capture tallies ({@code count},
     * {@code written_at}: the format the rebuild policy reads); an index created before capture gets them added.
     */
    private static final String CAPTURE_FIELDS = """
            "key": {"type": "double"}, "dimension": {"type": "integer"}, "count": {"type": "long"},
            "written_at": {"type": "date", "format": "epoch_millis||strict_date_optional_time"}""";

    private final Supplier<Client> client;
    private final SystemIndexAccess access;
    private final BankIndexReads reads;
    /** Whether this node has added the capture fields to an index created before them (once a node is enough). */
    private volatile boolean captureFieldsAdded;

    public BankBlobs(Supplier<Client> client, SystemIndexAccess access) {
        this.client = client;
        this.access = access;
        this.reads = new BankIndexReads(client, access);
    }

    /** Every read or write of the index: as the plugin, not as the user of the request (see SystemIndexAccess). */
    private <T> T asPlugin(Supplier<T> action) {
        return access.call(action);
    }

    public void ensureExists() {
        asPlugin(() -> {
            try {
                if (client.get().admin().indices().prepareExists(NAME).get().isExists()) {
                    addCaptureFields();
                    return null;
                }
                CreateIndexRequest create = new CreateIndexRequest(NAME)
                        .settings(Settings.builder()
                                .put("index.number_of_shards", 1)
                                .put("index.auto_expand_replicas", "0-all")
                                .put("index.hidden", true)
                                .build())
                        .mapping("""
                        {"dynamic": false, "properties": {
                          "type": {"type": "keyword"}, "bank": {"type": "keyword"}, "build_id": {"type": "keyword"},
                          "kind": {"type": "keyword"}, "chunk": {"type": "integer"}, "data": {"type": "binary"},
                        """ + CAPTURE_FIELDS + "}}");
                client.get().admin().indices().create(create).actionGet();
            } catch (ResourceAlreadyExistsException raced) {
                // another build created it first
            }
            client.get()
                    .admin()
                    .cluster()
                    .prepareHealth(NAME)
                    .setWaitForYellowStatus()
                    .get();
            return null;
        });
    }

    /** Adds the capture fields to an existing index (a no-op when it has them); as the plugin, blocking. */
    private void addCaptureFields() {
        if (captureFieldsAdded) return;
        client.get()
                .admin()
                .indices()
                .putMapping(new PutMappingRequest(NAME)
                        .source("{\"properties\": {" + CAPTURE_FIELDS + "}}", MediaTypeRegistry.JSON))
                .actionGet();
        captureFieldsAdded = true;
    }

    // ---- versions ---------------------------------------------------------------------------------------------

    /**
     * Writes the prepared bank vectors of a build under its build id, in bounded bulks, before the gallery pass: the
     * pass's nodes read them from here a few chunks at a time ({@link #readBuildVectors}), and the version's manifest
     * later names the same chunks. Returns the digest the nodes check their read against.
     */
    public String writeBuildVectors(
            String bank, String buildId, float[] query, int mq, float[] gallery, int mg, int d) {
        ensureExists();
        writeChunks(bank, buildId, BlobKind.QUERY, query, mq, d);
        writeChunks(bank, buildId, BlobKind.GALLERY, gallery, mg, d);
        return vectorsDigest(query, mq, gallery, mg, d);
    }

    /** The SHA-256 of both banks' bytes (query, then gallery), a fixed slice at a time. */
    public static String vectorsDigest(float[] query, int mq, float[] gallery, int mg, int d) {
        VersionDigest digest = new VersionDigest();
        if (mq > 0) digest.floats(query, 0, mq * d);
        if (mg > 0) digest.floats(gallery, 0, mg * d);
        return digest.hex();
    }

    /**
     * Reads a running build's bank vectors ({query, gallery}, empty arrays for a bank it has not) and checks their
     * digest.
     *
     * @throws BankRefusedException when they are missing, incomplete or changed
     */
    public float[][] readBuildVectors(String bank, String buildId, int mq, int mg, int d, String digest) {
        float[] q = mq == 0 ? new float[0] : readChunks(bank, buildId, BlobKind.QUERY, mq, d);
        float[] g = mg == 0 ? new float[0] : readChunks(bank, buildId, BlobKind.GALLERY, mg, d);
        if (!vectorsDigest(q, mq, g, mg, d).equals(digest)) {
            throw new BankRefusedException("the vectors of bank [" + bank + "] build [" + buildId
                    + "] fail their checksum: [" + NAME + "] was modified outside the plugin during the build");
        }
        return new float[][] {q, g};
    }

    /**
     * Writes a built version's manifest under its build id (its vectors were written before the pass, {@link
     * #writeBuildVectors}); returns the version's SHA-256.
     */
    public String writeVersion(LoadedBank bank) {
        BulkRequest bulk = new BulkRequest().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
        try {
            bulk.add(new IndexRequest(NAME)
                    .id(BlobDocument.manifestId(bank.name(), bank.buildId()))
                    .source(VersionManifest.of(bank)
                            .toXContent(JsonXContent.contentBuilder(), ToXContent.EMPTY_PARAMS)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        execute(bulk, "bank [" + bank.name() + "] version " + bank.version());
        return VersionDigest.of(bank);
    }

    /**
     * Reads a published version and checks it against the SHA-256 the cluster state recorded.
     *
     * @throws BankRefusedException when the blobs are missing, incomplete or do not hash to the recorded value; other
     *     exceptions (the index is not readable yet) are transient
     */
    public LoadedBank readVersion(String name, BankVersion v) {
        String what = "bank [" + name + "] version " + v.version();
        try {
            BytesReference source = reads.source(BlobDocument.manifestId(name, v.buildId()));
            if (source == null)
                throw new BankRefusedException(what + " is not stored in [" + NAME
                        + "] (the index or its blobs were deleted); " + missingAdvice(name));
            VersionManifest m = VersionManifest.parse(source, name, v.buildId(), what);
            int d = m.dimension(), mq = m.queryRows(), mg = m.galleryRows();
            if (d != v.dimension() || mq != v.queryRows() || mg != v.galleryRows()) {
                throw new BankRefusedException(what + " does not match its record in the cluster state (shape " + mq
                        + "+" + mg + " x " + d + ")");
            }
            float[] q = readChunks(name, v.buildId(), BlobKind.QUERY, mq, d);
            float[] g = readChunks(name, v.buildId(), BlobKind.GALLERY, mg, d);
            LoadedBank loaded = new LoadedBank(
                    name,
                    v.version(),
                    v.buildId(),
                    m.galleryIndex(),
                    m.galleryField(),
                    d,
                    m.similarity(),
                    m.params(),
                    q,
                    mq,
                    g,
                    mg,
                    Set.copyOf(m.queryActivation()),
                    Set.copyOf(m.galleryActivation()),
                    m.queryHubs(),
                    m.galleryHubs());
            String sha = VersionDigest.of(loaded);
            if (!sha.equals(v.sha256())) {
                // the reason reaches searchers and GET: it names no digest (a digest confirms a guessed vector)
                throw new BankRefusedException(what + " fails its checksum: the stored blobs do not hash to the"
                        + " value the cluster state recorded; the bank index was modified outside the plugin;"
                        + " rebuild the bank");
            }
            return loaded;
        } catch (IndexNotFoundException e) {
            throw new BankRefusedException(
                    what + " is not stored: [" + NAME + "] does not exist; " + missingAdvice(name));
        }
    }

    /**
     * What to do about a version whose blobs are missing: after a snapshot restore of the cluster state the cluster
     * manager rebuilds it by itself ({@code RestoredVersionCheck}); restoring the index brings the version back.
     */
    private static String missingAdvice(String name) {
        return "if a snapshot restore brought the bank back without [" + NAME + "], restore [" + NAME
                + "] from the same snapshot, or let the cluster manager rebuild the bank by itself (GET"
                + " /_plugins/_hubness/banks/" + name + " shows [building_version]); otherwise rebuild the bank";
    }

    /**
     * Whether the manifest of a build is stored; false also when the index does not exist.
     *
     * @throws RuntimeException when the index exists but cannot be read yet (closed, restoring, no started copy)
     */
    public boolean versionStored(String bank, String buildId) {
        return reads.source(BlobDocument.manifestId(bank, buildId)) != null;
    }

    // ---- posted vectors ---------------------------------------------------------------------------------------

    /** Stores vectors posted in a PUT under the build that first used them; returns the reference the definition keeps. */
    public PostedBlob writePosted(String bank, String buildId, BlobKind kind, float[][] rows) {
        ensureExists();
        int d = rows[0].length;
        float[] flat = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) System.arraycopy(rows[i], 0, flat, i * d, d);
        writeChunks(bank, buildId, kind, flat, rows.length, d);
        return new PostedBlob(buildId, rows.length, d, VersionDigest.ofRows(rows));
    }

    public float[][] readPosted(String bank, BlobKind kind, PostedBlob blob) {
        String role = kind.source();
        float[] flat;
        try {
            flat = readChunks(bank, blob.blobId(), kind, blob.count(), blob.dimension());
        } catch (BankRefusedException e) {
            throw new IllegalStateException(
                    "the vectors posted for [" + role + "] of bank [" + bank + "] cannot be read from [" + NAME + "] ("
                            + e.getMessage() + "); PUT the bank again with its vectors",
                    e);
        } catch (RuntimeException e) {
            // the blobs are there but not readable now (a shard still recovering): nothing to re-post, only to wait
            throw new OpenSearchStatusException(
                    "the vectors posted for [" + role + "] of bank [" + bank + "] cannot be read from [" + NAME
                            + "] right now (" + ExceptionsHelper.unwrapCause(e).getMessage() + "); retry once GET"
                            + " _cluster/health/" + NAME + " is yellow or green",
                    RestStatus.SERVICE_UNAVAILABLE,
                    e);
        }
        float[][] rows = new float[blob.count()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new float[blob.dimension()];
            System.arraycopy(flat, i * blob.dimension(), rows[i], 0, blob.dimension());
        }
        if (!VersionDigest.ofRows(rows).equals(blob.sha256())) {
            throw new IllegalStateException("the vectors posted for [" + role + "] of bank [" + bank
                    + "] fail their checksum; the bank index was "
                    + "modified outside the plugin; PUT the bank again with its vectors");
        }
        return rows;
    }

    // ---- chunks -----------------------------------------------------------------------------------------------

    private void writeChunks(String bank, String buildId, BlobKind kind, float[] rows, int count, int d) {
        if (count == 0) return;
        BulkRequest bulk = new BulkRequest();
        for (int chunk = 0, chunks = VectorChunks.chunkCount(count, d); chunk < chunks; chunk++) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put(BlobDocument.TYPE, BlobDocument.Type.CHUNK.id);
            doc.put(BlobDocument.BANK, bank);
            doc.put(BlobDocument.BUILD_ID, buildId);
            doc.put(BlobDocument.KIND, kind.id());
            doc.put(BlobDocument.CHUNK, chunk);
            doc.put(BlobDocument.ROWS, VectorChunks.rowsIn(chunk, count, d));
            doc.put(BlobDocument.DATA, VectorChunks.encode(rows, count, d, chunk));
            bulk.add(new IndexRequest(NAME)
                    .id(BlobDocument.chunkId(bank, buildId, kind, chunk))
                    .source(doc));
            if (bulk.numberOfActions() == CHUNKS_PER_REQUEST) {
                execute(bulk, "bank [" + bank + "] " + kind.id() + " vectors");
                bulk = new BulkRequest();
            }
        }
        if (bulk.numberOfActions() > 0) execute(bulk, "bank [" + bank + "] " + kind.id() + " vectors");
    }

    private void execute(BulkRequest bulk, String what) {
        BulkResponse r = asPlugin(() -> client.get().bulk(bulk).actionGet());
        if (r.hasFailures())
            throw new IllegalStateException("could not store " + what + ": " + r.buildFailureMessage());
    }

    /** Reads the chunks of one kind, a few per request, by their ids (so the count and order are the writer's). */
    private float[] readChunks(String bank, String buildId, BlobKind kind, int count, int d) {
        if (count == 0) return null;
        int chunks = VectorChunks.chunkCount(count, d);
        VectorChunks.Assembler vectors = new VectorChunks.Assembler(bank, kind, count, d);
        for (int first = 0; first < chunks; first += CHUNKS_PER_REQUEST) {
            MultiGetRequest get = new MultiGetRequest().realtime(true);
            for (int c = first; c < Math.min(chunks, first + CHUNKS_PER_REQUEST); c++)
                get.add(NAME, BlobDocument.chunkId(bank, buildId, kind, c));
            MultiGetResponse r = asPlugin(() -> client.get().multiGet(get).actionGet());
            for (MultiGetItemResponse item : r.getResponses()) {
                if (item.isFailed()) {
                    // the shard answered with a failure (not started yet, relocating): transient, never a refusal
                    throw new OpenSearchStatusException(
                            "bank [" + bank + "]: chunk [" + item.getId() + "] of [" + NAME + "] is not readable now: "
                                    + ExceptionsHelper.unwrapCause(
                                                    item.getFailure().getFailure())
                                            .getMessage(),
                            RestStatus.SERVICE_UNAVAILABLE,
                            item.getFailure().getFailure());
                }
                if (!item.getResponse().isExists()) {
                    throw new BankRefusedException("bank [" + bank + "] is incomplete: chunk [" + item.getId()
                            + "] is missing from [" + NAME + "]");
                }
                vectors.add(item.getId(), item.getResponse().getSourceAsMap().get(BlobDocument.DATA));
            }
        }
        return vectors.finish();
    }

    // ---- clean-up ---------------------------------------------------------------------------------------------

    /**
     * Deletes the blobs of a bank whose build id is no longer referenced: versions that fell out, failed or overtaken
     * builds, a deleted bank. {@code live} is asked again before every page, so a build that starts meanwhile keeps
     * its blobs (and a blob deleted by mistake is refused by its checksum, never served).
     */
    public int deleteUnreferenced(String bank, Supplier<Set<String>> live) {
        int deleted = 0;
        while (true) {
            Set<String> keep = live.get();
            SearchSourceBuilder source = new SearchSourceBuilder()
                    .size(DELETE_PAGE)
                    .fetchSource(false)
                    .query(QueryBuilders.boolQuery()
                            .filter(QueryBuilders.termQuery(BlobDocument.BANK, bank))
                            .mustNot(QueryBuilders.termsQuery(BlobDocument.BUILD_ID, keep)));
            SearchHit[] hits = reads.hits(source);
            if (hits.length == 0) return deleted; // or no index
            BulkRequest bulk = new BulkRequest().setRefreshPolicy(WriteRequest.RefreshPolicy.IMMEDIATE);
            for (SearchHit h : hits) bulk.add(new DeleteRequest(NAME, h.getId()));
            execute(bulk, "the clean-up of bank [" + bank + "]");
            deleted += hits.length;
        }
    }
}
