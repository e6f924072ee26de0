package org.opensearch.hubness.bank.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.opensearch.common.xcontent.json.JsonXContent;
import org.opensearch.core.common.bytes.BytesArray;
import org.opensearch.core.rest.RestStatus;
import org.opensearch.core.xcontent.ToXContent;
import org.opensearch.hubness.bank.BankRefusedException;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.norm.NormParams;
import org.opensearch.hubness.norm.Similarity;

/**
 * The edges of bank storage: rows wider than a chunk, rows on both sides of a chunk boundary, and stored documents
 * that are not what the plugin wrote, each a refusal that names the problem (the registry records a refusal and does
 * not retry it) rather than an exception a load would retry forever.
 */
class BankBlobsEdgeTests {

    private static float[] rows(int count, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] out = new float[count * d];
        for (int i = 0; i < out.length; i++) out[i] = (float) (r.nextDouble() * 2 - 1);
        return out;
    }

    /** Writes {@code count} rows the way BankBlobs does and reads them back the way it does. */
    private static float[] roundTrip(float[] rows, int count, int d) {
        VectorChunks.Assembler back = new VectorChunks.Assembler("b", BlobKind.QUERY, count, d);
        for (int c = 0; c < VectorChunks.chunkCount(count, d); c++)
            back.add(BlobDocument.chunkId("b", "x", BlobKind.QUERY, c), VectorChunks.encode(rows, count, d, c));
        return back.finish();
    }

    private static void assertBitIdentical(float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++)
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]), "float " + i);
    }

    @Test
    void aRowWiderThanAChunkGetsAChunkOfItsOwn() {
        int d = 65_537;
        assertEquals(1, VectorChunks.rowsPerChunk(d));
        float[] rows = rows(3, d, 1);
        assertEquals(3, VectorChunks.chunkCount(3, d));
        assertEquals(d * 4, Base64.getDecoder().decode(VectorChunks.encode(rows, 3, d, 2)).length);
        assertBitIdentical(rows, roundTrip(rows, 3, d));
        assertEquals(1, VectorChunks.rowsPerChunk(65_536), "exactly one chunk wide");
        assertEquals(2, VectorChunks.rowsPerChunk(32_768));
    }

    @Test
    void rowsOnBothSidesOfAChunkBoundaryComeBackWhole() {
        int d = 100, perChunk = VectorChunks.rowsPerChunk(d); // 655 rows: 65 500 of 65 536 floats
        assertEquals(655, perChunk);
        int count = 2 * perChunk + 1;
        float[] rows = rows(count, d, 2);
        assertEquals(3, VectorChunks.chunkCount(count, d));
        assertEquals(
                List.of(perChunk, perChunk, 1),
                List.of(
                        VectorChunks.rowsIn(0, count, d),
                        VectorChunks.rowsIn(1, count, d),
                        VectorChunks.rowsIn(2, count, d)));
        assertBitIdentical(rows, roundTrip(rows, count, d));
        assertBitIdentical(rows(perChunk, d, 3), roundTrip(rows(perChunk, d, 3), perChunk, d)); // one full chunk
    }

    private static BankRefusedException refusedChunk(int count, int d, Object... data) {
        VectorChunks.Assembler back = new VectorChunks.Assembler("b", BlobKind.GALLERY, count, d);
        return assertThrows(BankRefusedException.class, () -> {
            for (int i = 0; i < data.length; i++) back.add("b#x#gallery#" + i, data[i]);
            back.finish();
        });
    }

    @Test
    void aChunkThatIsNotWhatThePluginWroteIsARefusal() {
        float[] two = rows(2, 4, 4);
        String whole = VectorChunks.encode(two, 2, 4, 0);
        String oneRow = VectorChunks.encode(two, 1, 4, 0);
        assertTrue(refusedChunk(2, 4, oneRow).getMessage().contains("is incomplete: 1 of 2 gallery vectors"));
        assertTrue(refusedChunk(1, 4, whole).getMessage().contains("larger than recorded"));
        assertTrue(refusedChunk(2, 4, 42).getMessage().contains("has no base64 [data]"));
        assertTrue(refusedChunk(2, 4, (Object) null).getMessage().contains("has no base64 [data]"));
        assertTrue(refusedChunk(2, 4, "not base64 at all!").getMessage().contains("no valid base64"));
        String sevenBytes = Base64.getEncoder().encodeToString(new byte[7]);
        BankRefusedException e = refusedChunk(2, 4, sevenBytes);
        assertTrue(e.getMessage().contains("7 bytes, not whole float32 numbers"), e.getMessage());
        assertTrue(e.getMessage().contains("rebuild the bank"), e.getMessage());
        assertEquals(RestStatus.SERVICE_UNAVAILABLE, e.status());
    }

    private static LoadedBank bank() {
        return new LoadedBank(
                "b",
                3,
                "build-3",
                "images",
                "embedding",
                2,
                Similarity.L2,
                new NormParams(5.5, 2, 3, 4, 6, 0.5),
                new float[] {1, 0, 0, 1},
                2,
                null,
                0,
                Set.of("d1", "d2"),
                Set.of(),
                null,
                null);
    }

    private static String manifestJson() throws Exception {
        return VersionManifest.of(bank())
                .toXContent(JsonXContent.contentBuilder(), ToXContent.EMPTY_PARAMS)
                .toString();
    }

    private static String refusedManifest(String json) {
        BankRefusedException e = assertThrows(
                BankRefusedException.class,
                () -> VersionManifest.parse(new BytesArray(json), "b", "build-3", "bank [b] version 3"));
        assertTrue(e.getMessage().startsWith("bank [b] version 3 has a broken manifest"), e.getMessage());
        assertTrue(e.getMessage().endsWith("rebuild the bank"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void theManifestReadsBackAsWritten() throws Exception {
        String json = manifestJson();
        VersionManifest back = VersionManifest.parse(new BytesArray(json), "b", "build-3", "bank [b] version 3");
        assertEquals(VersionManifest.of(bank()).params(), back.params());
        assertEquals("images", back.galleryIndex());
        assertEquals(Similarity.L2, back.similarity());
        assertEquals(Set.of("d1", "d2"), Set.copyOf(back.queryActivation()));
        assertEquals(List.of(), back.galleryActivation());
        assertEquals(2, back.queryRows());
        assertEquals(
                json,
                back.toXContent(JsonXContent.contentBuilder(), ToXContent.EMPTY_PARAMS)
                        .toString());
    }

    @Test
    void aBrokenOrForgedManifestIsARefusalThatSaysWhatIsWrong() throws Exception {
        String json = manifestJson();
        assertTrue(refusedManifest(json.replace("\"dimension\":2,", "")).contains("dimension"));
        assertTrue(refusedManifest(json.replace("\"dimension\":2", "\"dimension\":\"two\""))
                .contains("dimension"));
        assertTrue(refusedManifest(json.replace("\"query_rows\":2", "\"query_rows\":[2]"))
                .contains("query_rows"));
        assertTrue(refusedManifest(json.replace("\"beta_query\":5.5", "\"beta_query\":\"hot\""))
                .contains("[params.beta_query] must be a number"));
        assertTrue(refusedManifest(json.replace("\"similarity\":\"l2\"", "\"similarity\":\"hamming\""))
                .contains("hamming"));
        assertTrue(refusedManifest(json.replace("{\"type\"", "{\"colour\":1,\"type\""))
                .contains("colour"));
        assertTrue(refusedManifest(json.replace("\"type\":\"manifest\"", "\"type\":\"chunk\""))
                .contains("[type]"));
        assertTrue(refusedManifest(json.replace("build-3", "build-2")).contains("names bank [b] build [build-2]"));
        assertTrue(refusedManifest(json.replace("\"gallery\":{\"index\":\"images\",", "\"gallery\":{"))
                .contains("index"));
        refusedManifest(json.substring(0, json.length() / 2));
        refusedManifest("[1, 2, 3]");
    }

    @Test
    void documentIdsNameTheBankTheBuildAndTheKind() {
        assertEquals("b#x#posted_gallery_bank#7", BlobDocument.chunkId("b", "x", BlobKind.POSTED_GALLERY_BANK, 7));
        assertEquals("b#x#manifest", BlobDocument.manifestId("b", "x"));
        assertEquals("gallery_bank", BlobKind.POSTED_GALLERY_BANK.source());
        assertThrows(IllegalStateException.class, BlobKind.QUERY::source);
    }
}
