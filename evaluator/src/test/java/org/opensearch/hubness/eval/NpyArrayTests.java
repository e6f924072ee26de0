package org.opensearch.hubness.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyArrayTests {

    @TempDir
    Path tmp;

    /** A hand-made .npy file of the given version, header text and little-endian payload. */
    private Path npy(String name, int major, String header, byte[] payload) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int prefix = major == 1 ? 10 : 12;
        ByteBuffer b = ByteBuffer.allocate(prefix + h.length + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) h.length);
        } else {
            b.putInt(h.length);
        }
        b.put(h).put(payload);
        Path p = tmp.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    @Test
    void roundTripsFloat32AndFloat64() throws IOException {
        Path f = tmp.resolve("f.npy");
        NpyArray.writeFloat32(f, new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        NpyArray a = NpyArray.readMatrix(f);
        assertEquals(NpyArray.DType.FLOAT32, a.dtype());
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, a.toFloats());
        assertEquals(0, (Files.size(f) - 24) % 64, "data starts on a 64-byte boundary");
        Path d = tmp.resolve("d.npy");
        NpyArray.writeFloat64(d, new double[] {0.1, -2.5}, 1, 2);
        assertArrayEquals(new double[] {0.1, -2.5}, NpyArray.readMatrix(d).values());
    }

    @Test
    void readsVersionsTwoAndThree() throws IOException {
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }\n";
        assertArrayEquals(
                new float[] {1.5f, -1f},
                NpyArray.readMatrix(npy("v2.npy", 2, header, floats(1.5f, -1f))).toFloats());
        assertArrayEquals(
                new float[] {1.5f, -1f},
                NpyArray.readMatrix(npy("v3.npy", 3, header, floats(1.5f, -1f))).toFloats());
    }

    @Test
    void refusesWhatItCannotReadCorrectly() throws IOException {
        Path fortran =
                npy("fortran.npy", 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 2), }\n", floats(1, 2));
        assertMessage(fortran, "fortran_order is True");
        Path big = npy("big.npy", 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (1, 2), }\n", floats(1, 2));
        assertMessage(big, "dtype '>f4' is not supported");
        Path half = npy("half.npy", 1, "{'descr': '<f2', 'fortran_order': False, 'shape': (1, 2), }\n", new byte[4]);
        assertMessage(half, "dtype '<f2' is not supported");
        Path oneD = npy("oneD.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }\n", floats(1, 2));
        assertMessage(oneD, "is 1-D; expected a 2-D matrix");
        Path threeD =
                npy("threeD.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 2), }\n", floats(1, 2));
        assertMessage(threeD, "is 3-D");
        Path truncated =
                npy("short.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }\n", floats(1, 2));
        assertMessage(truncated, "needs 16 bytes of data");
        Path ints = npy("ints.npy", 1, "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }\n", new byte[16]);
        assertMessage(ints, "dtype '<i8' is not supported here");
        assertEquals(2, NpyArray.read(ints).rows(), "but ground truth may be 1-D int");
        Path notNpy = tmp.resolve("x.npy");
        Files.writeString(notNpy, "hello world");
        assertMessage(notNpy, "not a .npy file");
        assertMessage(tmp.resolve("missing.npy"), "no such file");
    }

    private static void assertMessage(Path file, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NpyArray.readMatrix(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }
}
