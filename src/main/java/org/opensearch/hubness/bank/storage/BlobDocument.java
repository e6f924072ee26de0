package org.opensearch.hubness.bank.storage;

/**
 * The documents of {@code .hubness-banks}: their types, their ids and the fields the index maps (its mapping is in
 * {@link BankBlobs#ensureExists}). Every id starts with the bank and the build id, so a build's blobs are found and
 * swept by those two.
 */
final class BlobDocument {

    /** The {@code type} field: a chunk of vectors, or a version's manifest. */
    enum Type {
        CHUNK("chunk"),
        MANIFEST("manifest");

        final String id;

        Type(String id) {
            this.id = id;
        }
    }

    static final String TYPE = "type";
    static final String BANK = "bank";
    static final String BUILD_ID = "build_id";
    static final String KIND = "kind";
    static final String CHUNK = "chunk";
    static final String ROWS = "rows";
    static final String DATA = "data";

    private BlobDocument() {}

    static String chunkId(String bank, String buildId, BlobKind kind, int chunk) {
        return bank + "#" + buildId + "#" + kind.id() + "#" + chunk;
    }

    static String manifestId(String bank, String buildId) {
        return bank + "#" + buildId + "#" + Type.MANIFEST.id;
    }
}
