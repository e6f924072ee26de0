/*
 * Copyright OpenSearch Contributors
 * SPDX-License-Identifier: Apache-2.0
 */
package org.opensearch.hubness.build;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.StoredFields;
import org.opensearch.common.hash.MurmurHash3;
import org.opensearch.index.fieldvisitor.IdOnlyFieldVisitor;

/**
 * The key of a gallery document in a build: a 64-bit MurmurHash3 of its {@code _id}. It depends on nothing but the
 * id, so every copy and every shard layout gives a document the same key, and equal similarities are broken the same
 * way everywhere (the smaller key wins). Two ids share a key with probability about n²/2⁶⁵ (3·10⁻⁸ for a million
 * documents). The same hash with a seed orders documents for a seeded sample.
 */
public final class DocKeys {

    /** The key of the gallery pass: the hash with seed 0. */
    public static final long GALLERY_SEED = 0;

    private DocKeys() {}

    public static long of(String id, long seed) {
        byte[] bytes = id.getBytes(StandardCharsets.UTF_8);
        return MurmurHash3.hash128(bytes, 0, bytes.length, seed, new MurmurHash3.Hash128()).h1;
    }

    /** Reads the {@code _id}s of one segment's documents, in any order. */
    public static final class SegmentIds {
        private final StoredFields stored;
        private final IdOnlyFieldVisitor visitor = new IdOnlyFieldVisitor();

        public SegmentIds(LeafReader reader) throws IOException {
            this.stored = reader.storedFields();
        }

        public String id(int segmentDoc) throws IOException {
            visitor.reset();
            stored.document(segmentDoc, visitor);
            String id = visitor.getId();
            if (id == null) {
                throw new IllegalStateException("document " + segmentDoc + " of a gallery segment has no stored _id");
            }
            return id;
        }
    }
}
