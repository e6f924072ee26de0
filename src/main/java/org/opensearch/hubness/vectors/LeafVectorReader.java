package org.opensearch.hubness.vectors;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.ByteVectorValues;
import org.apache.lucene.index.FieldInfo;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.VectorEncoding;
import org.apache.lucene.util.BytesRef;

/**
 * Reads the stored vectors of a few documents (a rescore window) from a {@code knn_vector} field, without a compile
 * dependency on k-NN. Two storages are understood, chosen per segment from the field's {@link FieldInfo}:
 * <ul>
 *   <li>Lucene KNN vectors (k-NN's lucene engine, also faiss' flat storage): {@code getFloatVectorValues}, or
 *       {@code getByteVectorValues} for byte vectors (widened to float);</li>
 *   <li>binary doc values holding packed big-endian float32, or one signed byte per dimension for byte vectors (a
 *       knn_vector in an {@code index.knn: false} index).</li>
 * </ul>
 * The iterators are forward-only, so the documents are visited in doc-id order, one accessor per segment. The vectors
 * are returned as read (lucene-engine cosine fields store them raw, faiss-engine float cosine fields normalised, byte
 * vectors widened to float); callers prepare them, and preparing (normalising) a unit vector again is harmless.
 */
public final class LeafVectorReader {

    private LeafVectorReader() {}

    /** Where one document's vector came from; {@code vector} is null when the document has no vector in the field. */
    public record DocVector(int doc, LeafReaderContext leaf, int segmentDoc, float[] vector) {}

    /**
     * The vectors of {@code docs} (top-level doc ids, any order, no duplicates), returned in the order of {@code docs}.
     *
     * @throws IllegalArgumentException when a stored vector's dimension differs from {@code dimension}
     */
    public static DocVector[] read(IndexReader reader, String field, int dimension, int[] docs) throws IOException {
        // doc-id order without boxing: each entry packs (doc << 32 | position); doc ids are non-negative ints
        long[] order = new long[docs.length];
        for (int i = 0; i < docs.length; i++) order[i] = ((long) docs[i] << 32) | i;
        Arrays.sort(order);
        List<LeafReaderContext> leaves = reader.leaves();
        DocVector[] out = new DocVector[docs.length];
        SegmentAccessor accessor = null;
        int accessorLeaf = -1;
        for (long packed : order) {
            int i = (int) packed; // the low 32 bits: the position in docs
            int doc = docs[i];
            int leafIndex = ReaderUtil.subIndex(doc, leaves);
            LeafReaderContext leaf = leaves.get(leafIndex);
            if (leafIndex != accessorLeaf) {
                accessor = SegmentAccessor.open(leaf.reader(), field, dimension);
                accessorLeaf = leafIndex;
            }
            int segmentDoc = doc - leaf.docBase;
            out[i] = new DocVector(doc, leaf, segmentDoc, accessor.read(segmentDoc));
        }
        return out;
    }

    /** One document's vector, e.g. for explain (opens a fresh accessor). */
    public static DocVector readOne(IndexReader reader, String field, int dimension, int doc) throws IOException {
        return read(reader, field, dimension, new int[] {doc})[0];
    }

    /** A forward-only reader of one segment's vectors: calls in increasing segment doc order; null for no vector. */
    @FunctionalInterface
    public interface SegmentVectors {
        float[] read(int segmentDoc) throws IOException;
    }

    /** Reads a whole segment in doc-id order (a bank build walks every document of a shard copy). */
    public static SegmentVectors open(LeafReader reader, String field, int dimension) throws IOException {
        return SegmentAccessor.open(reader, field, dimension)::read;
    }

    /** A forward-only reader of one segment's vectors. */
    private abstract static class SegmentAccessor {

        final String field;
        final int dimension;

        SegmentAccessor(String field, int dimension) {
            this.field = field;
            this.dimension = dimension;
        }

        /** Null when the document has no vector. Calls must come in increasing segmentDoc order. */
        abstract float[] read(int segmentDoc) throws IOException;

        static SegmentAccessor open(LeafReader reader, String field, int dimension) throws IOException {
            FieldInfo info = reader.getFieldInfos().fieldInfo(field);
            if (info == null) return NONE;
            if (info.hasVectorValues()) {
                if (info.getVectorDimension() != dimension) {
                    throw dimensionMismatch(field, info.getVectorDimension(), dimension);
                }
                if (info.getVectorEncoding() == VectorEncoding.BYTE) {
                    ByteVectorValues values = reader.getByteVectorValues(field);
                    return values == null ? NONE : new Knn(field, dimension, values, values.iterator());
                }
                FloatVectorValues values = reader.getFloatVectorValues(field);
                return values == null ? NONE : new Knn(field, dimension, values, values.iterator());
            }
            BinaryDocValues dv = reader.getBinaryDocValues(field);
            return dv == null ? NONE : new Binary(field, dimension, dv);
        }

        private static final SegmentAccessor NONE = new SegmentAccessor("", 0) {
            @Override
            float[] read(int segmentDoc) {
                return null;
            }
        };
    }

    private static final class Knn extends SegmentAccessor {
        private final KnnVectorValues values;
        private final KnnVectorValues.DocIndexIterator it;

        Knn(String field, int dimension, KnnVectorValues values, KnnVectorValues.DocIndexIterator it) {
            super(field, dimension);
            this.values = values;
            this.it = it;
        }

        @Override
        float[] read(int segmentDoc) throws IOException {
            int at = it.docID();
            if (at < segmentDoc) at = it.advance(segmentDoc);
            if (at != segmentDoc) return null;
            if (values instanceof FloatVectorValues f) {
                // the returned array may be reused by the next call: copy it
                return f.vectorValue(it.index()).clone();
            }
            byte[] b = ((ByteVectorValues) values).vectorValue(it.index());
            float[] v = new float[b.length];
            for (int i = 0; i < b.length; i++) v[i] = b[i];
            return v;
        }
    }

    private static final class Binary extends SegmentAccessor {
        private final BinaryDocValues dv;

        Binary(String field, int dimension, BinaryDocValues dv) {
            super(field, dimension);
            this.dv = dv;
        }

        @Override
        float[] read(int segmentDoc) throws IOException {
            if (!dv.advanceExact(segmentDoc)) return null;
            BytesRef bytes = dv.binaryValue();
            if (bytes.length == dimension) { // data_type byte: one signed byte per dimension
                float[] v = new float[dimension];
                for (int i = 0; i < dimension; i++) v[i] = bytes.bytes[bytes.offset + i];
                return v;
            }
            if (bytes.length != 4 * dimension) {
                if (bytes.length % 4 == 0) throw dimensionMismatch(field, bytes.length / 4, dimension);
                throw new IllegalArgumentException("field [" + field + "] holds " + bytes.length
                        + " bytes per document, which is not a packed float32 vector; map it as a knn_vector");
            }
            ByteBuffer buf =
                    ByteBuffer.wrap(bytes.bytes, bytes.offset, bytes.length).order(ByteOrder.BIG_ENDIAN);
            float[] v = new float[dimension];
            buf.asFloatBuffer().get(v);
            return v;
        }
    }

    private static IllegalArgumentException dimensionMismatch(String field, int stored, int expected) {
        return new IllegalArgumentException("field [" + field + "] stores vectors of dimension " + stored
                + " but the bank has dimension " + expected + "; rescore with a bank built for this field");
    }
}
