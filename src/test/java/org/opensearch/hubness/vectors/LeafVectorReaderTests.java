package org.opensearch.hubness.vectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnByteVectorField;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.BytesRef;
import org.junit.jupiter.api.Test;

class LeafVectorReaderTests {

    /** Doc i (i % 5 != 4) holds vector (i, -i, 0.5·i) as floats, bytes and big-endian binary; every 5th doc none. */
    private static DirectoryReader index(ByteBuffersDirectory dir) throws IOException {
        try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig().setMergePolicy(NoMergePolicy.INSTANCE))) {
            for (int i = 0; i < 60; i++) {
                Document doc = new Document();
                if (i % 5 != 4) {
                    float[] v = {i, -i, 0.5f * i};
                    doc.add(new KnnFloatVectorField("f", v, VectorSimilarityFunction.EUCLIDEAN));
                    doc.add(new KnnByteVectorField(
                            "b", new byte[] {(byte) i, (byte) -i, 3}, VectorSimilarityFunction.EUCLIDEAN));
                    ByteBuffer buf = ByteBuffer.allocate(12).order(ByteOrder.BIG_ENDIAN);
                    for (float f : v) buf.putFloat(f);
                    doc.add(new BinaryDocValuesField("bin", new BytesRef(buf.array())));
                }
                w.addDocument(doc);
                if (i % 13 == 12) w.commit();
            }
        }
        return DirectoryReader.open(dir);
    }

    @Test
    void readsEveryStorageInTheCallersOrder() throws IOException {
        try (ByteBuffersDirectory dir = new ByteBuffersDirectory();
                DirectoryReader reader = index(dir)) {
            assertTrue(reader.leaves().size() >= 4);
            int[] docs = new int[30];
            Random r = new Random(1);
            java.util.List<Integer> all = new java.util.ArrayList<>();
            for (int i = 0; i < 60; i++) all.add(i);
            java.util.Collections.shuffle(all, r);
            for (int i = 0; i < docs.length; i++) docs[i] = all.get(i);
            for (String field : new String[] {"f", "bin", "b"}) {
                LeafVectorReader.DocVector[] out = LeafVectorReader.read(reader, field, 3, docs);
                for (int i = 0; i < docs.length; i++) {
                    int doc = docs[i];
                    assertEquals(doc, out[i].doc());
                    assertEquals(doc, out[i].leaf().docBase + out[i].segmentDoc());
                    if (doc % 5 == 4) {
                        assertNull(out[i].vector(), field + " doc " + doc);
                    } else if (field.equals("b")) {
                        assertArrayEquals(new float[] {(byte) doc, (byte) -doc, 3}, out[i].vector(), field);
                    } else {
                        assertArrayEquals(new float[] {doc, -doc, 0.5f * doc}, out[i].vector(), field + " doc " + doc);
                    }
                }
            }
            assertNull(LeafVectorReader.readOne(reader, "missing", 3, 7).vector());
        }
    }

    @Test
    void wrongDimensionIsReported() throws IOException {
        try (ByteBuffersDirectory dir = new ByteBuffersDirectory();
                DirectoryReader reader = index(dir)) {
            for (String field : new String[] {"f", "bin"}) {
                IllegalArgumentException e = assertThrows(
                        IllegalArgumentException.class,
                        () -> LeafVectorReader.read(reader, field, 4, new int[] {0, 1}));
                assertTrue(
                        e.getMessage().contains("dimension 3") && e.getMessage().contains("dimension 4"),
                        e.getMessage());
            }
        }
    }
}
