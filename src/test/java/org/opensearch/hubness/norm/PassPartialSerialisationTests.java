package org.opensearch.hubness.norm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A partial crosses the wire bit for bit: read back, it merges and finishes exactly as the original. */
class PassPartialSerialisationTests {

    private static final NormParams P = new NormParams(20, 3, 2, 10, 16, 0.75);

    private static float[] rows(Random r, int n, int d) {
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        Similarity.COSINE.prepareRows(x, n, d);
        return x;
    }

    private static PassPartial scan(GalleryPass pass, float[] gallery, int from, int to, int d) {
        long[] keys = new long[to - from];
        for (int i = 0; i < keys.length; i++) keys[i] = (from + i) * 7919L - 3;
        GalleryBlock block = new GalleryBlock(Arrays.copyOfRange(gallery, from * d, to * d), to - from, keys);
        return pass.scan(block, 0, to - from, 32, null);
    }

    private static byte[] bytes(PassPartial p) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(buf)) {
            p.writeTo(out);
        }
        return buf.toByteArray();
    }

    private static PassPartial read(byte[] b) throws IOException {
        return PassPartial.readFrom(new DataInputStream(new ByteArrayInputStream(b)), P);
    }

    @Test
    void aRoundTripKeepsEveryListAndTheMergedResult() throws IOException {
        Random r = new Random(13);
        int d = 24, n = 300;
        float[] gallery = rows(r, n, d);
        for (boolean galleryBank : new boolean[] {true, false}) {
            for (int reportRows : new int[] {0, 15}) {
                GalleryPass pass = new GalleryPass(
                        Similarity.COSINE,
                        new BankMatrix(rows(r, 40, d), 40, d),
                        galleryBank ? new BankMatrix(rows(r, 30, d), 30, d) : new BankMatrix(new float[0], 0, d),
                        P,
                        reportRows,
                        DotPrecision.FLOAT);
                PassPartial a = scan(pass, gallery, 0, 170, d), b = scan(pass, gallery, 170, n, d);
                PassPartial a2 = read(bytes(a)), b2 = read(bytes(b));
                assertTrue(a.sameAs(a2), "round trip of the first part");
                assertTrue(b.sameAs(b2), "round trip of the second part");
                assertEquals(a.listedKeys(), a2.listedKeys());
                PassResult direct = pass.emptyPartial().merge(a).merge(b).finish();
                PassResult viaWire = pass.emptyPartial().merge(b2).merge(a2).finish();
                assertEquals(direct.documents(), viaWire.documents());
                assertEquals(direct.queryActivation(), viaWire.queryActivation());
                assertEquals(direct.galleryActivation(), viaWire.galleryActivation());
                assertEquals(direct.report(), viaWire.report());
                assertEquals(reportRows > 0, direct.report() != null);
                assertFalse(a.sameAs(b), "different parts are told apart");
            }
        }
    }

    @Test
    void aTruncatedPartialIsAnErrorNotAWrongResult() throws IOException {
        Random r = new Random(5);
        int d = 8;
        GalleryPass pass = new GalleryPass(
                Similarity.COSINE,
                new BankMatrix(rows(r, 10, d), 10, d),
                new BankMatrix(rows(r, 10, d), 10, d),
                P,
                5,
                DotPrecision.FLOAT);
        byte[] whole = bytes(scan(pass, rows(r, 50, d), 0, 50, d));
        for (int cut : new int[] {3, whole.length / 2, whole.length - 1}) {
            assertThrows(IOException.class, () -> read(Arrays.copyOf(whole, cut)), "cut at " + cut);
        }
        byte[] forged = whole.clone();
        forged[11] = (byte) 0x7f; // the query top-k's list count becomes huge
        assertThrows(Exception.class, () -> read(forged));
    }
}
