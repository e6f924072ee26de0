package org.opensearch.hubness.norm;

/**
 * A block of gallery documents for a {@link GalleryPass}: their prepared vectors ({@link Similarity#prepareRows}),
 * row-major rows × d, and one key per row. Keys identify documents across blocks and shards: they must be unique in
 * the gallery and must not depend on where a document sits (e.g. its rank in one global order of the gallery), since
 * equal similarities are broken by them (the smaller key wins) and the activation sets and the report name them.
 */
public record GalleryBlock(float[] vectors, int rows, long[] keys) {

    public GalleryBlock {
        if (rows < 0 || keys == null || keys.length < rows) {
            throw new IllegalArgumentException(
                    "a gallery block of " + rows + " rows needs as many keys, got " + (keys == null ? 0 : keys.length));
        }
    }
}
