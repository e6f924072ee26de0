package org.opensearch.hubness.bank.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import org.opensearch.hubness.bank.BankRefusedException;

/**
 * How rows of vectors are cut into chunk documents and put back together: whole rows only, up to {@link #CHUNK_FLOATS}
 * floats a chunk (one row a chunk when a row alone is larger), little-endian float32 in base64. A chunk that is not
 * what its writer wrote (not base64, not whole floats, more or fewer rows than recorded) is a refusal, never retried.
 */
final class VectorChunks {

    /** Floats per chunk document: 64k floats = 256 KB of vector data. */
    static final int CHUNK_FLOATS = 65_536;

    private VectorChunks() {}

    static int rowsPerChunk(int d) {
        return Math.max(1, CHUNK_FLOATS / d);
    }

    static int chunkCount(int count, int d) {
        int perChunk = rowsPerChunk(d);
        return (count + perChunk - 1) / perChunk;
    }

    /** The rows of chunk {@code chunk} of {@code count} rows of dimension {@code d}. */
    static int rowsIn(int chunk, int count, int d) {
        return Math.min(rowsPerChunk(d), count - chunk * rowsPerChunk(d));
    }

    /** The {@code data} of chunk {@code chunk}. */
    static String encode(float[] rows, int count, int d, int chunk) {
        int start = chunk * rowsPerChunk(d);
        int n = rowsIn(chunk, count, d);
        ByteBuffer buf = ByteBuffer.allocate(n * d * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(rows, start * d, n * d);
        return Base64.getEncoder().encodeToString(buf.array());
    }

    /** Puts the chunks of one kind back together, in their order. */
    static final class Assembler {
        private final String bank;
        private final BlobKind kind;
        private final int count;
        private final int d;
        private final float[] out;
        private int offset;

        Assembler(String bank, BlobKind kind, int count, int d) {
            this.bank = bank;
            this.kind = kind;
            this.count = count;
            this.d = d;
            this.out = new float[count * d];
        }

        void add(String chunkId, Object data) {
            if (!(data instanceof String text)) throw refused("chunk [" + chunkId + "] has no base64 [data]");
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(text);
            } catch (IllegalArgumentException e) {
                throw refused("chunk [" + chunkId + "] holds no valid base64: " + e.getMessage());
            }
            if (bytes.length % 4 != 0)
                throw refused("chunk [" + chunkId + "] holds " + bytes.length + " bytes, not whole float32 numbers");
            int floats = bytes.length / 4;
            if (offset + floats > out.length)
                throw new BankRefusedException(
                        "bank [" + bank + "] has a chunk larger than recorded: [" + chunkId + "]");
            ByteBuffer.wrap(bytes)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .asFloatBuffer()
                    .get(out, offset, floats);
            offset += floats;
        }

        float[] finish() {
            if (offset != out.length)
                throw new BankRefusedException("bank [" + bank + "] is incomplete: " + offset / d + " of " + count + " "
                        + kind.id() + " vectors stored");
            return out;
        }

        private BankRefusedException refused(String why) {
            return new BankRefusedException("the " + kind.id() + " vectors of bank [" + bank
                    + "] cannot be read from [" + BankBlobs.NAME + "]: " + why
                    + "; the bank index was modified outside the plugin; rebuild the bank");
        }
    }
}
