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
 * are given as read (lucene-engine cosine fields store them raw, faiss-engine float cosine fields normalised, byte
 * vectors widened to float); callers prepare them, and preparing (normalising) a unit vector again is harmless.
 */
public final class LeafVectorReader {

    private LeafVectorReader() {}

    /** Where one document's vector came from; {@code vector} is null when the document has no vector in the field. */
    public record DocVector(int doc, LeafReaderContext leaf, int segmentDoc, float[] vector) {}

    /**
     * Receives the window's documents in doc-id order. {@code vector} is the stored vector as read, valid only during
     * the call (the reader reuses it for the next document: copy it to keep it), or null when the document has none.
     */
    @FunctionalInterface
    public interface WindowVisitor {
        void visit(int position, LeafReaderContext leaf, int segmentDoc, float[] vector) throws IOException;
    }

    /**
     * Visits the vectors of {@code docs} (top-level doc ids, any order, no duplicates) in doc-id order, each with its
     * position in {@code docs}, without copying them (a rescore scores each document as it is read).
     *
     * @throws IllegalArgumentException when a stored vector's dimension differs from {@code dimension}
     */
    public static void visit(IndexReader reader, String field, int dimension, int[] docs, WindowVisitor visitor)
            throws IOException {
        // doc-id order without boxing: each entry packs (doc << 32 | position); doc ids are non-negative ints
        long[] order = new long[docs.length];
        for (int i = 0; i < docs.length; i++) order[i] = ((long) docs[i] << 32) | i;
        Arrays.sort(order);
        List<LeafReaderContext> leaves = reader.leaves();
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
            visitor.visit(i, leaf, segmentDoc, accessor.read(segmentDoc));
        }
    }

    /**
     * The vectors of {@code docs} (top-level doc ids, any order, no duplicates), returned in the order of {@code docs},
     * each a copy of its own.
     *
     * @throws IllegalArgumentException when a stored vector's dimension differs from {@code dimension}
     */
    public static DocVector[] read(IndexReader reader, String field, int dimension, int[] docs) throws IOException {
        DocVector[] out = new DocVector[docs.length];
        visit(
                reader,
                field,
                dimension,
                docs,
                (i, leaf, segmentDoc, vector) ->
                        out[i] = new DocVector(docs[i], leaf, segmentDoc, vector == null ? null : vector.clone()));
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
        SegmentAccessor accessor = SegmentAccessor.open(reader, field, dimension);
        return segmentDoc -> {
            float[] v = accessor.read(segmentDoc);
            return v == null ? null : v.clone(); // the caller keeps it: a copy of its own
        };
    }

    /** A forward-only reader of one segment's vectors. */
    private abstract static class SegmentAccessor {

        final String field;
        final int dimension;

        SegmentAccessor(String field, int dimension) {
            this.field = field;
            this.dimension = dimension;
        }

        /**
         * Null when the document has no vector. Calls must come in increasing segmentDoc order. The array is valid
         * until the next call (it may be Lucene's own buffer or this accessor's).
         */
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
        private float[] widened; // byte vectors as float, reused

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
                return f.vectorValue(it.index()); // Lucene may reuse it on the next call: valid until then
            }
            byte[] b = ((ByteVectorValues) values).vectorValue(it.index());
            if (widened == null) widened = new float[b.length];
            for (int i = 0; i < b.length; i++) widened[i] = b[i];
            return widened;
        }
    }

    private static final class Binary extends SegmentAccessor {
        private final BinaryDocValues dv;
        private final float[] decoded; // reused from document to document

        Binary(String field, int dimension, BinaryDocValues dv) {
            super(field, dimension);
            this.dv = dv;
            this.decoded = new float[dimension];
        }

        @Override
        float[] read(int segmentDoc) throws IOException {
            if (!dv.advanceExact(segmentDoc)) return null;
            BytesRef bytes = dv.binaryValue();
            if (bytes.length == dimension) { // data_type byte: one signed byte per dimension
                for (int i = 0; i < dimension; i++) decoded[i] = bytes.bytes[bytes.offset + i];
                return decoded;
            }
            if (bytes.length != 4 * dimension) {
                if (bytes.length % 4 == 0) throw dimensionMismatch(field, bytes.length / 4, dimension);
                throw new IllegalArgumentException("field [" + field + "] holds " + bytes.length
                        + " bytes per document, which is not a packed float32 vector; map it as a knn_vector");
            }
            ByteBuffer buf =
                    ByteBuffer.wrap(bytes.bytes, bytes.offset, bytes.length).order(ByteOrder.BIG_ENDIAN);
            buf.asFloatBuffer().get(decoded);
            return decoded;
        }
    }

    private static IllegalArgumentException dimensionMismatch(String field, int stored, int expected) {
        return new IllegalArgumentException("field [" + field + "] stores vectors of dimension " + stored
                + " but the bank has dimension " + expected + "; rescore with a bank built for this field");
    }
}
