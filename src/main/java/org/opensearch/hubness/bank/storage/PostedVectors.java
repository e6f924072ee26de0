package org.opensearch.hubness.bank.storage;

import org.opensearch.hubness.bank.BankDefinition;
import org.opensearch.hubness.bank.PostedBlob;
import org.opensearch.hubness.bank.VectorSource;

/**
 * Vectors posted in a PUT leave the definition: the definition the cluster state keeps references them as a blob
 * (id, shape, SHA-256), the blob is written once under the bank's first build id, and every build reads it back.
 */
public final class PostedVectors {

    private PostedVectors() {}

    /** The definition as the cluster state will store it: posted vectors replaced by references to blob {@code buildId}. */
    public static BankDefinition forStorage(BankDefinition def, String buildId) {
        return def.withSources(reference(def.queryBank(), buildId), reference(def.galleryBank(), buildId));
    }

    private static VectorSource reference(VectorSource s, String buildId) {
        if (s == null || s.kind() != VectorSource.Kind.VECTORS || s.vectors() == null) return s;
        float[][] rows = s.vectors();
        return s.withPosted(new PostedBlob(buildId, rows.length, rows[0].length, VersionDigest.ofRows(rows)));
    }

    /** Writes the posted vectors of a definition that still holds them in memory. */
    public static void store(BankBlobs blobs, BankDefinition def, String buildId) {
        if (def.queryBank() != null && def.queryBank().vectors() != null)
            blobs.writePosted(
                    def.name(),
                    buildId,
                    BlobKind.POSTED_QUERY_BANK,
                    def.queryBank().vectors());
        if (def.galleryBank() != null && def.galleryBank().vectors() != null)
            blobs.writePosted(
                    def.name(),
                    buildId,
                    BlobKind.POSTED_GALLERY_BANK,
                    def.galleryBank().vectors());
    }

    /** The stored definition with its posted vectors read back (and checked against their hash) for a build. */
    public static BankDefinition resolve(BankBlobs blobs, BankDefinition stored) {
        return stored.withSources(
                read(blobs, stored, BlobKind.POSTED_QUERY_BANK, stored.queryBank()),
                read(blobs, stored, BlobKind.POSTED_GALLERY_BANK, stored.galleryBank()));
    }

    private static VectorSource read(BankBlobs blobs, BankDefinition def, BlobKind kind, VectorSource s) {
        if (s == null || s.posted() == null) return s;
        return s.withVectors(blobs.readPosted(def.name(), kind, s.posted()));
    }
}
