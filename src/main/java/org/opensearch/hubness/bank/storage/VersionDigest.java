package org.opensearch.hubness.bank.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.opensearch.hubness.bank.LoadedBank;
import org.opensearch.hubness.norm.NormParams;

/**
 * The SHA-256 of a version's content: every vector chunk's bytes in order, then a canonical text of everything else a
 * node serves from (gallery, similarity, parameters, shape, activation sets, hubs when recorded). The writer records it in the cluster
 * state; a reader recomputes it from what it read and refuses the version when the two differ.
 */
public final class VersionDigest {

    private final MessageDigest sha;

    public VersionDigest() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    public VersionDigest bytes(byte[] b) {
        sha.update(b);
        return this;
    }

    /** Floats per slice of {@link #floats}: the digest of a whole bank needs 64 KB of buffer, not the bank's size. */
    static final int SLICE_FLOATS = 16_384;

    /**
     * Hashes {@code count} floats as little-endian bytes, a fixed slice at a time: the same bytes in the same order as
     * one buffer of the whole range, so a digest recorded before slicing still matches.
     */
    public VersionDigest floats(float[] v, int from, int count) {
        ByteBuffer buf = ByteBuffer.allocate(Math.min(count, SLICE_FLOATS) * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int done = 0; done < count; ) {
            int n = Math.min(SLICE_FLOATS, count - done);
            buf.clear();
            buf.asFloatBuffer().put(v, from + done, n);
            sha.update(buf.array(), 0, n * 4);
            done += n;
        }
        return this;
    }

    public VersionDigest manifest(LoadedBank b) {
        StringBuilder s = new StringBuilder();
        NormParams p = b.params();
        s.append(b.galleryIndex())
                .append('\n')
                .append(b.galleryField())
                .append('\n')
                .append(b.similarity().externalName())
                .append('\n')
                .append(b.dimension())
                .append('\n')
                .append(b.queryBankSize())
                .append('\n')
                .append(b.galleryBankSize())
                .append('\n')
                .append(List.of(p.betaQuery(), p.betaGallery(), p.activationK(), p.cslsK(), p.nnnK(), p.nnnAlpha()))
                .append('\n');
        ids(s, b.queryActivation());
        ids(s, b.galleryActivation());
        HubsManifest.digestText(s, b.queryHubs(), b.galleryHubs());
        return bytes(s.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void ids(StringBuilder s, Set<String> ids) {
        for (String id : new TreeSet<>(ids)) s.append(id.length()).append(':').append(id);
        s.append('\n');
    }

    public String hex() {
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The digest of a whole version held in memory (the reader's check and the writer's record agree on this). */
    public static String of(LoadedBank b) {
        VersionDigest d = new VersionDigest();
        if (b.queryBankSize() > 0) d.floats(b.queryBank(), 0, b.queryBankSize() * b.dimension());
        if (b.galleryBankSize() > 0) d.floats(b.galleryBank(), 0, b.galleryBankSize() * b.dimension());
        return d.manifest(b).hex();
    }

    public static String ofRows(float[][] rows) {
        VersionDigest d = new VersionDigest();
        for (float[] r : rows) d.floats(r, 0, r.length);
        return d.hex();
    }
}
