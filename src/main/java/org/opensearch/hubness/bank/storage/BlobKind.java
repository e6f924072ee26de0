package org.opensearch.hubness.bank.storage;

/**
 * Which vectors a chunk document of {@code .hubness-banks} holds: a build's prepared banks, or the vectors a PUT posted
 * for one of the definition's sources. {@link #id} is the {@code kind} field and the third part of the document id.
 */
public enum BlobKind {
    QUERY("query"),
    GALLERY("gallery"),
    POSTED_QUERY_BANK("posted_query_bank"),
    POSTED_GALLERY_BANK("posted_gallery_bank");

    private final String id;

    BlobKind(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** The definition's key the posted vectors were given under ({@code query_bank}, {@code gallery_bank}). */
    public String source() {
        return switch (this) {
            case POSTED_QUERY_BANK -> "query_bank";
            case POSTED_GALLERY_BANK -> "gallery_bank";
            default -> throw new IllegalStateException(id + " holds a build's vectors, not posted ones");
        };
    }
}
